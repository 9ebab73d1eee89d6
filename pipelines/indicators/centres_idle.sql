/*
id = "centres_idle"
topic = "centres"
title = { kk = "Жыл ішінде бірде-бір кандидатқа шешім шығармаған орталықтар", ru = "Центры без единого решения по кандидатам за год" }
definition = { kk = "Жыл соңында аккредиттелген, бірақ жыл ішінде бірде-бір кандидат бойынша шешім шығармаған біліктілікті тану орталықтарының саны.", ru = "Число центров признания квалификаций, аккредитованных на конец года, но не принявших за год ни одного решения по кандидатам." }
formula = "count(centres accredited in the latest snapshot on or before 31 Dec with no recognition_results row whose decision_date falls in the year)"
unit = "count"
breakdowns = ["total", "region"]
higher_is_better = false
sources = ["centres", "recognition_results"]
*/
with snap as (
    select y.year, max(c.as_of) as as_of
    from report_years y join centres c on c.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
c as (
    select s.year, c.centre_bin, c.region
    from snap s join centres c on c.as_of = s.as_of
    where c.status = 'accredited'
      and not exists (select 1 from recognition_results r
                      where r.centre_bin = c.centre_bin and year(r.decision_date) = s.year)
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct centre_bin) from c where c.year = y.year) as value,
       null as numerator, null as denominator
from report_years y
where y.year in (select year from snap)
union all
select year, 'region', region, count(distinct centre_bin), null, null from c group by year, region
