/*
id = "vacancies_uncovered_share"
topic = "labour_market"
title = { kk = "Стандарты да, тануы да жоқ кәсіптердегі бос орындардың үлесі", ru = "Доля вакансий в занятиях без стандарта и без признания" }
definition = { kk = "Барлық бос жұмыс орындарының ішінде жыл соңында қолданыстағы кәсіптік стандарты жоқ және жыл ішінде бірде-бір кандидат бағаланбаған ҰКС бірлік топтарына келетін бос орындардың үлесі.", ru = "Доля вакансий, приходящихся на единичные группы НКЗ без действующего на конец года профессионального стандарта и без единой оценки кандидатов в году, среди всех вакансий." }
formula = "100 × vacancies in unit groups with no standard in force at 31 Dec and no candidate assessed in the year / all vacancies (labour_stats, latest statistics year <= year); by region: region of the vacancies"
unit = "percent"
breakdowns = ["total", "region"]
higher_is_better = false
sources = ["labour_stats", "standards", "recognition_results"]
*/
with stat_year as (
    select y.year, max(l.year) as stat_year
    from report_years y join labour_stats l on l.year <= y.year
    group by y.year
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
v as (
    select s.year, l.region, coalesce(l.vacancies, 0) as vacancies,
           not exists (select 1 from std_units u where u.year = s.year and u.unit = l.nco_unit)
           and not exists (select 1 from rec_units r where r.year = s.year and r.unit = l.nco_unit) as uncovered
    from stat_year s join labour_stats l on l.year = s.stat_year
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, vacancies, uncovered from v
    union all select year, 'region', region, vacancies, uncovered from v
)
select year, breakdown, breakdown_value,
       100.0 * sum(vacancies) filter (where uncovered) / nullif(sum(vacancies), 0) as value,
       coalesce(sum(vacancies) filter (where uncovered), 0) as numerator,
       sum(vacancies) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
