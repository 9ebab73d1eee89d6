-- Sectors of the code list with no sectoral council active at the year end.
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from sectors s
         where not exists (
             select 1 from councils c
             where c.kind = 'sectoral' and c.sector = s.code
               and c.established_date <= make_date(y.year, 12, 31)
               and (c.dissolved_date is null or c.dissolved_date > make_date(y.year, 12, 31)))) as value,
       null as numerator, null as denominator
from report_years y
