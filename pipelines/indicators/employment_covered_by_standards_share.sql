/*
id = "employment_covered_by_standards_share"
topic = "labour_market"
title = { kk = "Кәсіптік стандартпен қамтылған жұмыспен қамтылғандардың үлесі", ru = "Доля занятых, охваченных профессиональными стандартами" }
definition = { kk = "Жұмыспен қамтылғандардың ішінде жыл соңында кемінде бір қолданыстағы кәсіптік стандарт бар ҰКС бірлік топтарында жұмыс істейтіндердің үлесі (есепті жылдың немесе ең соңғы қолжетімді жылдың статистикасы).", ru = "Доля занятых в единичных группах НКЗ, имеющих хотя бы один действующий на конец года профессиональный стандарт, среди всех занятых (статистика за год или последний доступный год)." }
formula = "100 × sum(employed in unit groups named by a standard in force at 31 Dec) / sum(employed), labour_stats of the latest statistics year <= year"
unit = "percent"
breakdowns = ["total", "region"]
higher_is_better = true
sources = ["labour_stats", "standards"]
*/
-- Employed persons whose NCO unit group has a professional standard in force at the year end, of
-- all employed persons.
with v as (
    select l.year, l.region, coalesce(l.employed, 0) as weight,
           exists (select 1 from standard_nco_codes() u where u.year = l.year and u.unit = l.nco_unit) as in_numerator
    from labour_at_year() l
)
select * from weighted_share_cells('v')
