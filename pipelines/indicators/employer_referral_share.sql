-- Decisions of the year where the employer sent the candidate, by region, NQF level and sector.
with r as (
    select d.year, d.region, d.nqf_level, coalesce(p.sector, 'unknown') as sector,
           d.referral = 'employer' as in_numerator
    from decisions() d
    left join profession_sector() p using (profession_id)
)
select * from share_cells('r')
