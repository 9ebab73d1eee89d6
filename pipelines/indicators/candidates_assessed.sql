-- Persons assessed (passed or failed) in the year; a person assessed twice counts once per cell.
with r as (
    select d.year, d.person_id as counted, d.region, d.nqf_level, d.sex, d.age_band, d.referral,
           coalesce(p.sector, 'unknown') as sector
    from decisions() d
    left join profession_sector() p using (profession_id)
    where d.result in ('passed', 'failed')
)
select * from count_cells('r', (select min(year(decision_date)) from recognition_results))
