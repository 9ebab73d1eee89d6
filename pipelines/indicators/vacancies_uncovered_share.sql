-- Vacancies in NCO unit groups with no standard in force at the year end and no candidate
-- assessed in the year, of all vacancies.
with v as (
    select l.year, l.region, coalesce(l.vacancies, 0) as weight,
           not exists (select 1 from standard_nco_codes() s where s.year = l.year and s.unit = l.nco_unit)
           and not exists (select 1 from assessed_units() a where a.year = l.year and a.unit = l.nco_unit) as in_numerator
    from vacancies_at_year() l
)
select * from weighted_share_cells('v')
