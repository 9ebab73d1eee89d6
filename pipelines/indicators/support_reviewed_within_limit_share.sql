/*
id = "support_reviewed_within_limit_share"
topic = "platform"
title = { kk = "Белгіленген мерзімде қаралған өтініштердің үлесі", ru = "Доля обращений, рассмотренных в установленный срок" }
definition = { kk = "Жылы түскен және қарау мерзімі өткен өтініштердің ішінде өзіне қолданылатын мерзімде (3, 10 немесе 20 жұмыс күні, 16-тармақ) қаралғандарының үлесі, санат бойынша.", ru = "Доля обращений, рассмотренных в применимый срок (3, 10 или 20 рабочих дней, пункт 16), среди поступивших в году обращений, по которым срок наступил или они закрыты, по категории." }
formula = "100 × count(support_reviews: met) / count(support_reviews: met is not null), by year(created_date)"
unit = "percent"
breakdowns = ["total", "category"]
higher_is_better = true
sources = ["support_reviews"]
*/
-- Support requests of the year reviewed within their limit (3, 10 or 20 working days, para. 16),
-- of those whose limit has passed or that are closed.
with s as (
    select year(created_date) as year, category, met as in_numerator
    from support_reviews
    where met is not null
)
select * from share_cells('s')
