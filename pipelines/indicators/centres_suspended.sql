/*
id = "centres_suspended"
topic = "centres"
title = { kk = "Аккредиттеуі тоқтатыла тұрған орталықтар", ru = "Центры с приостановленной аккредитацией" }
definition = { kk = "Жыл ішінде аккредиттеуі тоқтатыла тұрған біліктілікті тану орталықтарының саны (Ұлттық палата мен аккредиттеу органының оқиғалар тізілімі бойынша).", ru = "Число центров признания квалификаций, аккредитация которых была приостановлена в году (по журналу событий Национальной палаты и органа по аккредитации)." }
formula = "count(distinct centre_bin of centre_events: event = 'suspended' and year(event_date) = year); region from the centre's latest record"
unit = "count"
breakdowns = ["total", "region"]
higher_is_better = false
sources = ["centre_events", "centres"]
*/
-- Centres whose accreditation was suspended in the year, by the centre's region.
with e as (select * from centres_with_event(['suspended']))
select * from count_cells('e', 0)
