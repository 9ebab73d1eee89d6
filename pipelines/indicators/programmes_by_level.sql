-- Active education programmes in the register at the year end, by level and region (every
-- level and region shows, 0 where none).
with p as (
    select year, programme_id as counted, level, region
    from register_at_year_end('programmes')
    where status = 'active'
),
listed as (
    select 'level' as breakdown, unnest(['tvet', 'post_secondary', 'higher', 'postgraduate']) as breakdown_value
    union all
    select 'region', code from regions
)
select * from count_cells_listed('p', first_snapshot_year('programmes'), 'listed')
