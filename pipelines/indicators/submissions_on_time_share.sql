/*
id = "submissions_on_time_share"
topic = "data_flow"
title = { kk = "Мерзімінде берілген деректердің үлесі (7-тармақ)", ru = "Доля своевременно представленных данных (пункт 7)" }
definition = { kk = "Қағидалардың 7-тармағы бойынша мерзімі жылы келген міндетті деректер берілімдерінің ішінде мерзімінде келгендерінің үлесі, жеткізушілер мен дереккөздер бойынша. Мерзімі әлі келмегендері есептелмейді.", ru = "Доля представленных в срок среди обязательных представлений данных по пункту 7 Правил со сроком в году, по поставщикам и источникам. Представления, срок которых ещё не наступил, не учитываются." }
formula = "100 × count(submission_status: status = 'on_time') / count(status in (on_time, late, missing)), by the schedule year, from the first year with a received submission"
unit = "percent"
breakdowns = ["total", "provider", "source"]
higher_is_better = true
sources = ["submission_status", "submissions"]
*/
with s as (
    select year, provider, source, status = 'on_time' as on_time
    from submission_status
    where status in ('on_time', 'late', 'missing')
      and year >= (select min(year(received_date)) from submissions)
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, on_time from s
    union all select year, 'provider', provider, on_time from s
    union all select year, 'source', source, on_time from s
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where on_time) / count(*) as value,
       count(*) filter (where on_time) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
