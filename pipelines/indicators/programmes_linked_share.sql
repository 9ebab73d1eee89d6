/*
id = "programmes_linked_share"
topic = "education"
title = { kk = "Кәсіптік стандартқа немесе ҰКС кодына байланысты бағдарламалардың үлесі", ru = "Доля программ, связанных с профессиональным стандартом или кодом НКЗ" }
definition = { kk = "Жыл соңындағы тізілімдегі белсенді білім беру бағдарламаларының ішінде кемінде бір кәсіптік стандартқа немесе Ұлттық кәсіптер сыныптауышының кодына сілтеме жасайтындарының үлесі.", ru = "Доля активных образовательных программ реестра на конец года, имеющих ссылку хотя бы на один профессиональный стандарт или код Национального классификатора занятий." }
formula = "100 × count(active programmes with non-empty standard_ids or nco_codes) / count(active programmes), latest snapshot on or before 31 Dec"
unit = "percent"
breakdowns = ["total", "level", "region"]
higher_is_better = true
sources = ["programmes"]
*/
with snap as (
    select y.year, max(p.as_of) as as_of
    from report_years y join programmes p on p.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
p as (
    select s.year, p.level, p.region,
           coalesce(len(p.standard_ids), 0) > 0 or coalesce(len(p.nco_codes), 0) > 0 as linked
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
