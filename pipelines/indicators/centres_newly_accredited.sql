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
-- Centres (BIN) accredited in the year: 'first' when the centre had no earlier accreditation,
-- 'repeat' otherwise.
with e as (
    select year(event_date) as year, centre_bin as counted,
           case when exists (select 1 from centre_events p
                             where p.centre_bin = e.centre_bin and p.event = 'accredited'
                               and p.event_date < e.event_date)
                then 'repeat' else 'first' end as category
    from centre_events e
    where event = 'accredited'
),
listed as (select 'category' as breakdown, unnest(['first', 'repeat']) as breakdown_value)
select * from count_cells_listed('e', 0, 'listed')
