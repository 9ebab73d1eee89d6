/*
id = "professions_without_standard"
topic = "standards"
title = { kk = "Кәсіптік стандарты жоқ тізілімдегі кәсіптер", ru = "Профессии реестра без профессионального стандарта" }
definition = { kk = "Жыл соңындағы кәсіптер тізіліміндегі (31 желтоқсанға дейінгі соңғы үзінді) кәсіптердің ішінде өз коды немесе бірлік тобы бойынша бірде-бір қолданыстағы кәсіптік стандартпен қамтылмағандарының саны.", ru = "Число профессий реестра на конец года (последний срез не позднее 31 декабря), код занятия которых не охвачен ни одним действующим профессиональным стандартом (ни по коду занятия, ни по единичной группе)." }
formula = "count(professions in the latest snapshot on or before 31 Dec whose nco_code is not listed by any standard in force at 31 Dec, directly or through its 4-digit unit code)"
unit = "count"
breakdowns = ["total", "sector"]
higher_is_better = false
sources = ["professions", "standards"]
*/
with snap as (
    select y.year, max(p.as_of) as as_of
    from report_years y join professions p on p.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
prof as (
    select s.year, p.profession_id, p.nco_code, p.sector
    from snap s join professions p on p.as_of = s.as_of
),
codes as (
    select distinct y.year, c.code
    from report_years y
    join (select approval_date, status, unnest(nco_codes) as code from standards) c
      on c.approval_date <= make_date(y.year, 12, 31)
    where c.status = 'in_force'
),
missing as (
    select p.* from prof p
    where not exists (
        select 1 from codes c
        where c.year = p.year and (c.code = p.nco_code or c.code = left(p.nco_code, 4)))
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from missing m where m.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year in (select year from snap)
union all
select year, 'sector', sector, count(*), null, null
from missing
group by year, sector
