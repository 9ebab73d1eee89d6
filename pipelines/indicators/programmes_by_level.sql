/*
id = "programmes_by_level"
topic = "education"
title = { kk = "Білім беру бағдарламалары деңгейлер бойынша", ru = "Образовательные программы по уровням" }
definition = { kk = "Жыл соңындағы білім беру бағдарламалары тізіліміндегі (31 желтоқсанға дейінгі соңғы үзінді) белсенді бағдарламалар саны: техникалық және кәсіптік, орта білімнен кейінгі, жоғары және жоғары оқу орнынан кейінгі білім деңгейлері мен өңірлер бойынша.", ru = "Число активных программ в реестре образовательных программ на конец года (последний срез не позднее 31 декабря): по уровням (ТиПО, послесреднее, высшее, послевузовское) и регионам." }
formula = "count(programmes with status = 'active' in the latest snapshot on or before 31 Dec)"
unit = "count"
breakdowns = ["total", "level", "region"]
sources = ["programmes", "regions"]
*/
with snap as (
    select y.year, max(p.as_of) as as_of
    from report_years y join programmes p on p.as_of <= make_date(y.year, 12, 31)
    group by y.year
),
p as (
    select s.year, p.level, p.region
    from snap s join programmes p on p.as_of = s.as_of
    where p.status = 'active'
)
select s.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from p where p.year = s.year) as value,
       null as numerator, null as denominator
from snap s
union all
select s.year, 'level', l.level,
       (select count(*) from p where p.year = s.year and p.level = l.level), null, null
from snap s cross join (values ('tvet'), ('post_secondary'), ('higher'), ('postgraduate')) l(level)
union all
select s.year, 'region', r.code,
       (select count(*) from p where p.year = s.year and p.region = r.code), null, null
from snap s cross join regions r
union all
select year, 'level', level, count(*), null, null
from p where level not in ('tvet', 'post_secondary', 'higher', 'postgraduate')
group by year, level
