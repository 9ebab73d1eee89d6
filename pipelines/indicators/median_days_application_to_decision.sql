-- Median calendar days from application to decision for the year's assessments.
with r as (
    select year, date_diff('day', application_date, decision_date) as measure,
           person_id as unit_id
    from decisions()
    where result in ('passed', 'failed') and application_date is not null
)
select * from median_cells('r')
