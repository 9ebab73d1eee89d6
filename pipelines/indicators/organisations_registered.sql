-- Organisations (centres, state bodies, chambers) registered on the platform in the year.
with s as (
    select year(registration_date) as year, registration_id as counted, party_kind
    from registrations
    where party_kind <> 'candidate'
)
select * from count_cells('s', (select min(year(registration_date)) from registrations))
