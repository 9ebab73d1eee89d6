/*
id = "recognition_pass_rate"
topic = "recognition"
title = { kk = "Біліктілікті тану кезінде сәтті өткендердің үлесі", ru = "Доля успешно прошедших признание квалификации" }
definition = { kk = "Жылы шешім шығарылған, бағалаудан өткен кандидаттардың ішінен сәтті өткендердің үлесі (келмегендер есептелмейді).", ru = "Доля успешно прошедших среди кандидатов, прошедших оценку, с решением в году (неявившиеся не учитываются)." }
formula = "100 × passed / (passed + failed), by decision year"
unit = "percent"
breakdowns = ["total", "region", "nqf_level", "sex", "age_band", "referral", "sector"]
higher_is_better = true
sources = ["recognition_results", "professions"]
counts_persons = true
[relations]
adds_up = ["region", "nqf_level", "sex", "age_band", "referral", "sector"]
*/
-- Assessments of the year that passed, of those assessed (passed or failed; absent candidates
-- were not assessed).
with r as (
    select d.year, d.region, d.nqf_level, d.sex, d.age_band, d.referral,
           coalesce(p.sector, 'unknown') as sector, d.result = 'passed' as in_numerator
    from decisions() d
    left join profession_sector() p using (profession_id)
    where d.result in ('passed', 'failed')
)
select * from share_cells('r')
