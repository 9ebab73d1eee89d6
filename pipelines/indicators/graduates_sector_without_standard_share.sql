-- College graduates whose speciality's NQS sector (crosswalk `isced_field_sector`, by the
-- longest field prefix of the speciality code) had no professional standard in force at the
-- year end, of the graduates whose speciality maps to a sector. Specialities no pair covers
-- are left out of both.
with g as (
    select g.year, g.region, g.graduates as weight,
           crosswalk_code('isced_field_sector', g.speciality) as sector
    from graduates_at_year() g
), v as (
    select g.year, g.region, g.weight,
           not exists (select 1 from standards_at_year_end() s
                       where s.year = g.year and s.sector = g.sector) as in_numerator
    from g
    where g.sector is not null
)
select * from weighted_share_cells('v')
