-- Decisions of the year where the employer sent the candidate, by region, NQF level and sector.
with r as (
    select d.year, d.referral = 'employer' as in_numerator, d.person_id as unit_id
    from decisions() d
)
select * from share_cells('r')
