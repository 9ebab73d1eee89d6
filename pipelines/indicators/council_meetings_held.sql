-- Meetings of the National and sectoral councils held in the year, by kind of council (every
-- kind in the register of councils shows, 0 where none met).
with m as (
    select year(m.meeting_date) as year, m.meeting_id as counted, c.kind as category
    from council_meetings m join councils c using (council_id)
),
listed as (select distinct 'category' as breakdown, kind as breakdown_value from councils)
select * from count_cells_listed('m', (select min(year(meeting_date)) from council_meetings), 'listed')
