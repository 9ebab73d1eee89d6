-- Median calendar days from the National body receiving para. 7 information to its placement on
-- the platform (para. 8), by the year of placement; information not yet placed waits. Calendar
-- days: para. 8 sets no deadline in working days to count against.
with s as (
    select year(placed_date) as year, kind, provider,
           date_diff('day', received_date, placed_date) as measure
    from platform_placements
    where placed_date is not null
)
select * from median_cells('s')
