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
-- Median calendar days from application to decision for the year's assessments.
with r as (
    select year, region, nqf_level, date_diff('day', application_date, decision_date) as measure
    from decisions()
    where result in ('passed', 'failed') and application_date is not null
)
select * from median_cells('r')
