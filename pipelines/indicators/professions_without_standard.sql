-- Professions of the register at the year end that no standard in force covers, by sector.
with p as (
    select year, profession_id as counted, sector
    from professions_at_year_end()
    where not covered
)
select * from count_cells('p', first_snapshot_year('professions'))
