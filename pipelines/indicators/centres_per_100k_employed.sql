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
-- Accredited centres at the year end per 100,000 employed persons, nationally and by region; the
-- national numerator counts every accredited centre.
with emp as (
    select year, region, sum(employed) as employed
    from labour_at_year()
    group by year, region
),
c as (
    select year, region, count(distinct centre_bin) as centres
    from register_at_year_end('centres')
    where status = 'accredited'
    group by year, region
),
by_region as (
    select e.year, e.region, coalesce(c.centres, 0) as centres, e.employed
    from emp e left join c on c.year = e.year and c.region = e.region
    where e.year >= first_snapshot_year('centres')
)
select year, 'total' as breakdown, 'total' as breakdown_value,
       100000.0 * (select sum(centres) from c where c.year = b.year) / sum(employed) as value,
       (select sum(centres) from c where c.year = b.year) as numerator,
       sum(employed) as denominator
from by_region b group by year
union all
select year, 'region', region, 100000.0 * centres / employed, centres, employed
from by_region
