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
-- Professional standards approved in the year (also those repealed since), by sector.
with s as (
    select year(approval_date) as year, standard_id as counted, sector
    from standards
    where approval_date is not null
)
select * from count_cells('s', 0)
