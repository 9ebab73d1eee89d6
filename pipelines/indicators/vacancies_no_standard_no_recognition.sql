/*
id = "vacancies_no_standard_no_recognition"
topic = "labour_market"
title = { kk = "Стандарты да, тануы да жоқ кәсіптердегі бос жұмыс орындары", ru = "Вакансии в занятиях без стандарта и без признания" }
definition = { kk = "Жыл соңында қолданыстағы кәсіптік стандартпен қамтылмаған және жыл ішінде бірде-бір кандидат бағаланбаған ҰКС бірлік топтарындағы бос жұмыс орындарының саны (есепті жылдың немесе ең соңғы қолжетімді жылдың статистикасы). Бірлік топтар бойынша — бос орындары ең көп 15 топ.", ru = "Число вакансий в единичных группах НКЗ, не охваченных действующим на конец года профессиональным стандартом и без единой оценки кандидатов в году (статистика за год или последний доступный год). По единичным группам — 15 групп с наибольшим числом вакансий." }
formula = "sum(labour_stats.vacancies, latest statistics year <= year) over unit groups with no standard in force at 31 Dec naming an occupation of the unit (or the unit) and no recognition_results passed or failed in the year with nco_code in the unit; nco_unit rows: the 15 largest"
unit = "count"
breakdowns = ["total", "nco_unit"]
higher_is_better = false
sources = ["labour_stats", "standards", "recognition_results"]
*/
with stat_year as (
    select y.year, max(l.year) as stat_year
    from report_years y join labour_stats l on l.year <= y.year
    group by y.year
),
vac as (
    select s.year, l.nco_unit, sum(l.vacancies) as vacancies
    from stat_year s join labour_stats l on l.year = s.stat_year
    group by s.year, l.nco_unit
),
std_units as (
    select distinct y.year, left(c.code, 4) as unit
    from report_years y
    join (select approval_date, status, unnest(nco_codes) as code from standards) c
      on c.approval_date <= make_date(y.year, 12, 31)
    where c.status = 'in_force'
),
rec_units as (
    select distinct year(decision_date) as year, left(nco_code, 4) as unit
    from recognition_results where result in ('passed', 'failed')
),
gap as (
    select v.* from vac v
    where not exists (select 1 from std_units s where s.year = v.year and s.unit = v.nco_unit)
      and not exists (select 1 from rec_units r where r.year = v.year and r.unit = v.nco_unit)
),
ranked as (
    select *, row_number() over (partition by year order by vacancies desc, nco_unit) as rn from gap
)
select s.year, 'total' as breakdown, 'total' as breakdown_value,
       coalesce((select sum(vacancies) from gap g where g.year = s.year), 0) as value,
       null as numerator, null as denominator
from stat_year s
union all
select year, 'nco_unit', nco_unit, vacancies, null, null from ranked where rn <= 15
