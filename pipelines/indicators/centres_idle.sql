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
-- Centres accredited at the year end that decided on no candidate in the year: accredited
-- capacity left unused.
with c as (
    select c.year, c.centre_bin as counted, c.region
    from register_at_year_end('centres') c
    where c.status = 'accredited'
      and not exists (select 1 from recognition_results r
                      where r.centre_bin = c.centre_bin and year(r.decision_date) = c.year)
)
select * from count_cells('c', first_snapshot_year('centres'))
