-- The units' profiles, for disclosure control (src/disclosure/units.rs): the first of its two
-- passes over the SQL of every indicator with `counts_persons = true`.
--
-- At national scale a few million units (persons, certificates) count in the published cells,
-- and spreading every unit's rows over every breakdown (../disclosure.sql) makes tens of millions
-- of rows. But most units look alike: the same year, region, NQF level and result. So nqs first
-- redefines the cell macros with the ones below, which return each unit's rows *before* they are
-- spread over the breakdowns, one hash per row standing for everything the cell macros of
-- ../disclosure.sql read from it (the year, every breakdown value, whether it is in the numerator,
-- how many rows it stands for):
--
--   unit_id    hash(cast(id as varchar)): the unit (a person's pseudonym, a certificate number)
--   year       the row's year
--   row_hash   the hash of the row's breakdown values and counts
--
-- Units whose rows hash alike over all indicators have the same *profile*: they count alike in
-- every cell of every breakdown. nqs keeps one unit of each profile (its representative) with
-- the number of units that have it, and only the representatives' rows are spread over the
-- breakdowns by ../disclosure.sql. A macro here must read a row exactly as its namesake there
-- does, or units that differ there would be taken for alike here.

create or replace macro share_cells(t) as table
select unit_id, year, hash(row_key, numerator, denominator) as row_hash
from (select hash(cast(unit_id as varchar)) as unit_id, year,
             hash(*columns(lambda c: not list_contains(measure_columns(), c))) as row_key,
             count(*) filter (where in_numerator) as numerator, count(*) as denominator
      from (select *, 'total' as total from query_table(t))
      group by all);

create or replace macro median_cells(t) as table
select unit_id, year, hash(row_key, rows) as row_hash
from (select hash(cast(unit_id as varchar)) as unit_id, year,
             hash(*columns(lambda c: not list_contains(measure_columns(), c))) as row_key,
             count(*) as rows
      from (select *, 'total' as total from query_table(t))
      group by all);

create or replace macro count_cells(t, first_year) as table
select distinct hash(cast(counted as varchar)) as unit_id, year,
       hash(*columns(lambda c: not list_contains(measure_columns(), c))) as row_hash
from (select *, 'total' as total from query_table(t))
where counted is not null;

create or replace macro count_cells_listed(t, first_year, listed) as table
select * from count_cells(t, first_year);

create or replace macro tally_cells(t, first_year) as table
select unit_id, year, hash(row_key, rows) as row_hash
from (select unit_id, year, row_key, count(*) as rows
      from (select hash(cast(unnest(unit_ids) as varchar)) as unit_id, year,
                   hash(*columns(lambda c: not list_contains(measure_columns(), c))) as row_key
            from (select *, 'total' as total from query_table(t)))
      group by all);

create or replace macro rate_cells(t, d, per) as table
select unit_id, year, hash(row_key, rows) as row_hash
from (select hash(cast(unit_id as varchar)) as unit_id, year,
             hash(*columns(lambda c: not list_contains(measure_columns(), c))) as row_key,
             count(*) as rows
      from (select *, 'total' as total from query_table(t))
      group by all);

create or replace macro weighted_share_cells(t) as table
select error('weighted_share_cells adds up weights, not units: an indicator with counts_persons = true cannot use it') as unit_id,
       null::integer as year, null::ubigint as row_hash;
