/*
id = "support_median_review_working_days"
topic = "platform"
title = { kk = "Өтінішті қарау мерзімі, жұмыс күндері (медиана)", ru = "Срок рассмотрения обращения, рабочие дни (медиана)" }
definition = { kk = "Жылы түскен және жабылған өтініштерді қарауға жұмсалған жұмыс күндерінің медианасы (Қазақстанның өндірістік күнтізбесі бойынша), санат бойынша.", ru = "Медиана рабочих дней на рассмотрение обращений, поступивших в году и закрытых (по производственному календарю Казахстана), по категории." }
formula = "median(support_reviews.working_days_taken) over closed requests, by year(created_date); denominator = closed requests"
unit = "days"
breakdowns = ["total", "category"]
higher_is_better = false
sources = ["support_reviews"]
*/
with s as (
    select year(created_date) as year, category, working_days_taken from support_reviews
    where closed_date is not null and working_days_taken is not null
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, working_days_taken from s
    union all select year, 'category', category, working_days_taken from s
)
select year, breakdown, breakdown_value,
       median(working_days_taken) as value, null as numerator, count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
