/*
id = "professions_standard_coverage_share"
topic = "standards"
title = { kk = "Кәсіптік стандартпен қамтылған тізілімдегі кәсіптердің үлесі", ru = "Доля профессий реестра, обеспеченных профессиональным стандартом" }
definition = { kk = "Жыл соңындағы кәсіптер тізіліміндегі кәсіптердің ішінде коды немесе бірлік тобы бойынша қолданыстағы кәсіптік стандартпен қамтылғандарының үлесі.", ru = "Доля профессий реестра на конец года, код занятия которых охвачен действующим профессиональным стандартом (по коду занятия или по единичной группе)." }
formula = "100 × count(professions covered by a standard in force at 31 Dec) / count(professions in the latest snapshot on or before 31 Dec)"
unit = "percent"
breakdowns = ["total", "sector"]
higher_is_better = true
sources = ["professions", "standards"]
*/
with snap as (
    select y.year, max(p.as_of) as as_of
    from report_years y join professions p on p.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
codes as (
    select distinct y.year, c.code
    from report_years y
    join (select approval_date, status, unnest(nco_codes) as code from standards) c
      on c.approval_date <= make_date(y.year, 12, 31)
    where c.status = 'in_force'
),
prof as (
    select s.year, p.sector,
           exists (select 1 from codes c
                   where c.year = s.year and (c.code = p.nco_code or c.code = left(p.nco_code, 4))) as covered
    from snap s join professions p on p.as_of = s.as_of
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, covered from prof
    union all select year, 'sector', sector, covered from prof
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where covered) / count(*) as value,
       count(*) filter (where covered) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
