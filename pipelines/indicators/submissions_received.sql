-- Submissions (files) received on the platform in the year, by provider and source.
with s as (
    select year(received_date) as year, submission_id as counted, provider, source
    from submissions
    where received_date is not null
)
select * from count_cells('s', (select min(year(received_date)) from submissions))
