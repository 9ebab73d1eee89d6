/*
id = "professions_standard_coverage_share"
topic = "standards"
title = { kk = "Кәсіптік стандартпен қамтылған тізілімдегі кәсіптердің үлесі", ru = "Доля профессий реестра, обеспеченных профессиональным стандартом" }
definition = { kk = "Жыл соңындағы кәсіптер тізіліміндегі кәсіптердің ішінде коды немесе бірлік тобы бойынша қолданыстағы кәсіптік стандартпен қамтылғандарының үлесі.", ru = "Доля профессий реестра на конец года, код занятия которых охвачен действующим профессиональным стандартом (по коду занятия или по единичной группе)." }
formula = "100 × count(professions covered by a standard in force at 31 Dec) / count(professions in the latest snapshot on or before 31 Dec)"
unit = "percent"
breakdowns = ["total", "sector"]
higher_is_better = true
sources = ["professions", "standards"]
*/
-- Professions of the register at the year end whose NCO code (or its unit group) a standard in
-- force names, of all professions in the register.
with p as (select year, sector, covered as in_numerator from professions_at_year_end())
select * from share_cells('p')
