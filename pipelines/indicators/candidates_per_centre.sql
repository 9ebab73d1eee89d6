/*
id = "candidates_per_centre"
topic = "centres"
title = { kk = "Бір тану орталығына шаққандағы бағаланған кандидаттар", ru = "Оценённые кандидаты в расчёте на один центр признания" }
definition = { kk = "Жыл ішінде шешім шығарылған бағалаулар санының жыл ішінде кемінде бір шешім шығарған тану орталықтарының санына қатынасы.", ru = "Отношение числа оценок с решением в году к числу центров признания, принявших в году хотя бы одно решение." }
formula = "count(recognition_results: result in (passed, failed), decision in year) / count(distinct centre_bin with such a decision)"
unit = "ratio"
breakdowns = ["total"]
sources = ["recognition_results"]
*/
-- Assessments decided in the year per centre that decided at least one: the centres' average load.
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       count(r.record_id)::double / nullif(count(distinct r.centre_bin), 0) as value,
       count(r.record_id) as numerator,
       count(distinct r.centre_bin) as denominator
from report_years y
left join recognition_results r
  on year(r.decision_date) = y.year and r.result in ('passed', 'failed')
where y.year >= (select min(year(decision_date)) from recognition_results)
group by y.year
