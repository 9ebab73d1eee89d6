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

-- measure_columns(): `year` and the measure columns; every other column of the rows is a breakdown.
create or replace macro measure_columns() as ['year', 'in_numerator', 'weight', 'measure', 'counted'];

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
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where in_numerator) / count(*) as value,
       count(*) filter (where in_numerator) as numerator,
       count(*) as denominator
from breakdown_rows(t)
group by year, breakdown, breakdown_value;

-- weighted_share_cells(t): per year and cell, the percentage of the summed weight that falls on
-- in_numerator rows (numerator 0 when none does; no value when the weights sum to zero).
-- Weights are integers (persons, vacancies), so the sums are exact whatever the scan order.
create or replace macro weighted_share_cells(t) as table
select year, breakdown, breakdown_value,
       100.0 * coalesce(sum(weight) filter (where in_numerator), 0) / nullif(sum(weight), 0) as value,
       coalesce(sum(weight) filter (where in_numerator), 0) as numerator,
       sum(weight) as denominator
from breakdown_rows(t)
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
create or replace macro count_cells(t, first_year) as table
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       count(distinct c.counted) as value, null as numerator, null as denominator
from report_years y
left join query_table(t) c on c.year = y.year
where y.year >= first_year
group by y.year
union all
select year, breakdown, breakdown_value, count(distinct counted), null, null
from breakdown_rows(t)
where breakdown <> 'total'
group by year, breakdown, breakdown_value;

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
