/*
id = "centres_per_100k_employed"
topic = "centres"
title = { kk = "100 мың жұмыспен қамтылғанға шаққандағы тану орталықтары", ru = "Центры признания на 100 тысяч занятых" }
definition = { kk = "Жыл соңында аккредиттелген тану орталықтарының саны 100 000 жұмыспен қамтылған адамға шаққанда. Жұмыспен қамтылғандар — есепті жылдың немесе оған дейінгі ең соңғы қолжетімді жылдың статистикасы бойынша.", ru = "Число аккредитованных центров признания на конец года в расчёте на 100 000 занятых. Численность занятых — по статистике за год или за последний доступный год до него." }
formula = "100000 × count(centres accredited in the latest snapshot on or before 31 Dec) / sum(labour_stats.employed of the latest statistics year <= year)"
unit = "per100k"
breakdowns = ["total", "region"]
higher_is_better = true
sources = ["centres", "labour_stats"]
*/
with snap as (
    select y.year, max(c.as_of) as as_of
    from report_years y join centres c on c.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
stat_year as (
    select y.year, max(l.year) as stat_year
    from report_years y join labour_stats l on l.year <= y.year
    group by y.year
),
emp as (
    select s.year, l.region, sum(l.employed) as employed
    from stat_year s join labour_stats l on l.year = s.stat_year
    group by s.year, l.region
),
c as (
    select s.year, c.region, count(distinct c.centre_bin) as centres
    from snap s join centres c on c.as_of = s.as_of
    where c.status = 'accredited'
    group by s.year, c.region
),
by_region as (
    select e.year, e.region, coalesce(c.centres, 0) as centres, e.employed
    from emp e left join c on c.year = e.year and c.region = e.region
    where e.year in (select year from snap)
)
select year, 'total' as breakdown, 'total' as breakdown_value,
       100000.0 * (select sum(centres) from c where c.year = b.year) / sum(employed) as value,
       (select sum(centres) from c where c.year = b.year) as numerator,
       sum(employed) as denominator
from by_region b group by year
union all
select year, 'region', region, 100000.0 * centres / employed, centres, employed
from by_region
