-- The units of every published person count, for disclosure control (src/disclosure/units.rs):
-- the second of its two passes over the SQL of every indicator with `counts_persons = true`.
--
-- nqs redefines the cell macros of shared/breakdowns.sql with the ones below and runs the SQL of
-- every such indicator once more. Each macro then returns, instead of cells, which statistical
-- unit counts how many times in which published quantity:
--
--   unit_id          hash(cast(id as varchar)): the unit (a person's pseudonym, a certificate
--                    number), as in ./disclosure_profiles.sql
--   year, breakdown, breakdown_value   the cell, as the indicator publishes it
--   part             'value' (a count), 'numerator' or 'denominator' (a share, a rate, a median)
--   n                how many of the cell's counted rows belong to the unit (a person with two
--                    decisions counts 2 in a share of decisions; 1 in a count of persons)
--
-- Only the units in `disclosure_representatives` are returned: one unit per profile (see
-- ./disclosure_profiles.sql), which nqs weighs by the number of units of its profile.
--
-- From these rows nqs builds the model an attacker has (GaussSuppressionFromData, Langsrud 2024):
-- every published quantity is a sum over units, so every linear relation between cells of any
-- indicators, breakdowns and years, and every inequality between units of different grain
-- (persons against decisions), follows from the data without being declared. Nothing here
-- changes a published figure; these rows never leave the run (they are not written anywhere).

-- Each macro first keeps the rows of the representatives, with the unit's hash as `unit_id`,
-- then spreads them over the breakdowns (breakdown_rows).

create or replace macro share_cells(t) as table
with chosen as (
    select * replace (hash(cast(unit_id as varchar)) as unit_id) from query_table(t)
    where hash(cast(unit_id as varchar)) in (select unit from disclosure_representatives))
select unit_id, year, breakdown, breakdown_value, part, count(*) as n
from (select unit_id, year, breakdown, breakdown_value,
             unnest(case when in_numerator then ['numerator', 'denominator']
                         else ['denominator'] end) as part
      from breakdown_rows('chosen'))
group by all;

create or replace macro median_cells(t) as table
with chosen as (
    select * replace (hash(cast(unit_id as varchar)) as unit_id) from query_table(t)
    where hash(cast(unit_id as varchar)) in (select unit from disclosure_representatives))
select unit_id, year, breakdown, breakdown_value, 'denominator' as part, count(*) as n
from breakdown_rows('chosen')
group by all;

create or replace macro count_cells(t, first_year) as table
with chosen as (
    select * replace (hash(cast(counted as varchar)) as counted) from query_table(t)
    where hash(cast(counted as varchar)) in (select unit from disclosure_representatives))
select distinct counted as unit_id, year, breakdown, breakdown_value, 'value' as part, 1 as n
from breakdown_rows('chosen');

-- The zeros count_cells_listed adds for cells with nothing counted hold no unit.
create or replace macro count_cells_listed(t, first_year, listed) as table
select * from count_cells(t, first_year);

create or replace macro tally_cells(t, first_year) as table
with listed as (
    select * exclude (unit_ids), hash(cast(unnest(unit_ids) as varchar)) as unit_id
    from query_table(t)),
chosen as (
    select * from listed where unit_id in (select unit from disclosure_representatives))
select unit_id, year, breakdown, breakdown_value, 'value' as part, count(*) as n
from breakdown_rows('chosen')
group by all;

create or replace macro rate_cells(t, d, per) as table
with chosen as (
    select * replace (hash(cast(unit_id as varchar)) as unit_id) from query_table(t)
    where hash(cast(unit_id as varchar)) in (select unit from disclosure_representatives))
select t.unit_id, t.year, t.breakdown, t.breakdown_value, 'numerator' as part, count(*) as n
from breakdown_rows('chosen') t
semi join query_table(d) d
  on d.year = t.year and d.breakdown = t.breakdown and d.breakdown_value = t.breakdown_value
group by all;

create or replace macro weighted_share_cells(t) as table
select error('weighted_share_cells adds up weights, not units: an indicator with counts_persons = true cannot use it') as unit_id,
       null::integer as year, null::varchar as breakdown, null::varchar as breakdown_value,
       null::varchar as part, null::bigint as n;
