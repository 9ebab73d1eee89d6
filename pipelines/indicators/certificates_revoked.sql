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
-- Certificates revoked in the year, by the reason given ('unknown' when none).
with c as (
    select year(event_date) as year, certificate_no as counted,
           coalesce(nullif(revocation_reason, ''), 'unknown') as category
    from certificates
    where event = 'revoked'
)
select * from count_cells('c', (select min(year(event_date)) from certificates))
