-- Median number of agenda items of the council meetings of the year. Only sectoral councils have
-- a sector, so the national council's meetings show under no sector.
with m as (
    select year(m.meeting_date) as year, c.kind as category,
           case when c.kind = 'sectoral' then c.sector end as sector,
           m.agenda_items as measure
    from council_meetings m join councils c using (council_id)
    where m.agenda_items is not null
)
select * from median_cells('m')
where not (breakdown = 'sector' and breakdown_value = 'unknown')
