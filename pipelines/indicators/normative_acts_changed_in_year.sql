-- Normative legal acts adopted or last amended in the year (only the last amendment date is kept).
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from normative_acts n
         where year(n.adopted_date) = y.year or year(n.amended_date) = y.year) as value,
       null as numerator, null as denominator
from report_years y
