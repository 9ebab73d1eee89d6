-- Sectors with a professional standard in force at the year end but no sectoral qualifications
-- framework (SQF) in force then.
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from sectors s
         where exists (select 1 from standards st
                        where st.sector = s.code and st.status = 'in_force'
                          and st.approval_date <= make_date(y.year, 12, 31))
           and not exists (select 1 from sqf q
                            where q.sector = s.code and q.status = 'in_force'
                              and q.approval_date <= make_date(y.year, 12, 31))) as value,
       null as numerator, null as denominator
from report_years y
