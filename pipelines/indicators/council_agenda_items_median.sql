/*
id = "council_agenda_items_median"
topic = "frameworks"
title = { kk = "Кеңес отырысының күн тәртібіндегі мәселелер (медиана)", ru = "Вопросы повестки заседания совета (медиана)" }
definition = { kk = "Жылы өткен Ұлттық және салалық кеңестер отырыстарының күн тәртібіндегі мәселелер санының медианасы. Медиана жекелеген қате жазбаларға төзімді.", ru = "Медиана числа вопросов повестки дня заседаний Национального и отраслевых советов, проведённых в году. Медиана устойчива к отдельным ошибочным записям." }
formula = "median(agenda_items) over council_meetings with year(meeting_date) = year; category = council kind (national, sectoral); sector = sectoral council's sector; denominator = meetings"
unit = "count"
breakdowns = ["total", "category", "sector"]
higher_is_better = true
sources = ["council_meetings", "councils"]
*/
-- Median number of agenda items of the council meetings of the year. Only sectoral councils have
-- a sector, so the national council's meetings show under no sector.
with m as (
    select year(m.meeting_date) as year, c.kind as category,
           case when c.kind = 'sectoral' then c.sector end as sector,
           m.agenda_items as measure
    from council_meetings m join councils c using (council_id)
    where m.agenda_items is not null
)
select * from median_cells('m')
where not (breakdown = 'sector' and breakdown_value = 'unknown')
