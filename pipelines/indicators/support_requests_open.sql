/*
id = "support_requests_open"
topic = "platform"
title = { kk = "Жыл соңында жабылмаған мерзімі өткен өтініштер", ru = "Незакрытые просроченные обращения на конец года" }
definition = { kk = "Жыл соңында (31 желтоқсан) әлі жабылмаған және қарау мерзімі өтіп кеткен қолдау өтініштерінің саны, түскен жылына қарамастан.", ru = "Число обращений в поддержку, не закрытых на 31 декабря и с истёкшим сроком рассмотрения, независимо от года поступления." }
formula = "count(support_reviews: created_date <= 31 Dec, due_date < 31 Dec, closed_date null or > 31 Dec)"
unit = "count"
breakdowns = ["total", "category"]
higher_is_better = false
sources = ["support_reviews"]
*/
with s as (
    select y.year, r.category
    from report_years y
    join support_reviews r
      on r.created_date <= make_date(y.year, 12, 31) and r.due_date < make_date(y.year, 12, 31)
     and (r.closed_date is null or r.closed_date > make_date(y.year, 12, 31))
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from s where s.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year(created_date)) from support_reviews)
union all
select year, 'category', category, count(*), null, null from s group by year, category
