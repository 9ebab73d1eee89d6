-- Median working days late of the para. 7 submissions that came after their deadline.
with s as (
    select year, provider, days_late as measure
    from submission_status
    where status = 'late' and days_late is not null
)
select * from median_cells('s')
