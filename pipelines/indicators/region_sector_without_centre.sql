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
-- (Region, sector) pairs where the sector has a standard in force at the year end but no centre
-- accredited then in the region works in it: where candidates have nowhere to go.
with cs as (
    select distinct year, region, unnest(sectors) as sector
    from register_at_year_end('centres')
    where status = 'accredited'
),
std_sectors as (
    select distinct year, sector
    from standards_at_year_end()
    where sector in (select code from sectors) and year >= first_snapshot_year('centres')
),
gaps as (
    select ss.year, r.code as region, ss.sector
    from std_sectors ss cross join regions r
    where not exists (select 1 from cs where cs.year = ss.year and cs.region = r.code and cs.sector = ss.sector)
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from gaps g where g.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= first_snapshot_year('centres')
union all
select y.year, 'region', r.code,
       (select count(*) from gaps g where g.year = y.year and g.region = r.code), null, null
from report_years y cross join regions r
where y.year >= first_snapshot_year('centres')
union all
select ss.year, 'sector', ss.sector,
       (select count(*) from gaps g where g.year = ss.year and g.sector = ss.sector), null, null
from std_sectors ss
