-- Accredited centres at the year end per 100,000 employed persons, nationally and by region; the
-- national numerator counts every accredited centre.
with emp as (
    select year, region, sum(employed) as employed
    from employment_at_year()
    group by year, region
),
c as (
    select year, region, count(distinct centre_bin) as centres
    from register_at_year_end('centres')
    where status = 'accredited'
    group by year, region
),
by_region as (
    select e.year, e.region, coalesce(c.centres, 0) as centres, e.employed
    from emp e left join c on c.year = e.year and c.region = e.region
    where e.year >= first_snapshot_year('centres')
)
select year, 'total' as breakdown, 'total' as breakdown_value,
       100000.0 * (select sum(centres) from c where c.year = b.year) / sum(employed) as value,
       (select sum(centres) from c where c.year = b.year) as numerator,
       sum(employed) as denominator
from by_region b group by year
union all
select year, 'region', region, 100000.0 * centres / employed, centres, employed
from by_region
