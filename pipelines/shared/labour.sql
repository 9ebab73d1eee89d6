-- Open labour statistics (para. 19) at the grain they are published: employment by occupation
-- major group (NCO first digit) and region, in thousands; vacancies by NCO unit group and
-- region. No publisher gives employment by unit group: an indicator per employed person works
-- by major group or by region. The statistics for a year come out a year or more later, so each
-- report year uses the latest statistics year on or before it. (Sources are read through
-- query_table(<parameter>): see registers.sql.)

-- latest_stat_years(t): per report year (`year`), the latest year of statistics table t (its
-- `year` column) on or before it (`stat_year`); a report year before the first has no row.
create or replace macro latest_stat_years(t) as table
select y.year, max(s.year) as stat_year
from report_years y
join query_table(t) s on s.year <= y.year
group by y.year;

-- employment_at_year(): per report year (`year`), employed persons (`employed`, persons) by
-- `region` and `nco_major`, of the latest statistics year on or before it (`stat_year`); cells
-- the publisher left empty (no data, confidential) are not rows. A year before the first
-- statistics year has no rows.
create or replace macro employment_at_year(employment := 'employment') as table
select s.year, s.stat_year, e.region, e.nco_major, e.employed_thousands * 1000 as employed
from latest_stat_years(employment) s
join query_table(employment) e on e.year = s.stat_year
where e.employed_thousands is not null;

-- vacancies_at_year(): per report year (`year`), vacancies by `nco_unit` and `region` of the
-- latest statistics year on or before it (`stat_year`): the figure for the whole year where one
-- was sent (period `YYYY`), else its months (`YYYY-MM`) added up, so that a year sent both ways
-- counts once.
create or replace macro vacancies_at_year(vacancies := 'vacancies') as table
select s.year, s.stat_year, v.nco_unit, v.region,
       coalesce(sum(v.vacancies) filter (where length(v.period) = 4),
                sum(v.vacancies) filter (where length(v.period) = 7)) as vacancies
from latest_stat_years(vacancies) s
join query_table(vacancies) v on v.year = s.stat_year
group by s.year, s.stat_year, v.nco_unit, v.region;

-- graduates_at_year(): per report year (`year`), college graduates (`graduates`, persons) by
-- `speciality` and `region` of the latest statistics year on or before it (`stat_year`).
create or replace macro graduates_at_year(graduates := 'graduates') as table
select s.year, s.stat_year, g.speciality, g.region, g.graduates
from latest_stat_years(graduates) s
join query_table(graduates) g on g.year = s.stat_year
where g.graduates is not null;
