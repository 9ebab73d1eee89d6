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
with s as (
    select year(created_date) as year, category from support_requests where created_date is not null
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from s where s.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(created_date)) from support_requests)
union all
select y.year, 'category', c.category,
       (select count(*) from s where s.year = y.year and s.category = c.category), null, null
from report_years y cross join (select distinct category from s where category is not null) c
