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
-- Passed decisions per 10,000 employed persons, both restricted to the NCO unit groups of the
-- professions in the register at the year end; by region of the candidate and of the employment.
with units as (
    select distinct year, left(nco_code, 4) as unit from register_at_year_end('professions')
),
emp as (
    select l.year, l.region, sum(l.employed) as employed
    from labour_at_year() l
    join units u on u.year = l.year and u.unit = l.nco_unit
    group by l.year, l.region
),
rec as (
    select d.year, d.region, count(*) as passed
    from decisions() d
    join units u on u.year = d.year and u.unit = left(d.nco_code, 4)
    where d.result = 'passed'
    group by d.year, d.region
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
