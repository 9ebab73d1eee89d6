-- Median working days (Kazakhstan's calendar) taken to close the support requests of the year.
with s as (
    select year(created_date) as year, category, working_days_taken as measure
    from support_reviews
    where closed_date is not null and working_days_taken is not null
)
select * from median_cells('s')
