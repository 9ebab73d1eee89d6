/*
id = "support_requests_received"
topic = "platform"
title = { kk = "Пайдаланушылардың қолдау көрсету туралы өтініштері", ru = "Обращения пользователей в службу поддержки" }
definition = { kk = "Жылы түскен пайдаланушылардың платформаны қолдау туралы өтініштерінің саны, қарау мерзімін анықтайтын санат бойынша (стандартты, бағдарламалық ақауларды жою, платформаның жұмыс істеуі).", ru = "Число обращений пользователей в поддержку платформы, поступивших в году, по категории, определяющей срок рассмотрения (стандартное, устранение программных дефектов, функционирование платформы)." }
formula = "count(support_requests: year(created_date) = year); category = category"
unit = "count"
breakdowns = ["total", "category"]
sources = ["support_requests"]
*/
-- Support requests received in the year, by the category that sets the review limit (every
-- category ever received shows, 0 where none).
with s as (
    select year(created_date) as year, request_id as counted, category
    from support_requests
    where created_date is not null
),
listed as (select distinct 'category' as breakdown, category as breakdown_value from s where category is not null)
select * from count_cells_listed('s', (select min(year(created_date)) from support_requests), 'listed')
