-- Certificates revoked in the year, by the reason given ('unknown' when none).
with c as (
    select year(event_date) as year, certificate_no as counted
    from certificates
    where event = 'revoked'
)
select * from count_cells('c', (select min(year(event_date)) from certificates))
