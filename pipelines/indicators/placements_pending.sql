-- Information the National body had received by the end of the year and that was still not
-- placed on the platform that day (para. 8), whatever year it came; a year still running is cut
-- at the judging day. Para. 8 sets no deadline, so this is the backlog, not the overdue.
with y as (
    select year, least(make_date(year, 12, 31), getvariable('as_of')) as cut
    from report_years
    where make_date(year, 1, 1) <= getvariable('as_of')
),
s as (
    select y.year, p.placement_id as counted, p.kind, p.provider
    from y
    join platform_placements p
      on p.received_date <= y.cut
     and (p.placed_date is null or p.placed_date > y.cut)
)
select * from count_cells('s', (select min(year(received_date)) from platform_placements))
