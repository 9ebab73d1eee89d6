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
-- Vacancies in NCO unit groups with no standard in force at the year end and no candidate
-- assessed in the year, of all vacancies.
with v as (
    select l.year, l.region, coalesce(l.vacancies, 0) as weight,
           not exists (select 1 from standard_nco_codes() s where s.year = l.year and s.unit = l.nco_unit)
           and not exists (select 1 from assessed_units() a where a.year = l.year and a.unit = l.nco_unit) as in_numerator
    from labour_at_year() l
)
select * from weighted_share_cells('v')
