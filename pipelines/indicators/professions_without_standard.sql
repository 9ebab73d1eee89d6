/*
id = "professions_without_standard"
topic = "standards"
title = { kk = "Кәсіптік стандарты жоқ тізілімдегі кәсіптер", ru = "Профессии реестра без профессионального стандарта" }
definition = { kk = "Жыл соңындағы кәсіптер тізіліміндегі (31 желтоқсанға дейінгі соңғы үзінді) кәсіптердің ішінде өз коды немесе бірлік тобы бойынша бірде-бір қолданыстағы кәсіптік стандартпен қамтылмағандарының саны.", ru = "Число профессий реестра на конец года (последний срез не позднее 31 декабря), код занятия которых не охвачен ни одним действующим профессиональным стандартом (ни по коду занятия, ни по единичной группе)." }
formula = "count(professions in the latest snapshot on or before 31 Dec whose nco_code is not listed by any standard in force at 31 Dec, directly or through its 4-digit unit code)"
unit = "count"
breakdowns = ["total", "sector"]
higher_is_better = false
sources = ["professions", "standards"]
*/
-- Professions of the register at the year end that no standard in force covers, by sector.
with p as (
    select year, profession_id as counted, sector
    from professions_at_year_end()
    where not covered
)
select * from count_cells('p', first_snapshot_year('professions'))
