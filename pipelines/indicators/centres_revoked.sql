/*
id = "centres_revoked"
topic = "centres"
title = { kk = "Аккредиттеуі тоқтатылған (қайта жаңартылмайтын) орталықтар", ru = "Центры, аккредитация которых прекращена без возобновления" }
definition = { kk = "Жыл ішінде аккредиттеуі кері қайтарылған немесе мерзімі аяқталып, қайта жаңартылмайтын біліктілікті тану орталықтарының саны.", ru = "Число центров признания квалификаций, аккредитация которых в году отозвана или прекращена (в том числе по истечении срока) без возобновления." }
formula = "count(distinct centre_bin of centre_events: event in ('ended', 'revoked') and year(event_date) = year); region from the centre's latest record"
unit = "count"
breakdowns = ["total", "region"]
higher_is_better = false
sources = ["centre_events", "centres"]
*/
-- Centres whose accreditation ended or was revoked in the year, by the centre's region.
with e as (select * from centres_with_event(['ended', 'revoked']))
select * from count_cells('e', 0)
