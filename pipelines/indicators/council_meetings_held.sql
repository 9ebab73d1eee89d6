/*
id = "council_meetings_held"
topic = "frameworks"
title = { kk = "Ұлттық және салалық кеңестердің отырыстары", ru = "Заседания Национального и отраслевых советов" }
definition = { kk = "Жылы өткен кәсіптік біліктіліктер жөніндегі Ұлттық кеңес пен салалық кеңестер отырыстарының саны, кеңес түрі бойынша.", ru = "Число заседаний Национального совета и отраслевых советов по профессиональным квалификациям, проведённых в году, по виду совета." }
formula = "count(council_meetings: year(meeting_date) = year); category = council kind (national, sectoral)"
unit = "count"
breakdowns = ["total", "category"]
higher_is_better = true
sources = ["council_meetings", "councils"]
*/
with m as (
    select year(m.meeting_date) as year, c.kind
    from council_meetings m join councils c using (council_id)
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from m where m.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(meeting_date)) from council_meetings)
union all
select y.year, 'category', k.kind,
       (select count(*) from m where m.year = y.year and m.kind = k.kind), null, null
from report_years y cross join (select distinct kind from councils) k
