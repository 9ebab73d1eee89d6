/*
id = "standards_in_force"
topic = "standards"
title = { kk = "Қолданыстағы кәсіптік стандарттар", ru = "Действующие профессиональные стандарты" }
definition = { kk = "Жыл соңына дейін бекітілген және күшін жоймаған кәсіптік стандарттар саны.", ru = "Число профессиональных стандартов, утверждённых до конца года и не отменённых." }
formula = "count(standards: status = 'in_force' and approval_date <= 31 December of the year)"
unit = "count"
breakdowns = ["total", "sector"]
higher_is_better = true
sources = ["standards"]
*/
-- Professional standards in force at the year end, by sector.
with s as (select year, standard_id as counted, sector from standards_at_year_end())
select * from count_cells('s', 0)
