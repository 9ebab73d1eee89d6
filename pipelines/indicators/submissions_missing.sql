/*
id = "submissions_missing"
topic = "data_flow"
title = { kk = "Берілмеген міндетті деректер (7-тармақ)", ru = "Непредставленные обязательные данные (пункт 7)" }
definition = { kk = "Қағидалардың 7-тармағы бойынша мерзімі өтіп кеткен, бірақ мүлде берілмеген міндетті деректер берілімдерінің саны, жеткізушілер мен дереккөздер бойынша.", ru = "Число обязательных представлений данных по пункту 7 Правил, срок которых истёк, но которые так и не поступили, по поставщикам и источникам." }
formula = "count(submission_status: status = 'missing'), by the schedule year, from the first year with a received submission"
unit = "count"
breakdowns = ["total", "provider", "source"]
higher_is_better = false
sources = ["submission_status", "submissions"]
*/
with s as (
    select year, provider, source from submission_status where status = 'missing'
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from s where s.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(received_date)) from submissions)
union all
select y.year, 'provider', p.provider,
       (select count(*) from s where s.year = y.year and s.provider = p.provider), null, null
from report_years y cross join (select distinct provider from submission_status) p
where y.year >= (select min(year(received_date)) from submissions)
union all
select y.year, 'source', p.source,
       (select count(*) from s where s.year = y.year and s.source = p.source), null, null
from report_years y cross join (select distinct source from submission_status) p
where y.year >= (select min(year(received_date)) from submissions)
