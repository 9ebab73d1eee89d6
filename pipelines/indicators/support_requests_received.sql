-- Support requests received in the year, by the category that sets the review limit (every
-- category ever received shows, 0 where none).
with s as (
    select year(created_date) as year, request_id as counted, category
    from support_requests
    where created_date is not null
),
listed as (select distinct 'category' as breakdown, category as breakdown_value from s where category is not null)
select * from count_cells_listed('s', (select min(year(created_date)) from support_requests), 'listed')
