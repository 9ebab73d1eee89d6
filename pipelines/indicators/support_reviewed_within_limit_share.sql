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
with s as (
    select year(created_date) as year, category, met from support_reviews where met is not null
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, met from s
    union all select year, 'category', category, met from s
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where met) / count(*) as value,
       count(*) filter (where met) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
