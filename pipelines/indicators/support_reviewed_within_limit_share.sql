-- Support requests of the year reviewed within their limit (3, 10 or 20 working days, para. 16),
-- of those whose limit has passed or that are closed.
with s as (
    select year(created_date) as year, category, met as in_numerator
    from support_reviews
    where met is not null
)
select * from share_cells('s')
