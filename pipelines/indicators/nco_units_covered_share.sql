/*
id = "nco_units_covered_share"
topic = "standards"
title = { kk = "Кәсіптік стандартпен қамтылған ҰКС бірлік топтарының үлесі", ru = "Доля единичных групп НКЗ, охваченных профессиональным стандартом" }
definition = { kk = "Ұлттық кәсіптер сыныптауышының бірлік топтарының ішінде жыл соңында кемінде бір қолданыстағы кәсіптік стандартпен қамтылғандарының үлесі. Стандарттағы кәсіп коды (NNNN-N-NNN) өзінің төрт таңбалы бірлік тобына жатқызылады.", ru = "Доля единичных групп Национального классификатора занятий, охваченных хотя бы одним профессиональным стандартом, действующим на конец года. Код занятия в стандарте (NNNN-N-NNN) относится к своей четырёхзначной единичной группе." }
formula = "100 × count(distinct NCO unit groups named by standards in force at 31 Dec) / count(NCO unit groups)"
unit = "percent"
breakdowns = ["total", "nco_major"]
higher_is_better = true
sources = ["standards", "nco"]
*/
-- NCO unit groups named (directly or through an occupation) by a standard in force at the year
-- end, of all unit groups, by major group.
with u as (
    select y.year, left(n.code, 1) as nco_major,
           exists (select 1 from standard_nco_codes() c where c.year = y.year and c.unit = n.code) as in_numerator
    from report_years y cross join nco n
    where n.level = 'unit'
)
select * from share_cells('u')
