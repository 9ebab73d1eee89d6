-- Para. 7 submissions due in the year that came on time, of those due (not yet due ones left
-- out), from the first year with a received submission.
with s as (
    select year, provider, source, status = 'on_time' as in_numerator
    from submission_status
    where status in ('on_time', 'late', 'missing')
      and year >= (select min(year(received_date)) from submissions)
)
select * from share_cells('s')
