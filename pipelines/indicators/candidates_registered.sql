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
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       count(distinct r.person_id) as value, null as numerator, null as denominator
from report_years y
left join registrations r
  on r.party_kind = 'candidate' and year(r.registration_date) = y.year
where y.year >= (select min(year(registration_date)) from registrations)
group by y.year
