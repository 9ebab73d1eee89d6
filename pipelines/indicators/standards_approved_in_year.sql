-- Professional standards approved in the year (also those repealed since), by sector.
with s as (
    select year(approval_date) as year, standard_id as counted, sector
    from standards
    where approval_date is not null
)
select * from count_cells('s', 0)
