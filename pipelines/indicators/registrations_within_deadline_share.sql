/*
id = "registrations_within_deadline_share"
topic = "platform"
title = { kk = "Белгіленген мерзімде тіркелген қатысушылардың үлесі (4-тармақ)", ru = "Доля участников, зарегистрированных в установленный срок (пункт 4)" }
definition = { kk = "Платформада жылы тіркелген ұйымдардың ішінде 4-тармақта белгіленген мерзімде тіркелгендерінің үлесі: тану орталықтары — аккредиттеуден кейін 5 жұмыс күні ішінде, мемлекеттік органдар, Ұлттық және өңірлік палаталар — 10 жұмыс күні ішінде. Кандидаттар үшін мерзім жоқ.", ru = "Доля зарегистрированных в срок по пункту 4 среди организаций, зарегистрированных на платформе в году: центры признания — в течение 5 рабочих дней после аккредитации, государственные органы, Национальная и региональные палаты — в течение 10 рабочих дней. Для кандидатов срок не установлен." }
formula = "100 × count(registration_checks: met) / count(registration_checks: met is not null), by year(registration_date)"
unit = "percent"
breakdowns = ["total", "party_kind"]
higher_is_better = true
sources = ["registration_checks", "registrations"]
*/
with s as (
    select year(registration_date) as year, party_kind, met
    from registration_checks where met is not null
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, met from s
    union all select year, 'party_kind', party_kind, met from s
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       100.0 * count(*) filter (where met) / nullif(count(*), 0) as value,
       count(*) filter (where met) as numerator,
       count(*) as denominator
from report_years y left join s on s.year = y.year
where y.year >= (select min(year(registration_date)) from registrations)
group by y.year
union all
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where met) / count(*),
       count(*) filter (where met),
       count(*)
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long) where breakdown <> 'total'
group by year, breakdown, breakdown_value
