-- Professional standards last updated in the year, by sector; the register keeps only the latest
-- update, so earlier updates are lost.
with s as (
    select year(update_date) as year, standard_id as counted, sector
    from standards
    where update_date is not null
)
select * from count_cells('s', 0)
