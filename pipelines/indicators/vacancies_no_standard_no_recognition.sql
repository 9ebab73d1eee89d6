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
-- Vacancies in NCO unit groups with no standard in force at the year end and no candidate
-- assessed in the year; by unit group, the 15 with most vacancies (ties: the lower code first).
with vac as (
    select l.year, l.nco_unit, sum(l.vacancies) as vacancies
    from labour_at_year() l
    where not exists (select 1 from standard_nco_codes() s where s.year = l.year and s.unit = l.nco_unit)
      and not exists (select 1 from assessed_units() a where a.year = l.year and a.unit = l.nco_unit)
    group by l.year, l.nco_unit
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       coalesce((select sum(vacancies) from vac where vac.year = y.year), 0) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year) from labour_stats)
union all
select year, 'nco_unit', nco_unit, vacancies, null, null
from vac
qualify row_number() over (partition by year order by vacancies desc, nco_unit) <= 15
