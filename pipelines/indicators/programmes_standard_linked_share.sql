/*
id = "programmes_standard_linked_share"
topic = "education"
title = { kk = "Қолданыстағы кәсіптік стандартқа негізделген бағдарламалардың үлесі", ru = "Доля программ, основанных на действующем профессиональном стандарте" }
definition = { kk = "Жыл соңындағы тізілімдегі белсенді білім беру бағдарламаларының ішінде жыл соңында қолданыста болған кемінде бір кәсіптік стандартқа сілтеме жасайтындарының үлесі.", ru = "Доля активных образовательных программ реестра на конец года, ссылающихся хотя бы на один профессиональный стандарт, действующий на конец года." }
formula = "100 × count(active programmes listing a standard that is in force and approved on or before 31 Dec) / count(active programmes), latest snapshot on or before 31 Dec"
unit = "percent"
breakdowns = ["total", "level", "region"]
higher_is_better = true
sources = ["programmes", "standards"]
*/
-- Active programmes at the year end that name a professional standard in force at the year end.
with p as (
    select p.year, p.level, p.region,
           exists (select 1 from standards_at_year_end() st
                   where st.year = p.year and list_contains(p.standard_ids, st.standard_id)) as in_numerator
    from register_at_year_end('programmes') p
    where p.status = 'active'
)
select * from share_cells('p')
