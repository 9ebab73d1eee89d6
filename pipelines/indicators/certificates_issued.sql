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
-- Certificates of recognition issued in the year, by NQF level, by the sector of the profession
-- and by the region of the issuing centre.
with c as (
    select year(c.event_date) as year, c.certificate_no as counted, c.nqf_level,
           coalesce(p.sector, 'unknown') as sector, coalesce(r.region, 'unknown') as region
    from certificates c
    left join profession_sector() p using (profession_id)
    left join centre_region() r using (centre_bin)
    where c.event = 'issued'
)
select * from count_cells('c', (select min(year(event_date)) from certificates))
