-- Persons whose qualification was recognised (result passed) in the year, once per cell.
with r as (
    select d.year, d.person_id as counted
    from decisions() d
    where d.result = 'passed'
)
select * from count_cells('r', (select min(year(decision_date)) from recognition_results))
