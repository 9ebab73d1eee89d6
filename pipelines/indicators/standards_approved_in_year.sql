/*
id = "standards_approved_in_year"
topic = "standards"
title = { kk = "Жылы бекітілген кәсіптік стандарттар", ru = "Профессиональные стандарты, утверждённые в году" }
definition = { kk = "Бекіту күні есепті жылға түсетін кәсіптік стандарттар саны (кейін күшін жойғандары да қоса).", ru = "Число профессиональных стандартов, дата утверждения которых приходится на год (включая впоследствии отменённые)." }
formula = "count(standards: year(approval_date) = year)"
unit = "count"
breakdowns = ["total", "sector"]
higher_is_better = true
sources = ["standards"]
*/
with s as (
    select year(approval_date) as year, sector
    from standards
    where approval_date is not null
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from s where s.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
union all
select year, 'sector', sector, count(*), null, null
from s
group by year, sector
