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
-- Organisations (centres, state bodies, chambers) registered on the platform in the year.
with s as (
    select year(registration_date) as year, registration_id as counted, party_kind
    from registrations
    where party_kind <> 'candidate'
)
select * from count_cells('s', (select min(year(registration_date)) from registrations))
