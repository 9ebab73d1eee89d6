/*
id = "standards_updated_in_year"
topic = "standards"
title = { kk = "Жылы өзектендірілген кәсіптік стандарттар", ru = "Профессиональные стандарты, актуализированные в году" }
definition = { kk = "Соңғы өзектендіру (жаңарту) күні есепті жылға түсетін кәсіптік стандарттар саны. Деректерде тек соңғы өзектендіру күні сақталады, сондықтан бұрынғы жылдардағы аралық жаңартулар есепке кірмейді.", ru = "Число профессиональных стандартов, дата последней актуализации которых приходится на год. В данных хранится только дата последней актуализации, поэтому промежуточные актуализации прошлых лет не учитываются." }
formula = "count(standards: year(update_date) = year)"
unit = "count"
breakdowns = ["total", "sector"]
higher_is_better = true
sources = ["standards"]
*/
with s as (
    select year(update_date) as year, sector
    from standards
    where update_date is not null
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from s where s.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
union all
select year, 'sector', sector, count(*), null, null
from s
group by year, sector
