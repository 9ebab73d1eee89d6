-- Sectoral councils established by 31 December and not dissolved by then.
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from councils c
         where c.kind = 'sectoral' and c.established_date <= make_date(y.year, 12, 31)
           and (c.dissolved_date is null or c.dissolved_date > make_date(y.year, 12, 31))) as value,
       null as numerator, null as denominator
from report_years y
