-- Active programmes at the year end that name at least one professional standard or NCO code.
with p as (
    select year, level, region,
           coalesce(len(standard_ids), 0) > 0 or coalesce(len(nco_codes), 0) > 0 as in_numerator
    from register_at_year_end('programmes')
    where status = 'active'
)
select * from share_cells('p')
