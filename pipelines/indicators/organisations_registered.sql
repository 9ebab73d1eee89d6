/*
id = "organisations_registered"
topic = "platform"
title = { kk = "Платформада тіркелген ұйымдар", ru = "Организации, зарегистрированные на платформе" }
definition = { kk = "Жылы ҰБЖ цифрлық платформасында тіркелген ұйымдар саны: тану орталықтары, мемлекеттік органдар, Ұлттық және өңірлік палаталар.", ru = "Число организаций, зарегистрированных на цифровой платформе НСК в году: центры признания, государственные органы, Национальная и региональные палаты." }
formula = "count(registrations: party_kind <> 'candidate', year(registration_date) = year)"
unit = "count"
breakdowns = ["total", "party_kind"]
sources = ["registrations"]
*/
with s as (
    select year(registration_date) as year, party_kind
    from registrations where party_kind <> 'candidate' and registration_date is not null
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from s where s.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(registration_date)) from registrations)
union all
select year, 'party_kind', party_kind, count(*), null, null from s group by year, party_kind
