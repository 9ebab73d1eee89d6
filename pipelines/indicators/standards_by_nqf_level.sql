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
with s as (
    select y.year, st.standard_id, st.nqf_levels
    from report_years y
    join standards st on st.approval_date <= make_date(y.year, 12, 31)
    where st.status = 'in_force'
),
lv as (
    select year, standard_id, unnest(nqf_levels) as level from s
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from s where s.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
union all
select y.year, 'nqf_level', n.level::varchar,
       (select count(distinct standard_id) from lv where lv.year = y.year and lv.level = n.level),
       null, null
from report_years y cross join nqf_levels n
