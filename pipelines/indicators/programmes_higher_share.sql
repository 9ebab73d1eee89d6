/*
id = "programmes_higher_share"
topic = "education"
title = { kk = "Жоғары және жоғары оқу орнынан кейінгі білім бағдарламаларының үлесі", ru = "Доля программ высшего и послевузовского образования" }
definition = { kk = "Жыл соңындағы тізілімдегі белсенді білім беру бағдарламаларының ішінде жоғары және жоғары оқу орнынан кейінгі білім беру бағдарламаларының үлесі.", ru = "Доля программ высшего и послевузовского образования среди активных образовательных программ реестра на конец года." }
formula = "100 × count(active programmes with level in (higher, postgraduate)) / count(active programmes), latest snapshot on or before 31 Dec"
unit = "percent"
breakdowns = ["total", "region"]
sources = ["programmes"]
*/
-- Active programmes at the year end that are higher or postgraduate education.
with p as (
    select year, region, level in ('higher', 'postgraduate') as in_numerator
    from register_at_year_end('programmes')
    where status = 'active'
)
select * from share_cells('p')
