-- Professional standards in force at the end of a report year, and the NCO (ISCO-based
-- National Classification of Occupations) codes they cover. The register keeps a standard's
-- status today but no repeal date, so a repealed standard is left out of every year.
-- (Sources are read through query_table(<parameter>): see registers.sql.)

-- standards_at_year_end(): per report year (`year`), every standard approved on or before
-- 31 December whose status is 'in_force'.
create or replace macro standards_at_year_end(standards := 'standards') as table
select y.year, st.*
from report_years y
join query_table(standards) st on st.approval_date <= make_date(y.year, 12, 31)
where st.status = 'in_force';

-- standard_nco_codes(): per report year, each distinct NCO code named by a standard in force at
-- year end (`code`: an occupation NNNN-N-NNN or a unit group NNNN) and its 4-digit unit group
-- (`unit`).
create or replace macro standard_nco_codes(standards := 'standards') as table
select distinct year, code, left(code, 4) as unit
from (select year, unnest(nco_codes) as code from standards_at_year_end(standards));

-- professions_at_year_end(): the register of professions at each year end
-- (register_at_year_end), each profession with `covered`: whether a standard in force at that
-- year end names its NCO occupation code or the code's unit group.
create or replace macro professions_at_year_end(professions := 'professions', standards := 'standards') as table
select p.*,
       exists (select 1 from standard_nco_codes(standards) c
               where c.year = p.year and (c.code = p.nco_code or c.code = left(p.nco_code, 4))) as covered
from register_at_year_end(professions) p;
