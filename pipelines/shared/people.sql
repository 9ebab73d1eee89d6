-- Candidates and their assessments (recognition_results, one row per assessment record; the
-- IIN is a keyed pseudonym, `person_id`, and only the birth year is kept). (Sources are read
-- through query_table(<parameter>): see registers.sql.)

-- age_band(on_year, birth_year): the candidate's age band in a year, by the difference of years.
create or replace macro age_band(on_year, birth_year) as
    case when on_year - birth_year < 25 then '18-24'
         when on_year - birth_year < 35 then '25-34'
         when on_year - birth_year < 45 then '35-44'
         when on_year - birth_year < 55 then '45-54'
         else '55+' end;

-- decisions(): every assessment with a decision, with the decision year as `year`, the NQF
-- level as text and the candidate's age band in the decision year. (Sector: join
-- profession_sector(), which reads the register of professions.)
create or replace macro decisions(recognition_results := 'recognition_results') as table
select year(decision_date) as year,
       * replace (nqf_level::varchar as nqf_level),
       age_band(year(decision_date), birth_year) as age_band
from query_table(recognition_results)
where decision_date is not null;

-- assessed_candidates(): one row per candidate and decision year in which the candidate was
-- assessed (result passed or failed), with the sex and referral of the candidate's latest such
-- assessment of the year: the latest decision_date, ties broken by the highest record_id (the
-- key), so that a candidate with several assessments in a year falls in the same cell on every
-- run. `repeat`: that assessment came after the candidate's first decision of any result, i.e.
-- the candidate had taken part in the procedure before.
--
-- Why it is written this way: two windows partitioned by millions of 32-character pseudonyms
-- took 1.8 s at two national years. Most candidates have a single assessment record in all;
-- for them the record is the latest of its year and not a repeat, so the windows run only over
-- the records of candidates with more than one (found by a 64-bit hash of the pseudonym: a
-- collision only sends both candidates through the exact windows, so the figures never move).
create or replace macro assessed_candidates(recognition_results := 'recognition_results') as table
with records as materialized (
    select year(decision_date) as year, person_id, hash(person_id) as person_hash, sex, referral,
           result, decision_date, record_id
    from query_table(recognition_results)),
several as (
    select person_hash from records group by person_hash having count(*) > 1),
single as (
    select year, person_id, sex, referral, decision_date > decision_date as repeat
    from records anti join several using (person_hash)
    where result in ('passed', 'failed')),
repeated as (
    select year, person_id, sex, referral, result,
           decision_date > min(decision_date) over (partition by person_id) as repeat
    from (select * from records semi join several using (person_hash))
    qualify result in ('passed', 'failed')
        and row_number() over (partition by person_id, year, result in ('passed', 'failed')
                               order by decision_date desc, record_id desc) = 1)
select year, person_id, sex, referral, repeat from single
union all
select year, person_id, sex, referral, repeat from repeated;

-- assessed_units(): per year, each NCO unit group (the first 4 digits of the occupation code) in
-- which a candidate was assessed (passed or failed) with a decision in that year.
create or replace macro assessed_units(recognition_results := 'recognition_results') as table
select distinct year(decision_date) as year, left(nco_code, 4) as unit
from query_table(recognition_results)
where result in ('passed', 'failed');
