/*
id = "sectors_with_sqf"
topic = "frameworks"
title = { kk = "Салалық біліктілік шеңбері бар салалар", ru = "Отрасли, имеющие отраслевую рамку квалификаций" }
definition = { kk = "Жыл соңында қолданыстағы салалық біліктілік шеңбері бар салалар саны (салалар сыныптауышы бойынша).", ru = "Число отраслей классификатора, имеющих действующую на конец года отраслевую рамку квалификаций." }
formula = "count(distinct sector of sqf with status = 'in_force' and approval_date <= 31 Dec, among the sectors code list)"
unit = "count"
breakdowns = ["total"]
higher_is_better = true
sources = ["sqf", "sectors"]
*/
-- Sectors of the code list with a sectoral qualifications framework (SQF) in force at the year end.
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct q.sector) from sqf q
         where q.status = 'in_force' and q.approval_date <= make_date(y.year, 12, 31)
           and q.sector in (select code from sectors)) as value,
       null as numerator, null as denominator
from report_years y
