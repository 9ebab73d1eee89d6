/*
id = "sectors_standards_without_sqf"
topic = "frameworks"
title = { kk = "Стандарттары бар, бірақ салалық шеңбері жоқ салалар", ru = "Отрасли со стандартами, но без отраслевой рамки квалификаций" }
definition = { kk = "Жыл соңында кемінде бір қолданыстағы кәсіптік стандарты бар, бірақ қолданыстағы салалық біліктілік шеңбері жоқ салалар саны.", ru = "Число отраслей, в которых на конец года есть хотя бы один действующий профессиональный стандарт, но нет действующей отраслевой рамки квалификаций." }
formula = "count(sectors with a standard in force at 31 Dec and no sqf in force at 31 Dec)"
unit = "count"
breakdowns = ["total"]
higher_is_better = false
sources = ["standards", "sqf", "sectors"]
*/
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
