/*
id = "professions_in_register"
topic = "standards"
title = { kk = "Кәсіптер тізіліміндегі кәсіптер саны", ru = "Число профессий в реестре профессий" }
definition = { kk = "Жыл соңындағы кәсіптер тізіліміндегі кәсіптер саны (31 желтоқсанға дейінгі соңғы үзінді бойынша).", ru = "Число профессий в реестре профессий на конец года (по последнему срезу не позднее 31 декабря)." }
formula = "count(professions in the latest snapshot on or before 31 Dec)"
unit = "count"
breakdowns = ["total", "sector", "nqf_level"]
sources = ["professions"]
*/
with snap as (
    select y.year, max(p.as_of) as as_of
    from report_years y join professions p on p.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
prof as (
    select s.year, p.profession_id, p.sector, p.nqf_levels
    from snap s join professions p on p.as_of = s.as_of
),
lv as (
    select year, profession_id, unnest(nqf_levels) as level from prof
)
select year, 'total' as breakdown, 'total' as breakdown_value, count(*) as value,
       null as numerator, null as denominator
from prof group by year
union all
select year, 'sector', sector, count(*), null, null from prof group by year, sector
union all
select year, 'nqf_level', level::varchar, count(distinct profession_id), null, null
from lv group by year, level
