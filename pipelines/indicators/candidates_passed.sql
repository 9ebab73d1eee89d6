/*
id = "candidates_passed"
topic = "recognition"
title = { kk = "Біліктілігі танылған кандидаттар", ru = "Кандидаты, квалификация которых признана" }
definition = { kk = "Жылы бағалаудан сәтті өтіп, біліктілігі танылған кандидаттар саны; әр адам бір ұяшықта бір рет саналады.", ru = "Число кандидатов, успешно прошедших оценку и получивших признание квалификации с решением в году; каждое лицо в ячейке учитывается один раз." }
formula = "count(distinct person_id of recognition_results: result = 'passed', year(decision_date) = year)"
unit = "count"
breakdowns = ["total", "region", "nqf_level", "sex", "age_band", "referral", "sector"]
higher_is_better = true
sources = ["recognition_results", "professions"]
counts_persons = true
[relations]
covers = ["region", "nqf_level", "sex", "age_band", "referral", "sector"]
*/
-- Persons whose qualification was recognised (result passed) in the year, once per cell.
with r as (
    select d.year, d.person_id as counted, d.region, d.nqf_level, d.sex, d.age_band, d.referral,
           coalesce(p.sector, 'unknown') as sector
    from decisions() d
    left join profession_sector() p using (profession_id)
    where d.result = 'passed'
)
select * from count_cells('r', (select min(year(decision_date)) from recognition_results))
