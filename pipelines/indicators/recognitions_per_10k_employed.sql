/*
id = "recognitions_per_10k_employed"
topic = "recognition"
title = { kk = "Кәсіп бойынша 10 мың жұмыспен қамтылғанға шаққандағы танулар", ru = "Признания квалификации на 10 тысяч занятых в профессии" }
definition = { kk = "Жылы біліктілігі танылған кандидаттар саны тізілімдегі кәсіптердің ҰКС бірлік топтарында жұмыспен қамтылған 10 000 адамға шаққанда. Тану кандидаттың кәсіп кодының бірлік тобына жатқызылады; жұмыспен қамтылғандар — есепті жылдың немесе оған дейінгі ең соңғы қолжетімді жылдың статистикасы бойынша.", ru = "Число положительных решений о признании квалификации в году в расчёте на 10 000 занятых в единичных группах НКЗ профессий реестра. Признание относится к единичной группе кода занятия; численность занятых — по статистике за год или за последний доступный год до него." }
formula = "10000 × count(recognition_results passed in the year whose 4-digit unit of nco_code is among the unit groups of the register of professions at 31 Dec) / sum(labour_stats.employed in those unit groups, latest statistics year <= year); by region: region of the candidate and of the employment"
unit = "per10k"
breakdowns = ["total", "region"]
higher_is_better = true
sources = ["recognition_results", "labour_stats", "professions"]
counts_persons = true
[relations]
adds_up = ["region"]
*/
with snap as (
    select y.year, max(p.as_of) as as_of
    from report_years y join professions p on p.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
units as (
    select distinct s.year, left(p.nco_code, 4) as unit
    from snap s join professions p on p.as_of = s.as_of
),
stat_year as (
    select y.year, max(l.year) as stat_year
    from report_years y join labour_stats l on l.year <= y.year
    group by y.year
),
emp as (
    select s.year, l.region, sum(l.employed) as employed
    from stat_year s
    join labour_stats l on l.year = s.stat_year
    join units u on u.year = s.year and u.unit = l.nco_unit
    group by s.year, l.region
),
rec as (
    select year(r.decision_date) as year, r.region, count(*) as passed
    from recognition_results r
    join units u on u.year = year(r.decision_date) and u.unit = left(r.nco_code, 4)
    where r.result = 'passed'
    group by all
),
by_region as (
    select e.year, e.region, coalesce(r.passed, 0) as passed, e.employed
    from emp e left join rec r on r.year = e.year and r.region = e.region
)
select year, 'total' as breakdown, 'total' as breakdown_value,
       10000.0 * sum(passed) / sum(employed) as value, sum(passed) as numerator, sum(employed) as denominator
from by_region group by year
union all
select year, 'region', region, 10000.0 * passed / employed, passed, employed from by_region
