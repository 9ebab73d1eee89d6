-- Assessments of the year that passed, of those assessed (passed or failed; absent candidates
-- were not assessed).
with r as (
    select d.year, d.region, d.nqf_level, d.result = 'passed' as in_numerator,
           d.person_id as unit_id
    from decisions() d
    where d.result in ('passed', 'failed')
)
select * from share_cells('r')
