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
with snap as (
    select y.year, max(p.as_of) as as_of
    from report_years y join programmes p on p.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
p as (
    select s.year, p.region, p.level in ('higher', 'postgraduate') as hi
    from snap s join programmes p on p.as_of = s.as_of
    where p.status = 'active'
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, hi from p
    union all select year, 'region', region, hi from p
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where hi) / count(*) as value,
       count(*) filter (where hi) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
