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
with m as (
    select year(m.meeting_date) as year, c.kind, c.sector, m.agenda_items
    from council_meetings m join councils c using (council_id)
    where m.agenda_items is not null
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, agenda_items from m
    union all select year, 'category', kind, agenda_items from m
    union all select year, 'sector', sector, agenda_items from m where kind = 'sectoral' and sector is not null
)
select year, breakdown, breakdown_value,
       median(agenda_items) as value,
       null as numerator, count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
