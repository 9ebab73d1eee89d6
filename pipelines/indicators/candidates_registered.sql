/*
id = "candidates_registered"
topic = "platform"
title = { kk = "Платформада тіркелген кандидаттар", ru = "Кандидаты, зарегистрированные на платформе" }
definition = { kk = "Жылы ҰБЖ цифрлық платформасында алғаш рет тіркелген кандидаттар саны (кандидат алғашқы өтінім берген кезде бір рет тіркеледі).", ru = "Число кандидатов, впервые зарегистрированных на цифровой платформе НСК в году (кандидат регистрируется один раз, при первой заявке)." }
formula = "count(distinct person_id of registrations: party_kind = 'candidate', year(registration_date) = year)"
unit = "count"
breakdowns = ["total"]
sources = ["registrations"]
counts_persons = true
*/
-- Candidates registered on the platform in the year: a candidate registers once, at the first
-- application.
with r as (
    select year(registration_date) as year, person_id as counted
    from registrations
    where party_kind = 'candidate'
)
select * from count_cells('r', (select min(year(registration_date)) from registrations))
