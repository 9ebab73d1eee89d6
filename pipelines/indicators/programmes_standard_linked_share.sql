/*
id = "programmes_standard_linked_share"
topic = "education"
title = { kk = "Қолданыстағы кәсіптік стандартқа негізделген бағдарламалардың үлесі", ru = "Доля программ, основанных на действующем профессиональном стандарте" }
definition = { kk = "Жыл соңындағы тізілімдегі белсенді білім беру бағдарламаларының ішінде жыл соңында қолданыста болған кемінде бір кәсіптік стандартқа сілтеме жасайтындарының үлесі.", ru = "Доля активных образовательных программ реестра на конец года, ссылающихся хотя бы на один профессиональный стандарт, действующий на конец года." }
formula = "100 × count(active programmes listing a standard that is in force and approved on or before 31 Dec) / count(active programmes), latest snapshot on or before 31 Dec"
unit = "percent"
breakdowns = ["total", "level", "region"]
higher_is_better = true
sources = ["programmes", "standards"]
*/
with snap as (
    select y.year, max(p.as_of) as as_of
    from report_years y join programmes p on p.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
p as (
    select s.year, p.level, p.region,
           exists (select 1 from standards st
                   where list_contains(p.standard_ids, st.standard_id)
                     and st.status = 'in_force'
                     and st.approval_date <= make_date(s.year, 12, 31)) as linked
    from snap s join programmes p on p.as_of = s.as_of
    where p.status = 'active'
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, linked from p
    union all select year, 'level', level, linked from p
    union all select year, 'region', region, linked from p
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where linked) / count(*) as value,
       count(*) filter (where linked) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
