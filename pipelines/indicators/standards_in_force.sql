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
with s as (
    select y.year, st.sector
    from report_years y
    join standards st on st.approval_date <= make_date(y.year, 12, 31)
    where st.status = 'in_force'
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from s where s.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
union all
select year, 'sector', sector, count(*), null, null
from s
group by year, sector
