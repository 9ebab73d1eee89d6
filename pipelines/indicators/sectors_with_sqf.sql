-- Sectors of the code list with a sectoral qualifications framework (SQF) in force at the year end.
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct q.sector) from sqf q
         where q.status = 'in_force' and q.approval_date <= make_date(y.year, 12, 31)
           and q.sector in (select code from sectors)) as value,
       null as numerator, null as denominator
from report_years y
