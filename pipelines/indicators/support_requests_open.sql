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
-- Support requests still open on 31 December past their review deadline, whatever year they came.
with s as (
    select y.year, r.request_id as counted, r.category
    from report_years y
    join support_reviews r
      on r.created_date <= make_date(y.year, 12, 31) and r.due_date < make_date(y.year, 12, 31)
     and (r.closed_date is null or r.closed_date > make_date(y.year, 12, 31))
)
select * from count_cells('s', (select min(year(created_date)) from support_reviews))
