-- Persons assessed (passed or failed) in the year; a person assessed twice counts once per cell.
with r as (
    select d.year, d.person_id as counted
    from decisions() d
    where d.result in ('passed', 'failed')
)
select * from count_cells('r', (select min(year(decision_date)) from recognition_results))
