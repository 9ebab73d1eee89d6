-- Persons whose qualification was recognised (result passed) in the year, once per cell.
with r as (
    select d.year, d.person_id as counted, d.region, d.nqf_level, d.sex, d.age_band, d.referral,
           coalesce(p.sector, 'unknown') as sector
    from decisions() d
    left join profession_sector() p using (profession_id)
    where d.result = 'passed'
)
select * from count_cells('r', (select min(year(decision_date)) from recognition_results))
