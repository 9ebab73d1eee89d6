-- Candidates assessed in the year who had taken part in the procedure before, of all candidates
-- assessed in the year; each candidate once, with the sex and referral of the latest assessment
-- of the year (assessed_candidates).
with p as (select year, repeat as in_numerator, person_id as unit_id from assessed_candidates())
select * from share_cells('p')
