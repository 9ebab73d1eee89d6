/*
id = "submissions_median_days_late"
topic = "data_flow"
title = { kk = "Кешіккен берілімдердің кешігу мерзімі (медиана)", ru = "Срок опоздания запоздавших представлений (медиана)" }
definition = { kk = "Қағидалардың 7-тармағы бойынша мерзімінен кеш келген деректер берілімдерінің кешігу күндерінің медианасы (жұмыс күндерімен, кесте бойынша), жеткізушілер бойынша.", ru = "Медиана дней опоздания представлений данных по пункту 7 Правил, поступивших позже срока (в рабочих днях, по графику), по поставщикам." }
formula = "median(submission_status.days_late) over status = 'late'; denominator = number of late submissions"
unit = "days"
breakdowns = ["total", "provider"]
higher_is_better = false
sources = ["submission_status"]
*/
with s as (
    select year, provider, days_late from submission_status
    where status = 'late' and days_late is not null
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, days_late from s
    union all select year, 'provider', provider, days_late from s
)
select year, breakdown, breakdown_value,
       median(days_late) as value, null as numerator, count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
