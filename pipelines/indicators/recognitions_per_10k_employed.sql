-- Passed decisions per 10,000 employed persons, both restricted to the NCO major groups of the
-- professions in the register at the year end (employment is published by major group, not by
-- unit group); by region of the candidate and of the employment.
with majors as (
    select distinct year, left(nco_code, 1) as major from register_at_year_end('professions')
),
emp as (
    select e.year, e.region, sum(e.employed) as employed
    from employment_at_year() e
    join majors m on m.year = e.year and m.major = e.nco_major
    group by e.year, e.region
),
rec as (
    select d.year, d.region, count(*) as passed
    from decisions() d
    join majors m on m.year = d.year and m.major = left(d.nco_code, 1)
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
