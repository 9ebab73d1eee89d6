/*
id = "certificates_valid_year_end"
topic = "recognition"
title = { kk = "Жыл соңында жарамды біліктілікті тану туралы құжаттар", ru = "Действительные на конец года документы о признании квалификации" }
definition = { kk = "31 желтоқсанға дейін берілген, жарамдылық мерзімі өтпеген және кері қайтарылмаған кәсіптік біліктілікті тану туралы құжаттар саны.", ru = "Число документов о признании профессиональной квалификации, выданных до 31 декабря, срок действия которых не истёк и которые не отозваны на эту дату." }
formula = "count(certificates issued on or before 31 Dec with valid_until null or > 31 Dec and no revocation on or before 31 Dec)"
unit = "count"
breakdowns = ["total", "nqf_level"]
higher_is_better = true
sources = ["certificates"]
counts_persons = true
[relations]
adds_up = ["nqf_level"]
stock_flow = { inflows = ["certificates_issued"], outflows = ["certificates_revoked"] }
*/
-- Certificates valid on 31 December: issued by then, not expired and not revoked by then.
with v as (
    select y.year, i.certificate_no as counted, i.nqf_level
    from report_years y
    join certificates i
      on i.event = 'issued' and i.event_date <= make_date(y.year, 12, 31)
     and (i.valid_until is null or i.valid_until > make_date(y.year, 12, 31))
    where not exists (select 1 from certificates r
                      where r.certificate_no = i.certificate_no and r.event = 'revoked'
                        and r.event_date <= make_date(y.year, 12, 31))
)
select * from count_cells('v', (select min(year(event_date)) from certificates))
