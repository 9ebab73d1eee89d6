/*
id = "centres_newly_accredited"
topic = "centres"
title = { kk = "Алғаш аккредиттелген және қайта аккредиттелген орталықтар", ru = "Впервые аккредитованные и переаккредитованные центры" }
definition = { kk = "Жыл ішінде аккредиттеу туралы аттестат алған біліктілікті тану орталықтарының саны: алғаш аккредиттелгендер мен қайта аккредиттелгендер бөлек.", ru = "Число центров признания квалификаций, получивших аттестат об аккредитации в году: отдельно впервые аккредитованные и переаккредитованные." }
formula = "count(distinct centre_bin of centre_events: event = 'accredited', year(event_date) = year); category = first (no earlier accreditation of the centre) or repeat"
unit = "count"
breakdowns = ["total", "category"]
higher_is_better = true
sources = ["centre_events"]
*/
with e as (
    select year(event_date) as year, centre_bin,
           case when exists (select 1 from centre_events p
                             where p.centre_bin = e.centre_bin and p.event = 'accredited'
                               and p.event_date < e.event_date)
                then 'repeat' else 'first' end as kind
    from centre_events e
    where event = 'accredited'
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct centre_bin) from e where e.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
union all
select y.year, 'category', k.kind,
       (select count(distinct centre_bin) from e where e.year = y.year and e.kind = k.kind), null, null
from report_years y cross join (values ('first'), ('repeat')) k(kind)
