/*
id = "sectoral_councils"
topic = "frameworks"
title = { kk = "Кәсіптік біліктіліктер жөніндегі салалық кеңестер", ru = "Отраслевые советы по профессиональным квалификациям" }
definition = { kk = "Жыл соңында жұмыс істеп тұрған (құрылған және таратылмаған) салалық кеңестер саны.", ru = "Число отраслевых советов, действующих на конец года (созданных и не упразднённых)." }
formula = "count(councils: kind = 'sectoral', established_date <= 31 Dec, dissolved_date null or > 31 Dec)"
unit = "count"
breakdowns = ["total"]
higher_is_better = true
sources = ["councils"]
*/
-- Sectoral councils established by 31 December and not dissolved by then.
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from councils c
         where c.kind = 'sectoral' and c.established_date <= make_date(y.year, 12, 31)
           and (c.dissolved_date is null or c.dissolved_date > make_date(y.year, 12, 31))) as value,
       null as numerator, null as denominator
from report_years y
