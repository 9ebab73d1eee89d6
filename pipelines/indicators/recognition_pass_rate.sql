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
