-- Labour statistics (employed persons and vacancies by NCO unit group and region, KATO). The
-- statistics for a year come out a year or more later, so each report year uses the latest
-- statistics year on or before it. (Sources are read through query_table(<parameter>): see
-- registers.sql.)

-- labour_at_year(): per report year (`year`), the rows of labour_stats of the latest statistics
-- year on or before it (`stat_year`). A year before the first statistics year has no rows.
create or replace macro labour_at_year(labour_stats := 'labour_stats') as table
select s.year, s.stat_year, l.* exclude (year)
from (select y.year, max(l.year) as stat_year
      from report_years y
      join query_table(labour_stats) l on l.year <= y.year
      group by y.year) s
join query_table(labour_stats) l on l.year = s.stat_year;
