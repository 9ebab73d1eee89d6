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
-- Professional standards last updated in the year, by sector; the register keeps only the latest
-- update, so earlier updates are lost.
with s as (
    select year(update_date) as year, standard_id as counted, sector
    from standards
    where update_date is not null
)
select * from count_cells('s', 0)
