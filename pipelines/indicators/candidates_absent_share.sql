-- Decisions of the year (passed, failed or absent) where the candidate did not come to the
-- assessment: a booked slot the centre could not use.
with r as (
    select year, region, referral, result = 'absent' as in_numerator
    from decisions()
    where result in ('passed', 'failed', 'absent')
)
select * from share_cells('r')
