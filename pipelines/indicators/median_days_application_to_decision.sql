/*
id = "median_days_application_to_decision"
topic = "recognition"
title = { kk = "Өтінімнен шешімге дейінгі күндер (медиана)", ru = "Дни от заявки до решения (медиана)" }
definition = { kk = "Жылы шешім шығарылған бағалаулар бойынша өтінім берілген күннен шешім шығарылған күнге дейінгі күнтізбелік күндердің медианасы.", ru = "Медиана календарных дней от подачи заявки до принятия решения по оценкам с решением в году." }
formula = "median(decision_date − application_date) in calendar days, result in (passed, failed), by decision year; denominator = number of decisions"
unit = "days"
breakdowns = ["total", "region", "nqf_level"]
higher_is_better = false
sources = ["recognition_results"]
counts_persons = true
[relations]
adds_up = ["region", "nqf_level"]
same_as = [{ part = "denominator", indicator = "recognition_pass_rate", other_part = "denominator" }]
*/
with r as (
    select year(decision_date) as year, region, nqf_level::varchar as nqf_level,
           date_diff('day', application_date, decision_date) as days
    from recognition_results
    where result in ('passed', 'failed') and decision_date is not null and application_date is not null
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, days from r
    union all select year, 'region', region, days from r
    union all select year, 'nqf_level', nqf_level, days from r
)
select year, breakdown, breakdown_value,
       median(days) as value, null as numerator, count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
