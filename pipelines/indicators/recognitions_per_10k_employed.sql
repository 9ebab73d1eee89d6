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
denominators as (
    select year, 'total' as breakdown, 'total' as breakdown_value, sum(employed) as denominator
    from emp group by year
    union all
    select year, 'region', region, employed from emp
),
-- One row per passed decision, in a region with employment (the only ones a cell counts).
passed as (
    select d.year, d.region, d.person_id as unit_id
    from decisions() d
    join majors m on m.year = d.year and m.major = left(d.nco_code, 1)
    semi join emp e on e.year = d.year and e.region = d.region
    where d.result = 'passed'
)
select * from rate_cells('passed', 'denominators', 10000.0)
