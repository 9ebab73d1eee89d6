/*
id = "employer_referral_share"
topic = "recognition"
title = { kk = "Жұмыс беруші жолдамасымен келген кандидаттардың үлесі", ru = "Доля кандидатов, направленных работодателем" }
definition = { kk = "Жылы шешім шығарылған өтінімдердің ішінде кандидатты жұмыс беруші жолдаған өтінімдердің үлесі.", ru = "Доля заявок, по которым кандидат направлен работодателем, среди заявок с решением в году." }
formula = "100 × count(referral = 'employer') / count(all results), by decision year"
unit = "percent"
breakdowns = ["total", "region", "nqf_level", "sector"]
higher_is_better = true
sources = ["recognition_results", "professions"]
counts_persons = true
[relations]
adds_up = ["region", "nqf_level", "sector"]
same_as = [{ part = "denominator", indicator = "candidates_absent_share", other_part = "denominator" }]
*/
with sector_of as (
    select profession_id, any_value(sector) as sector from professions group by profession_id
),
r as (
    select year(decision_date) as year, region, nqf_level::varchar as nqf_level,
           coalesce(p.sector, 'unknown') as sector, referral = 'employer' as employer
    from recognition_results rr left join sector_of p using (profession_id)
    where decision_date is not null
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, employer from r
    union all select year, 'region', region, employer from r
    union all select year, 'nqf_level', nqf_level, employer from r
    union all select year, 'sector', sector, employer from r
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where employer) / count(*) as value,
       count(*) filter (where employer) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
