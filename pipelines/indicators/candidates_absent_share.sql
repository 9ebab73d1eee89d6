/*
id = "candidates_absent_share"
topic = "recognition"
title = { kk = "Бағалауға келмеген кандидаттардың үлесі", ru = "Доля неявившихся на оценку кандидатов" }
definition = { kk = "Жылы шешім шығарылған өтінімдердің ішінде кандидат бағалауға келмеген өтінімдердің үлесі.", ru = "Доля заявок, по которым кандидат не явился на оценку, среди заявок с решением в году." }
formula = "100 × count(result = 'absent') / count(all results), by decision year"
unit = "percent"
breakdowns = ["total", "region", "referral"]
higher_is_better = false
sources = ["recognition_results"]
counts_persons = true
[relations]
adds_up = ["region", "referral"]
*/
with r as (
    select year(decision_date) as year, region, referral, result = 'absent' as absent
    from recognition_results
    where decision_date is not null and result in ('passed', 'failed', 'absent')
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, absent from r
    union all select year, 'region', region, absent from r
    union all select year, 'referral', referral, absent from r
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where absent) / count(*) as value,
       count(*) filter (where absent) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
