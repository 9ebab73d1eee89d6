-- Certificates of recognition issued in the year, by NQF level, by the sector of the profession
-- and by the region of the issuing centre.
with c as (
    select year(c.event_date) as year, c.certificate_no as counted
    from certificates c
    where c.event = 'issued'
)
select * from count_cells('c', (select min(year(event_date)) from certificates))
