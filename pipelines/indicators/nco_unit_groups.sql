/*
id = "nco_unit_groups"
topic = "frameworks"
title = { kk = "Ұлттық кәсіптер сыныптауышының бірлік топтары", ru = "Единичные группы Национального классификатора занятий" }
definition = { kk = "Ұлттық кәсіптер сыныптауышындағы бірлік топтардың (төрт таңбалы кодтардың) саны, негізгі топтар бойынша. Сыныптауыш өзгерген кезде ғана жаңартылады, сондықтан барлық жылдар үшін қазіргі нұсқасы көрсетіледі.", ru = "Число единичных групп (четырёхзначных кодов) в Национальном классификаторе занятий, по основным группам. Классификатор обновляется только при изменении, поэтому для всех лет показана текущая редакция." }
formula = "count(nco rows with level = 'unit'), current edition for every year"
unit = "count"
breakdowns = ["total", "nco_major"]
sources = ["nco"]
*/
with u as (select code, left(code, 1) as major from nco where level = 'unit')
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from u) as value, null as numerator, null as denominator
from report_years y
union all
select y.year, 'nco_major', u.major, count(*), null, null
from report_years y cross join u
group by y.year, u.major
