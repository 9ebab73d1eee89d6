-- Candidates registered on the platform in the year: a candidate registers once, at the first
-- application.
with r as (
    select year(registration_date) as year, person_id as counted
    from registrations
    where party_kind = 'candidate'
)
select * from count_cells('r', (select min(year(registration_date)) from registrations))
