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
-- Meetings of the National and sectoral councils held in the year, by kind of council (every
-- kind in the register of councils shows, 0 where none met).
with m as (
    select year(m.meeting_date) as year, m.meeting_id as counted, c.kind as category
    from council_meetings m join councils c using (council_id)
),
listed as (select distinct 'category' as breakdown, kind as breakdown_value from councils)
select * from count_cells_listed('m', (select min(year(meeting_date)) from council_meetings), 'listed')
