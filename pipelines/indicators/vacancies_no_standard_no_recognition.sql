-- Vacancies in NCO unit groups with no standard in force at the year end and no candidate
-- assessed in the year; by unit group, the 15 with most vacancies (ties: the lower code first).
with vac as (
    select l.year, l.nco_unit, sum(l.vacancies) as vacancies
    from vacancies_at_year() l
    where not exists (select 1 from standard_nco_codes() s where s.year = l.year and s.unit = l.nco_unit)
      and not exists (select 1 from assessed_units() a where a.year = l.year and a.unit = l.nco_unit)
    group by l.year, l.nco_unit
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       coalesce((select sum(vacancies) from vac where vac.year = y.year), 0) as value,
       null as numerator, null as denominator
from report_years y
where y.year >= (select min(year) from vacancies)
union all
select year, 'nco_unit', nco_unit, vacancies, null, null
from vac
qualify row_number() over (partition by year order by vacancies desc, nco_unit) <= 15
