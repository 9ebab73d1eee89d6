-- Breakdowns. Every indicator publishes its national figure (breakdown 'total', value 'total')
-- and the same figure by region, sex, sector, ... An indicator first selects one row per
-- thing it counts (a decision, a candidate, a centre, ...): the column `year`, one column per
-- breakdown, named as the breakdown in its header, and the measure columns below. The macros
-- here turn those rows into the published cells, so no indicator writes that unpivot by hand.
--
-- Measure columns:
--   in_numerator  whether the row counts in the numerator of a share (share_cells)
--   weight        what a weighted share adds up, e.g. employed persons (weighted_share_cells)
--   measure       the quantity whose median is taken, e.g. days (median_cells)
--   counted       the identity of what is counted once per cell, e.g. a person's pseudonymised
--                 IIN or a centre's BIN (count_cells)
--   unit_id       in an indicator that counts persons (`counts_persons = true`), the statistical
--                 unit the row belongs to: the person's pseudonym (`person_id`) for decisions and
--                 candidates, the certificate number for certificates (count_cells uses
--                 `counted`). Disclosure control reads the units of every published cell from
--                 these rows (../disclosure.sql) and derives every relation between the cells
--                 from them; the published figures do not depend on it.
--   unit_ids      the same for rows that are already counts (tally_cells): the list of units the
--                 row's cell_count counts.

-- measure_columns(): `year` and the measure columns; every other column of the rows is a breakdown.
create or replace macro measure_columns() as ['year', 'in_numerator', 'weight', 'measure', 'counted',
    'unit_id', 'unit_ids', 'cell_numerator', 'cell_denominator', 'cell_count'];

-- The macros below that add up (share_cells, weighted_share_cells, the single rows of
-- count_cells) first add up per combination of all the breakdowns (`cell_numerator`,
-- `cell_denominator`, `cell_count`, listed with the measure columns so they are not taken for
-- breakdowns), and only then turn those combinations into cells: at national scale a few
-- thousand combinations stand for millions of rows, so the unpivot no longer copies every row
-- once per breakdown. Sums of counts are exact, so the figures are the same.

-- breakdown_rows(t): each row of table t (the name of a table or of the query's CTE, as text)
-- once for the national total and once per breakdown column, as `breakdown` (the column's
-- name) and `breakdown_value` (its value as text; 'unknown' where missing), with `year` and the
-- measure columns kept.
create or replace macro breakdown_rows(t) as table
select * from (
    unpivot (
        select columns(lambda c: list_contains(measure_columns(), c)),
               coalesce(cast(columns(lambda c: not list_contains(measure_columns(), c)) as varchar), 'unknown')
        from (select *, 'total' as total from query_table(t))
    )
    on columns(lambda c: not list_contains(measure_columns(), c))
    into name breakdown value breakdown_value
);

-- share_cells(t): per year and cell, the percentage of t's rows that are in_numerator, with
-- those rows as numerator and all rows as denominator. Cells with no rows do not appear.
create or replace macro share_cells(t) as table
with combinations as (
    select columns(lambda c: c = 'year' or not list_contains(measure_columns(), c)),
           count(*) filter (where in_numerator) as cell_numerator, count(*) as cell_denominator
    from query_table(t)
    group by all)
select year, breakdown, breakdown_value,
       100.0 * sum(cell_numerator)::bigint / sum(cell_denominator)::bigint as value,
       sum(cell_numerator)::bigint as numerator,
       sum(cell_denominator)::bigint as denominator
from breakdown_rows('combinations')
group by year, breakdown, breakdown_value;

-- weighted_share_cells(t): per year and cell, the percentage of the summed weight that falls on
-- in_numerator rows (numerator 0 when none does; no value when the weights sum to zero).
-- Weights are integers (persons, vacancies), so the sums are exact whatever the scan order.
create or replace macro weighted_share_cells(t) as table
with combinations as (
    select columns(lambda c: c = 'year' or not list_contains(measure_columns(), c)),
           sum(weight) filter (where in_numerator) as cell_numerator, sum(weight) as cell_denominator
    from query_table(t)
    group by all)
select year, breakdown, breakdown_value,
       100.0 * coalesce(sum(cell_numerator), 0) / nullif(sum(cell_denominator), 0) as value,
       coalesce(sum(cell_numerator), 0) as numerator,
       sum(cell_denominator) as denominator
from breakdown_rows('combinations')
group by year, breakdown, breakdown_value;

-- median_cells(t): per year and cell, the median of `measure` (the mean of the two middle
-- values when their number is even), with the number of rows as denominator.
create or replace macro median_cells(t) as table
select year, breakdown, breakdown_value,
       median(measure) as value, null as numerator, count(*) as denominator
from breakdown_rows(t)
group by year, breakdown, breakdown_value;

-- count_cells(t, first_year): per year and cell, how many distinct `counted` t holds. The
-- national total has a row, 0 when nothing is counted, for every report year from first_year
-- (0: every report year; null: none, as when the source is empty); the other cells appear where
-- something is counted.
--
-- Why it is written this way: a distinct count needs a hash table of every value per cell, and
-- a person-level table at national scale holds millions of distinct persons, so eight breakdowns
-- meant eight passes over millions of 32-character pseudonyms (4 s for candidates_assessed at
-- two national years). Almost every person has one row in a year; such a row is counted once in
-- each of its cells by a plain count. So the rows whose (year, counted) repeats are found first
-- (by a 64-bit hash of `counted`, an integer key being far cheaper to group than a 32-character
-- pseudonym: two persons whose hashes collide merely both go to the exact part, so a collision
-- costs time, never a figure). Then one pass adds the rows up per combination of breakdowns,
-- keeping `counted` only for the repeated ones: the single rows become a count per combination,
-- the repeated ones one row per person and combination, whose distinct count per cell is exact.
-- Each person falls in exactly one of the two parts, so the sum is the distinct count. (Holding
-- all rows with their pseudonyms for the two parts, as before, took more than the run's memory
-- budget at five national years and spilled to disk.)
create or replace macro count_cells(t, first_year) as table
with repeated as (
         select year, hash(counted) as counted_hash from query_table(t)
         where counted is not null
         group by all
         having count(*) > 1),
     combinations as materialized (
         select columns(lambda c: c = 'year' or not (list_contains(measure_columns(), c) or c = 'repeated_row')),
                case when repeated_row then counted end as counted,
                count(counted) as cell_count
         from (select t.*, r.counted_hash is not null as repeated_row
               from query_table(t) t
               left join repeated r on r.year = t.year and r.counted_hash = hash(t.counted))
         group by all),
     cells as (
         select year, breakdown, breakdown_value, sum(n) as value
         from (select year, breakdown, breakdown_value, sum(cell_count) as n
               from breakdown_rows('combinations')
               where counted is null
               group by year, breakdown, breakdown_value
               union all
               select year, breakdown, breakdown_value, count(distinct counted)
               from breakdown_rows('combinations')
               where counted is not null
               group by year, breakdown, breakdown_value)
         group by year, breakdown, breakdown_value)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       coalesce(c.value, 0) as value, null as numerator, null as denominator
from report_years y
left join cells c on c.year = y.year and c.breakdown = 'total'
where y.year >= first_year
union all
select year, breakdown, breakdown_value, value, null, null
from cells
where breakdown <> 'total';

-- tally_cells(t, first_year): count_cells for rows that are already counts. t has `year`, one
-- column per breakdown and `cell_count`: how many things are counted in that combination of
-- breakdown values, each thing in one combination a year (as when a source's key makes each
-- thing one row, and the rows were added up before being spread over the years). The cells
-- add those counts up, so no per-thing rows are ever made; output as count_cells.
create or replace macro tally_cells(t, first_year) as table
with cells as (
    select year, breakdown, breakdown_value, sum(cell_count) as value
    from breakdown_rows(t)
    group by year, breakdown, breakdown_value)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       coalesce(c.value, 0) as value, null as numerator, null as denominator
from report_years y
left join cells c on c.year = y.year and c.breakdown = 'total'
where y.year >= first_year
union all
select year, breakdown, breakdown_value, value, null, null
from cells
where breakdown <> 'total';

-- count_cells_listed(t, first_year, listed): count_cells, plus a 0 in every report year from
-- first_year for each cell of table `listed` (breakdown, breakdown_value) where nothing is
-- counted, so that a region or sector without any shows as 0 rather than missing.
create or replace macro count_cells_listed(t, first_year, listed) as table
select * from count_cells(t, first_year)
union all
select y.year, l.breakdown, l.breakdown_value, 0, null, null
from report_years y
cross join query_table(listed) l
where y.year >= first_year
  and not exists (select 1 from breakdown_rows(t) r
                  where r.year = y.year and r.breakdown = l.breakdown and r.breakdown_value = l.breakdown_value);

-- rate_cells(t, d, per): per year and cell, `per` times the number of t's rows over a
-- denominator that is not a count of persons (employed persons from the Bureau's tables, say):
-- d holds `year, breakdown, breakdown_value, denominator`, one row per published cell; t one
-- row per counted thing (`year`, one column per breakdown, `unit_id`). A cell of d with no row
-- of t has numerator 0; rows of t in no cell of d are not counted.
create or replace macro rate_cells(t, d, per) as table
with combinations as (
    select columns(lambda c: c = 'year' or not list_contains(measure_columns(), c)),
           count(*) as cell_count
    from query_table(t)
    group by all),
counts as (
    select year, breakdown, breakdown_value, sum(cell_count)::bigint as numerator
    from breakdown_rows('combinations')
    group by year, breakdown, breakdown_value)
select d.year, d.breakdown, d.breakdown_value,
       per * coalesce(c.numerator, 0) / d.denominator as value,
       coalesce(c.numerator, 0) as numerator, d.denominator
from query_table(d) d
left join counts c
  on c.year = d.year and c.breakdown = d.breakdown and c.breakdown_value = d.breakdown_value;
