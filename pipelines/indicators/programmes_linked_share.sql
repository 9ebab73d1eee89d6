/*
id = "programmes_linked_share"
topic = "education"
title = { kk = "Кәсіптік стандартқа немесе ҰКС кодына байланысты бағдарламалардың үлесі", ru = "Доля программ, связанных с профессиональным стандартом или кодом НКЗ" }
definition = { kk = "Жыл соңындағы тізілімдегі белсенді білім беру бағдарламаларының ішінде кемінде бір кәсіптік стандартқа немесе Ұлттық кәсіптер сыныптауышының кодына сілтеме жасайтындарының үлесі.", ru = "Доля активных образовательных программ реестра на конец года, имеющих ссылку хотя бы на один профессиональный стандарт или код Национального классификатора занятий." }
formula = "100 × count(active programmes with non-empty standard_ids or nco_codes) / count(active programmes), latest snapshot on or before 31 Dec"
unit = "percent"
breakdowns = ["total", "level", "region"]
higher_is_better = true
sources = ["programmes"]
*/
-- Active programmes at the year end that name at least one professional standard or NCO code.
with p as (
    select year, level, region,
           coalesce(len(standard_ids), 0) > 0 or coalesce(len(nco_codes), 0) > 0 as in_numerator
    from register_at_year_end('programmes')
    where status = 'active'
)
select * from share_cells('p')
