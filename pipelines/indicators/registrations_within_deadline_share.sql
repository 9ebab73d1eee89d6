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
-- Organisations registered in the year within the para. 4 deadline (5 working days for centres,
-- 10 for state bodies and chambers), of those with a deadline; candidates have none. The
-- national figure shows for every year from the first registration; a year with nothing due has
-- no value (count(s.in_numerator) skips the left join's empty row).
with s as (
    select year(registration_date) as year, party_kind, met as in_numerator
    from registration_checks
    where met is not null
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       100.0 * count(*) filter (where s.in_numerator) / nullif(count(s.in_numerator), 0) as value,
       count(*) filter (where s.in_numerator) as numerator,
       count(s.in_numerator) as denominator
from report_years y left join s on s.year = y.year
where y.year >= (select min(year(registration_date)) from registrations)
group by y.year
union all
select * from share_cells('s') where breakdown <> 'total'
