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
-- Unit groups (4-digit codes) of the NCO, by major group; the current edition for every year.
with u as (
    select y.year, n.code as counted, left(n.code, 1) as nco_major
    from report_years y cross join nco n
    where n.level = 'unit'
)
select * from count_cells('u', 0)
