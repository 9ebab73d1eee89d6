-- Active programmes at the year end that are higher or postgraduate education.
with p as (
    select year, region, level in ('higher', 'postgraduate') as in_numerator
    from register_at_year_end('programmes')
    where status = 'active'
)
select * from share_cells('p')
