/*
id = "region_sector_without_centre"
topic = "centres"
title = { kk = "Тану орталығы жоқ өңір мен сала жұптары", ru = "Пары «регион — отрасль» без центра признания" }
definition = { kk = "Қолданыстағы кәсіптік стандарттары бар салалар бойынша сол салада жұмыс істейтін аккредиттелген тану орталығы жоқ өңір мен сала жұптарының саны (жыл соңында). Сала бойынша — орталығы жоқ өңірлер саны, өңір бойынша — орталығы жоқ салалар саны.", ru = "Число пар «регион — отрасль» по отраслям с действующими профессиональными стандартами, для которых в регионе нет аккредитованного центра признания, работающего в этой отрасли (на конец года). По отрасли — число регионов без центра, по региону — число отраслей без центра." }
formula = "count((region, sector): sector has a standard in force at 31 Dec, and no centre accredited in the latest snapshot on or before 31 Dec is in the region with the sector in its sectors)"
unit = "count"
breakdowns = ["total", "region", "sector"]
higher_is_better = false
sources = ["centres", "standards", "regions", "sectors"]
*/
with snap as (
    select y.year, max(c.as_of) as as_of
    from report_years y join centres c on c.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
cs as (
    select distinct s.year, c.region, unnest(c.sectors) as sector
    from snap s join centres c on c.as_of = s.as_of
    where c.status = 'accredited'
),
std_sectors as (
    select distinct y.year, st.sector
    from report_years y
    join standards st on st.approval_date <= make_date(y.year, 12, 31)
    where st.status = 'in_force' and st.sector in (select code from sectors)
),
gaps as (
    select ss.year, r.code as region, ss.sector
    from std_sectors ss cross join regions r
    where ss.year in (select year from snap)
      and not exists (select 1 from cs where cs.year = ss.year and cs.region = r.code and cs.sector = ss.sector)
)
select s.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from gaps g where g.year = s.year) as value,
       null as numerator, null as denominator
from snap s
union all
select s.year, 'region', r.code,
       (select count(*) from gaps g where g.year = s.year and g.region = r.code), null, null
from snap s cross join regions r
union all
select ss.year, 'sector', ss.sector,
       (select count(*) from gaps g where g.year = ss.year and g.sector = ss.sector), null, null
from std_sectors ss where ss.year in (select year from snap)
