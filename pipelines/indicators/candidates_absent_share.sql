-- Decisions of the year (passed, failed or absent) where the candidate did not come to the
-- assessment: a booked slot the centre could not use.
with r as (
    select year, result = 'absent' as in_numerator,
           person_id as unit_id
    from decisions()
    where result in ('passed', 'failed', 'absent')
)
select * from share_cells('r')
