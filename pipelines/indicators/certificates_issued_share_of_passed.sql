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
-- Of the year's passed decisions, those whose record has an issued certificate: a low share
-- means centres do not send their register of certificates in full.
with r as (
    select year, region,
           exists (select 1 from certificates c where c.record_id = d.record_id and c.event = 'issued') as in_numerator
    from decisions() d
    where result = 'passed'
)
select * from share_cells('r')
