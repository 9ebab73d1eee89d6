-- Centres accredited at the year end, by region (KATO) and by sector; a centre working in several
-- sectors counts in each. Every region and sector of the code lists shows, 0 where none.
with c as (
    select year, centre_bin as counted, region, unnest(sectors) as sector
    from register_at_year_end('centres')
    where status = 'accredited'
),
listed as (
    select 'region' as breakdown, code as breakdown_value from regions
    union all
    select 'sector', code from sectors
)
select * from count_cells_listed('c', first_snapshot_year('centres'), 'listed')
