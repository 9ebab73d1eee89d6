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
