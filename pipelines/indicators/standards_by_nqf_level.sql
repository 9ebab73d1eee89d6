/*
id = "standards_by_nqf_level"
topic = "standards"
title = { kk = "Қолданыстағы стандарттар ҰБШ деңгейлері бойынша", ru = "Действующие стандарты по уровням НРК" }
definition = { kk = "Жыл соңында қолданыстағы кәсіптік стандарттар саны, олар қамтитын Ұлттық біліктілік шеңберінің деңгейлері бойынша (бір стандарт бірнеше деңгейді қамтуы мүмкін).", ru = "Число профессиональных стандартов, действующих на конец года, по охватываемым уровням Национальной рамки квалификаций (один стандарт может охватывать несколько уровней)." }
formula = "count(standards in force at 31 Dec); by level: count of those whose nqf_levels contain the level"
unit = "count"
breakdowns = ["total", "nqf_level"]
higher_is_better = true
sources = ["standards", "nqf_levels"]
*/
-- Professional standards in force at the year end, by the NQF levels they cover (a standard
-- covering several levels counts at each; every level of the NQF shows, 0 where none).
with s as (
    select year, standard_id as counted, unnest(nqf_levels) as nqf_level
    from standards_at_year_end()
),
listed as (select 'nqf_level' as breakdown, level::varchar as breakdown_value from nqf_levels)
select * from count_cells_listed('s', 0, 'listed')
