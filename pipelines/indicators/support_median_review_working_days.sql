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
-- Median working days (Kazakhstan's calendar) taken to close the support requests of the year.
with s as (
    select year(created_date) as year, category, working_days_taken as measure
    from support_reviews
    where closed_date is not null and working_days_taken is not null
)
select * from median_cells('s')
