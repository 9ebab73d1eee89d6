/*
id = "nco_units_covered_share"
topic = "standards"
title = { kk = "Кәсіптік стандартпен қамтылған ҰКС бірлік топтарының үлесі", ru = "Доля единичных групп НКЗ, охваченных профессиональным стандартом" }
definition = { kk = "Ұлттық кәсіптер сыныптауышының бірлік топтарының ішінде жыл соңында кемінде бір қолданыстағы кәсіптік стандартпен қамтылғандарының үлесі. Стандарттағы кәсіп коды (NNNN-N-NNN) өзінің төрт таңбалы бірлік тобына жатқызылады.", ru = "Доля единичных групп Национального классификатора занятий, охваченных хотя бы одним профессиональным стандартом, действующим на конец года. Код занятия в стандарте (NNNN-N-NNN) относится к своей четырёхзначной единичной группе." }
formula = "100 × count(distinct NCO unit groups named by standards in force at 31 Dec) / count(NCO unit groups)"
unit = "percent"
breakdowns = ["total", "nco_major"]
higher_is_better = true
sources = ["standards", "nco"]
*/
with units as (
    select code, left(code, 1) as major from nco where level = 'unit'
),
covered as (
    select distinct y.year, left(c.code, 4) as unit
    from report_years y
    join (select approval_date, status, unnest(nco_codes) as code from standards) c
      on c.approval_date <= make_date(y.year, 12, 31)
    where c.status = 'in_force'
),
u as (
    select y.year, units.code, units.major,
           exists (select 1 from covered c where c.year = y.year and c.unit = units.code) as is_covered
    from report_years y cross join units
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, is_covered from u
    union all select year, 'nco_major', major, is_covered from u
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where is_covered) / count(*) as value,
       count(*) filter (where is_covered) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
