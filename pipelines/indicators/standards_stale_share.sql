-- Standards in force at the year end not approved or updated in the five years before it.
with s as (
    select year, sector,
           case when update_date is not null and update_date <= make_date(year, 12, 31)
                then update_date else approval_date end
               < make_date(year - 5, 12, 31) as in_numerator
    from standards_at_year_end()
)
select * from share_cells('s')
