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
-- Decisions of the year (passed, failed or absent) where the candidate did not come to the
-- assessment: a booked slot the centre could not use.
with r as (
    select year, region, referral, result = 'absent' as in_numerator
    from decisions()
    where result in ('passed', 'failed', 'absent')
)
select * from share_cells('r')
