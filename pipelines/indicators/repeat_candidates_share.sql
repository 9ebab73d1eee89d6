/*
id = "repeat_candidates_share"
topic = "recognition"
title = { kk = "Қайта бағаланған кандидаттардың үлесі", ru = "Доля повторно оцениваемых кандидатов" }
definition = { kk = "Жылы бағалаудан өткен кандидаттардың ішінде бұған дейін де (кез келген ертерек күні) тану рәсіміне қатысқандарының үлесі. Деректер 2022 жылдан басталатындықтан, алғашқы жылдың көрсеткіші төмендетілген.", ru = "Доля кандидатов, прошедших оценку в году, которые и ранее (на любую более раннюю дату) участвовали в процедуре признания. Данные начинаются с 2022 года, поэтому показатель первого года занижен." }
formula = "100 × count(distinct persons assessed in the year with an earlier decision of any result) / count(distinct persons assessed in the year)"
unit = "percent"
breakdowns = ["total", "sex", "referral"]
sources = ["recognition_results"]
counts_persons = true
[relations]
adds_up = ["sex", "referral"]
same_as = [{ part = "denominator", indicator = "candidates_assessed", other_part = "value", breakdowns = ["total"] }]
*/
with first_dec as (
    select person_id, min(decision_date) as first_date from recognition_results group by person_id
),
p as (
    select year(r.decision_date) as year, r.person_id,
           any_value(r.sex) as sex, any_value(r.referral) as referral,
           bool_or(r.decision_date > f.first_date) as repeat
    from recognition_results r join first_dec f using (person_id)
    where r.result in ('passed', 'failed')
    group by year(r.decision_date), r.person_id
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, repeat from p
    union all select year, 'sex', sex, repeat from p
    union all select year, 'referral', referral, repeat from p
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where repeat) / count(*) as value,
       count(*) filter (where repeat) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
