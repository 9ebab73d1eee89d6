-- Professional standards in force at the year end, by sector.
with s as (select year, standard_id as counted, sector from standards_at_year_end())
select * from count_cells('s', 0)
