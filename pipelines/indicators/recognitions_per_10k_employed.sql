-- Passed decisions per 10,000 employed persons, both restricted to the NCO unit groups of the
-- professions in the register at the year end; by region of the candidate and of the employment.
with units as (
    select distinct year, left(nco_code, 4) as unit from register_at_year_end('professions')
),
emp as (
    select l.year, l.region, sum(l.employed) as employed
    from labour_at_year() l
    join units u on u.year = l.year and u.unit = l.nco_unit
    group by l.year, l.region
),
rec as (
    select d.year, d.region, count(*) as passed
    from decisions() d
    join units u on u.year = d.year and u.unit = left(d.nco_code, 4)
    where d.result = 'passed'
    group by d.year, d.region
),
by_region as (
    select e.year, e.region, coalesce(r.passed, 0) as passed, e.employed
    from emp e left join rec r on r.year = e.year and r.region = e.region
)
select year, 'total' as breakdown, 'total' as breakdown_value,
       10000.0 * sum(passed) / sum(employed) as value, sum(passed) as numerator, sum(employed) as denominator
from by_region group by year
union all
select year, 'region', region, 10000.0 * passed / employed, passed, employed from by_region
