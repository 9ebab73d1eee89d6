/*
id = "employment_covered_by_standards_share"
topic = "labour_market"
title = { kk = "Кәсіптік стандартпен қамтылған жұмыспен қамтылғандардың үлесі", ru = "Доля занятых, охваченных профессиональными стандартами" }
definition = { kk = "Жұмыспен қамтылғандардың ішінде жыл соңында кемінде бір қолданыстағы кәсіптік стандарт бар ҰКС бірлік топтарында жұмыс істейтіндердің үлесі (есепті жылдың немесе ең соңғы қолжетімді жылдың статистикасы).", ru = "Доля занятых в единичных группах НКЗ, имеющих хотя бы один действующий на конец года профессиональный стандарт, среди всех занятых (статистика за год или последний доступный год)." }
formula = "100 × sum(employed in unit groups named by a standard in force at 31 Dec) / sum(employed), labour_stats of the latest statistics year <= year"
unit = "percent"
breakdowns = ["total", "region"]
higher_is_better = true
sources = ["labour_stats", "standards"]
*/
with stat_year as (
    select y.year, max(l.year) as stat_year
    from report_years y join labour_stats l on l.year <= y.year
    group by y.year
),
std_units as (
    select distinct y.year, left(c.code, 4) as unit
    from report_years y
    join (select approval_date, status, unnest(nco_codes) as code from standards) c
      on c.approval_date <= make_date(y.year, 12, 31)
    where c.status = 'in_force'
),
v as (
    select s.year, l.region, coalesce(l.employed, 0) as employed,
           exists (select 1 from std_units u where u.year = s.year and u.unit = l.nco_unit) as covered
    from stat_year s join labour_stats l on l.year = s.stat_year
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, employed, covered from v
    union all select year, 'region', region, employed, covered from v
)
select year, breakdown, breakdown_value,
       100.0 * coalesce(sum(employed) filter (where covered), 0) / nullif(sum(employed), 0) as value,
       coalesce(sum(employed) filter (where covered), 0) as numerator,
       sum(employed) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
