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
with region_of as (
    select centre_bin, arg_max(region, as_of) as region from centres group by centre_bin
),
e as (
    select distinct year(e.event_date) as year, e.centre_bin, coalesce(r.region, 'unknown') as region
    from centre_events e left join region_of r using (centre_bin)
    where e.event = 'suspended'
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct centre_bin) from e where e.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
union all
select year, 'region', region, count(distinct centre_bin), null, null from e group by year, region
