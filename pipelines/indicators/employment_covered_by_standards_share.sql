-- Employed persons whose NCO unit group has a professional standard in force at the year end, of
-- all employed persons.
with v as (
    select l.year, l.region, coalesce(l.employed, 0) as weight,
           exists (select 1 from standard_nco_codes() u where u.year = l.year and u.unit = l.nco_unit) as in_numerator
    from labour_at_year() l
)
select * from weighted_share_cells('v')
