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
-- Centres accredited at the year end, by region (KATO) and by sector; a centre working in several
-- sectors counts in each. Every region and sector of the code lists shows, 0 where none.
with c as (
    select year, centre_bin as counted, region, unnest(sectors) as sector
    from register_at_year_end('centres')
    where status = 'accredited'
),
listed as (
    select 'region' as breakdown, code as breakdown_value from regions
    union all
    select 'sector', code from sectors
)
select * from count_cells_listed('c', first_snapshot_year('centres'), 'listed')
