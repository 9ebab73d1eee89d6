/*
id = "certificates_issued_share_of_passed"
topic = "recognition"
title = { kk = "Құжат берілген сәтті шешімдердің үлесі", ru = "Доля положительных решений, по которым выдан документ" }
definition = { kk = "Жылы шығарылған сәтті шешімдердің ішінде тану туралы құжат берілгені туралы мәлімет бар шешімдердің үлесі. Төмен мән орталықтардың құжаттар тізілімін толық бермейтінін көрсетеді.", ru = "Доля положительных решений года, по которым в реестре есть выданный документ о признании. Низкое значение указывает на неполную передачу центрами реестра документов." }
formula = "100 × count(recognition_results passed in the year with an 'issued' certificate for the record_id) / count(recognition_results passed in the year)"
unit = "percent"
breakdowns = ["total", "region"]
higher_is_better = true
sources = ["recognition_results", "certificates"]
counts_persons = true
[relations]
adds_up = ["region"]
same_as = [{ part = "denominator", indicator = "recognition_pass_rate", other_part = "numerator" }]
*/
with r as (
    select year(rr.decision_date) as year, rr.region,
           exists (select 1 from certificates c where c.record_id = rr.record_id and c.event = 'issued') as has_cert
    from recognition_results rr
    where rr.result = 'passed' and rr.decision_date is not null
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, has_cert from r
    union all select year, 'region', region, has_cert from r
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where has_cert) / count(*) as value,
       count(*) filter (where has_cert) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
