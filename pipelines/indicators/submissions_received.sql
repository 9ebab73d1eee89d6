/*
id = "submissions_received"
topic = "data_flow"
title = { kk = "Платформаға түскен деректер берілімдері", ru = "Поступившие на платформу представления данных" }
definition = { kk = "Жылы платформаға түскен деректер берілімдерінің (файлдардың) саны, жеткізушілер мен дереккөздер бойынша, мерзімді және өзгеріс кезінде берілетін деректерді қоса алғанда.", ru = "Число представлений данных (файлов), поступивших на платформу в году, по поставщикам и источникам, включая периодические и представляемые при изменении данные." }
formula = "count(submissions: year(received_date) = year)"
unit = "count"
breakdowns = ["total", "provider", "source"]
sources = ["submissions"]
*/
with s as (
    select year(received_date) as year, provider, source
    from submissions where received_date is not null
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from s where s.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(received_date)) from submissions)
union all
select year, 'provider', provider, count(*), null, null from s group by year, provider
union all
select year, 'source', source, count(*), null, null from s group by year, source
