/*
id = "candidates_passed"
topic = "recognition"
title = { kk = "Біліктілігі танылған кандидаттар", ru = "Кандидаты, квалификация которых признана" }
definition = { kk = "Жылы бағалаудан сәтті өтіп, біліктілігі танылған кандидаттар саны; әр адам бір ұяшықта бір рет саналады.", ru = "Число кандидатов, успешно прошедших оценку и получивших признание квалификации с решением в году; каждое лицо в ячейке учитывается один раз." }
formula = "count(distinct person_id of recognition_results: result = 'passed', year(decision_date) = year)"
unit = "count"
breakdowns = ["total", "region", "nqf_level", "sex", "age_band", "referral", "sector"]
higher_is_better = true
sources = ["recognition_results", "professions"]
counts_persons = true
[relations]
covers = ["region", "nqf_level", "sex", "age_band", "referral", "sector"]
*/
with sector_of as (
    select profession_id, any_value(sector) as sector from professions group by profession_id
),
r as (
    select year(decision_date) as year, person_id, region, nqf_level::varchar as nqf_level, sex, referral,
           coalesce(p.sector, 'unknown') as sector,
           case when year(decision_date) - birth_year < 25 then '18-24'
                when year(decision_date) - birth_year < 35 then '25-34'
                when year(decision_date) - birth_year < 45 then '35-44'
                when year(decision_date) - birth_year < 55 then '45-54'
                else '55+' end as age_band,
           result
    from recognition_results rr
    left join sector_of p using (profession_id)
    where decision_date is not null
),
x as (select * from r where result = 'passed'),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, person_id from x
    union all select year, 'region', region, person_id from x
    union all select year, 'nqf_level', nqf_level, person_id from x
    union all select year, 'sex', sex, person_id from x
    union all select year, 'age_band', age_band, person_id from x
    union all select year, 'referral', referral, person_id from x
    union all select year, 'sector', sector, person_id from x
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct person_id) from x where x.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(decision_date)) from recognition_results)
union all
select year, breakdown, breakdown_value, count(distinct person_id), null, null
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long) where breakdown <> 'total'
group by year, breakdown, breakdown_value
