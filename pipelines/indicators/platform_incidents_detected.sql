-- Technical incidents that began in the year, by the para. 14 source that revealed them; the
-- national count shows from the first year on record.
with s as (
    select year(started_date) as year, incident_id as counted, detected_by
    from platform_incidents
)
select * from count_cells('s', (select min(year(started_date)) from platform_incidents))
