/*
id = "certificates_revoked"
topic = "recognition"
title = { kk = "Кері қайтарылған кәсіптік біліктілікті тану туралы құжаттар", ru = "Отозванные документы о признании профессиональной квалификации" }
definition = { kk = "Жылы кері қайтарылған (жойылған) кәсіптік біліктілікті тану туралы құжаттар саны, кері қайтару себебі бойынша.", ru = "Число документов о признании профессиональной квалификации, отозванных (аннулированных) в году, по причине отзыва." }
formula = "count(distinct certificate_no of certificates: event = 'revoked', year(event_date) = year); category = revocation_reason"
unit = "count"
breakdowns = ["total", "category"]
higher_is_better = false
sources = ["certificates"]
counts_persons = true
[relations]
adds_up = ["category"]
*/
with c as (
    select year(event_date) as year, certificate_no,
           coalesce(nullif(revocation_reason, ''), 'unknown') as reason
    from certificates
    where event = 'revoked'
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct certificate_no) from c where c.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(event_date)) from certificates)
union all
select year, 'category', reason, count(distinct certificate_no), null, null
from c group by year, reason
