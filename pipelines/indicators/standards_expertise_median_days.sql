-- Median calendar days from receiving a draft professional standard to the expertise's
-- conclusion (para. 9, subpara. 4), by the year of the conclusion; expertises under way wait.
with s as (
    select year(concluded_date) as year, outcome, sector,
           date_diff('day', received_date, concluded_date) as measure
    from standard_expertise
    where concluded_date is not null
)
select * from median_cells('s')
