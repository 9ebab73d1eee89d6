/*
id = "candidates_assessed"
topic = "recognition"
title = { kk = "Бағалаудан өткен кандидаттар", ru = "Кандидаты, прошедшие оценку" }
definition = { kk = "Жылы шешім шығарылған, бағалаудан өткен (сәтті немесе сәтсіз) кандидаттар саны; әр адам бір ұяшықта бір рет саналады, келмегендер есептелмейді.", ru = "Число кандидатов, прошедших оценку (успешно или нет) с решением в году; каждое лицо в ячейке учитывается один раз, неявившиеся не учитываются." }
formula = "count(distinct person_id of recognition_results: result in (passed, failed), year(decision_date) = year)"
unit = "count"
breakdowns = ["total", "region", "nqf_level", "sex", "age_band", "referral", "sector"]
higher_is_better = true
sources = ["recognition_results", "professions"]
counts_persons = true
[relations]
covers = ["region", "nqf_level", "sex", "age_band", "referral", "sector"]
*/
-- Persons assessed (passed or failed) in the year; a person assessed twice counts once per cell.
with r as (
    select d.year, d.person_id as counted, d.region, d.nqf_level, d.sex, d.age_band, d.referral,
           coalesce(p.sector, 'unknown') as sector
    from decisions() d
    left join profession_sector() p using (profession_id)
    where d.result in ('passed', 'failed')
)
select * from count_cells('r', (select min(year(decision_date)) from recognition_results))
