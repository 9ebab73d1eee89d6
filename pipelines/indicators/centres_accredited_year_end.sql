/*
id = "centres_accredited_year_end"
topic = "centres"
title = { kk = "Жыл соңында аккредиттелген тану орталықтары", ru = "Аккредитованные центры признания квалификаций на конец года" }
definition = { kk = "Жыл соңындағы (31 желтоқсанға дейінгі соңғы айлық үзінді) аккредиттеуі қолданыста тұрған біліктілікті тану орталықтарының саны, өңірлер мен салалар бойынша (бір орталық бірнеше салада жұмыс істеуі мүмкін).", ru = "Число центров признания квалификаций с действующей аккредитацией на конец года (последний ежемесячный срез не позднее 31 декабря), по регионам и отраслям (центр может работать в нескольких отраслях)." }
formula = "count(centres with status = 'accredited' in the latest snapshot on or before 31 Dec); by sector: centres whose sectors contain it"
unit = "count"
breakdowns = ["total", "region", "sector"]
higher_is_better = true
sources = ["centres", "regions", "sectors"]
*/
with snap as (
    select y.year, max(c.as_of) as as_of
    from report_years y join centres c on c.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
c as (
    select s.year, c.centre_bin, c.region, c.sectors
    from snap s join centres c on c.as_of = s.as_of
    where c.status = 'accredited'
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct centre_bin) from c where c.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year in (select year from snap)
union all
select s.year, 'region', r.code,
       (select count(distinct centre_bin) from c where c.year = s.year and c.region = r.code), null, null
from snap s cross join regions r
union all
select s.year, 'sector', x.code,
       (select count(distinct centre_bin) from c
         where c.year = s.year and list_contains(c.sectors, x.code)), null, null
from snap s cross join sectors x
