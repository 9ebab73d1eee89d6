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
with v as (
    select y.year, i.certificate_no, i.nqf_level::varchar as nqf_level
    from report_years y
    join certificates i
      on i.event = 'issued' and i.event_date <= make_date(y.year, 12, 31)
     and (i.valid_until is null or i.valid_until > make_date(y.year, 12, 31))
    where not exists (select 1 from certificates r
                      where r.certificate_no = i.certificate_no and r.event = 'revoked'
                        and r.event_date <= make_date(y.year, 12, 31))
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct certificate_no) from v where v.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(event_date)) from certificates)
union all
select year, 'nqf_level', nqf_level, count(distinct certificate_no), null, null
from v group by year, nqf_level
