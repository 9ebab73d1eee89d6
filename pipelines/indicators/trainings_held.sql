-- Trainings on the NQS's basic tools the National body began in the year (para. 9, subpara. 5),
-- by topic and region; the national count shows from the first year on record.
with s as (
    select year(start_date) as year, training_id as counted, topic, region
    from trainings
)
select * from count_cells('s', (select min(year(start_date)) from trainings))
