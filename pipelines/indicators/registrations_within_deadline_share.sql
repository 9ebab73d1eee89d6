-- Organisations registered in the year within the para. 4 deadline (5 working days for centres,
-- 10 for state bodies and chambers), of those with a deadline; candidates have none. The
-- national figure shows for every year from the first registration; a year with nothing due has
-- no value (count(s.in_numerator) skips the left join's empty row).
with s as (
    select year(registration_date) as year, party_kind, met as in_numerator
    from registration_checks
    where met is not null
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       100.0 * count(*) filter (where s.in_numerator) / nullif(count(s.in_numerator), 0) as value,
       count(*) filter (where s.in_numerator) as numerator,
       count(s.in_numerator) as denominator
from report_years y left join s on s.year = y.year
where y.year >= (select min(year(registration_date)) from registrations)
group by y.year
union all
select * from share_cells('s') where breakdown <> 'total'
