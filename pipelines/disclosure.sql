-- The units of every published person count, for disclosure control (src/disclosure/units.rs).
--
-- After the indicators are computed, nqs redefines the cell macros of shared/breakdowns.sql with
-- the ones below and runs the SQL of every indicator with `counts_persons = true` once more. Each
-- macro then returns, instead of cells, which statistical unit counts how many times in which
-- published quantity:
--
--   unit_id          the unit (a person's pseudonym, a certificate number)
--   year, breakdown, breakdown_value   the cell, as the indicator publishes it
--   part             'value' (a count), 'numerator' or 'denominator' (a share, a rate, a median)
--   n                how many of the cell's counted rows belong to the unit (a person with two
--                    decisions counts 2 in a share of decisions; 1 in a count of persons)
--
-- From these rows nqs builds the model an attacker has (GaussSuppressionFromData, Langsrud 2024):
-- every published quantity is a sum over units, so every linear relation between cells of any
-- indicators, breakdowns and years, and every inequality between units of different grain
-- (persons against decisions), follows from the data without being declared. Nothing here
-- changes a published figure; these rows never leave the run (they are not written anywhere).

create or replace macro share_cells(t) as table
select unit_id, year, breakdown, breakdown_value, part, count(*) as n
from (select unit_id, year, breakdown, breakdown_value,
             unnest(case when in_numerator then ['numerator', 'denominator']
                         else ['denominator'] end) as part
      from breakdown_rows(t))
group by all;

create or replace macro median_cells(t) as table
select unit_id, year, breakdown, breakdown_value, 'denominator' as part, count(*) as n
from breakdown_rows(t)
group by all;

create or replace macro count_cells(t, first_year) as table
select distinct counted as unit_id, year, breakdown, breakdown_value, 'value' as part, 1 as n
from breakdown_rows(t)
where counted is not null;

create or replace macro tally_cells(t, first_year) as table
select unit_id, year, breakdown, breakdown_value, 'value' as part, count(*) as n
from (select year, breakdown, breakdown_value, unnest(unit_ids) as unit_id from breakdown_rows(t))
group by all;

create or replace macro rate_cells(t, d, per) as table
select t.unit_id, t.year, t.breakdown, t.breakdown_value, 'numerator' as part, count(*) as n
from breakdown_rows(t) t
semi join query_table(d) d
  on d.year = t.year and d.breakdown = t.breakdown and d.breakdown_value = t.breakdown_value
group by all;
