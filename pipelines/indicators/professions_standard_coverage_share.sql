-- Professions of the register at the year end whose NCO code (or its unit group) a standard in
-- force names, of all professions in the register.
with p as (select year, sector, covered as in_numerator from professions_at_year_end())
select * from share_cells('p')
