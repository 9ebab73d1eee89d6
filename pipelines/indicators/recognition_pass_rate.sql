/*
id = "recognition_pass_rate"
topic = "recognition"
title = { kk = "Біліктілікті тану кезінде сәтті өткендердің үлесі", ru = "Доля успешно прошедших признание квалификации" }
definition = { kk = "Жылы шешім шығарылған, бағалаудан өткен кандидаттардың ішінен сәтті өткендердің үлесі (келмегендер есептелмейді).", ru = "Доля успешно прошедших среди кандидатов, прошедших оценку, с решением в году (неявившиеся не учитываются)." }
formula = "100 × passed / (passed + failed), by decision year"
unit = "percent"
breakdowns = ["total", "region", "nqf_level", "sex", "age_band", "referral", "sector"]
higher_is_better = true
sources = ["recognition_results", "professions"]
counts_persons = true
[relations]
adds_up = ["region", "nqf_level", "sex", "age_band", "referral", "sector"]
*/
with sector_of as (
    select profession_id, any_value(sector) as sector from professions group by profession_id
),
r as (
    select year(decision_date) as year, region, nqf_level::varchar as nqf_level, sex, referral,
           coalesce(p.sector, 'unknown') as sector,
           case when year(decision_date) - birth_year < 25 then '18-24'
                when year(decision_date) - birth_year < 35 then '25-34'
                when year(decision_date) - birth_year < 45 then '35-44'
                when year(decision_date) - birth_year < 55 then '45-54'
                else '55+' end as age_band,
           result = 'passed' as passed
    from recognition_results rr
    left join sector_of p using (profession_id)
    where result in ('passed', 'failed')
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, passed from r
    union all select year, 'region', region, passed from r
    union all select year, 'nqf_level', nqf_level, passed from r
    union all select year, 'sex', sex, passed from r
    union all select year, 'age_band', age_band, passed from r
    union all select year, 'referral', referral, passed from r
    union all select year, 'sector', sector, passed from r
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where passed) / count(*) as value,
       count(*) filter (where passed) as numerator,
       count(*) as denominator
from long
group by year, breakdown, breakdown_value
