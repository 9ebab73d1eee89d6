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
with region_of as (
    select centre_bin, arg_max(region, as_of) as region from centres group by centre_bin
),
e as (
    select distinct year(e.event_date) as year, e.centre_bin, coalesce(r.region, 'unknown') as region
    from centre_events e left join region_of r using (centre_bin)
    where e.event in ('ended', 'revoked')
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct centre_bin) from e where e.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
union all
select year, 'region', region, count(distinct centre_bin), null, null from e group by year, region
