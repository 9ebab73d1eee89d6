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
-- Professions in the register at the year end, by sector and by NQF level (a profession
-- recognised at several levels counts at each; one without levels counts in no level).
with p as (
    select year, profession_id as counted, sector,
           unnest(if(len(nqf_levels) > 0, nqf_levels, [null])) as nqf_level
    from register_at_year_end('professions')
)
select * from count_cells('p', first_snapshot_year('professions'))
where not (breakdown = 'nqf_level' and breakdown_value = 'unknown')
