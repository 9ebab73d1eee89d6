-- Support requests still open on 31 December past their review deadline, whatever year they came.
with s as (
    select y.year, r.request_id as counted, r.category
    from report_years y
    join support_reviews r
      on r.created_date <= make_date(y.year, 12, 31) and r.due_date < make_date(y.year, 12, 31)
     and (r.closed_date is null or r.closed_date > make_date(y.year, 12, 31))
)
select * from count_cells('s', (select min(year(created_date)) from support_reviews))
