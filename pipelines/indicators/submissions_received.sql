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
-- Submissions (files) received on the platform in the year, by provider and source.
with s as (
    select year(received_date) as year, submission_id as counted, provider, source
    from submissions
    where received_date is not null
)
select * from count_cells('s', (select min(year(received_date)) from submissions))
