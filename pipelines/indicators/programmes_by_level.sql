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
-- Active education programmes in the register at the year end, by level and region (every
-- level and region shows, 0 where none).
with p as (
    select year, programme_id as counted, level, region
    from register_at_year_end('programmes')
    where status = 'active'
),
listed as (
    select 'level' as breakdown, unnest(['tvet', 'post_secondary', 'higher', 'postgraduate']) as breakdown_value
    union all
    select 'region', code from regions
)
select * from count_cells_listed('p', first_snapshot_year('programmes'), 'listed')
