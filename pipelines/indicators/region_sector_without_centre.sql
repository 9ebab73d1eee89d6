-- (Region, sector) pairs where the sector has a standard in force at the year end but no centre
-- accredited then in the region works in it: where candidates have nowhere to go.
with cs as (
    select distinct year, region, unnest(sectors) as sector
    from register_at_year_end('centres')
    where status = 'accredited'
),
std_sectors as (
    select distinct year, sector
    from standards_at_year_end()
    where sector in (select code from sectors) and year >= first_snapshot_year('centres')
),
gaps as (
    select ss.year, r.code as region, ss.sector
    from std_sectors ss cross join regions r
    where not exists (select 1 from cs where cs.year = ss.year and cs.region = r.code and cs.sector = ss.sector)
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from gaps g where g.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= first_snapshot_year('centres')
union all
select y.year, 'region', r.code,
       (select count(*) from gaps g where g.year = y.year and g.region = r.code), null, null
from report_years y cross join regions r
where y.year >= first_snapshot_year('centres')
union all
select ss.year, 'sector', ss.sector,
       (select count(*) from gaps g where g.year = ss.year and g.sector = ss.sector), null, null
from std_sectors ss
