/*
id = "certificates_issued"
topic = "recognition"
title = { kk = "Берілген кәсіптік біліктілікті тану туралы құжаттар", ru = "Выданные документы о признании профессиональной квалификации" }
definition = { kk = "Жылы берілген кәсіптік біліктілікті тану туралы құжаттар (сертификаттар) саны: ҰБШ деңгейі, сала және тану орталығының өңірі бойынша.", ru = "Число документов (сертификатов) о признании профессиональной квалификации, выданных в году: по уровню НРК, отрасли и региону центра признания." }
formula = "count(distinct certificate_no of certificates: event = 'issued', year(event_date) = year); region of the issuing centre"
unit = "count"
breakdowns = ["total", "nqf_level", "sector", "region"]
higher_is_better = true
sources = ["certificates", "professions", "centres"]
counts_persons = true
[relations]
adds_up = ["nqf_level", "sector", "region"]
*/
with sector_of as (
    select profession_id, any_value(sector) as sector from professions group by profession_id
),
region_of as (
    select centre_bin, arg_max(region, as_of) as region from centres group by centre_bin
),
c as (
    select year(c.event_date) as year, c.certificate_no, c.nqf_level::varchar as nqf_level,
           coalesce(p.sector, 'unknown') as sector, coalesce(r.region, 'unknown') as region
    from certificates c
    left join sector_of p using (profession_id)
    left join region_of r using (centre_bin)
    where c.event = 'issued'
),
long as (
    select year, 'nqf_level' as breakdown, nqf_level as breakdown_value, certificate_no from c
    union all select year, 'sector', sector, certificate_no from c
    union all select year, 'region', region, certificate_no from c
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct certificate_no) from c where c.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(event_date)) from certificates)
union all
select year, breakdown, breakdown_value, count(distinct certificate_no), null, null
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long) group by year, breakdown, breakdown_value
