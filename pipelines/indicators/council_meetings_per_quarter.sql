-- Meetings per sectoral council per quarter, over the quarters whose sectoral-body report is due
-- and the councils active in each (a council-quarter is one council active in one quarter).
with q as (
    select y.year, r.range::integer as quarter,
           make_date(y.year, 3 * r.range::integer - 2, 1) as q_start,
           last_day(make_date(y.year, 3 * r.range::integer, 1)) as q_end
    from report_years y cross join range(1, 5) r
    where y.year >= (select min(year(meeting_date)) from council_meetings)
),
due as (
    -- quarters whose sectoral-body report is due (fall back to all four when the schedule
    -- has nothing for that year)
    select q.* from q
    where exists (select 1 from submission_status s
                  where s.provider = 'sectoral_bodies' and s.source = 'council_meetings'
                    and s.period = q.year || '-Q' || q.quarter and s.status <> 'not_yet_due')
       or not exists (select 1 from submission_status s
                      where s.provider = 'sectoral_bodies' and s.source = 'council_meetings'
                        and s.period like q.year || '-Q%')
),
council_quarters as (
    select d.year, 'Q' || d.quarter as quarter, c.sector,
           (select count(*) from council_meetings m
             where m.council_id = c.council_id and m.meeting_date between d.q_start and d.q_end) as measure
    from due d
    join councils c on c.kind = 'sectoral' and c.established_date <= d.q_end
                   and (c.dissolved_date is null or c.dissolved_date >= d.q_start)
)
select year, breakdown, breakdown_value,
       sum(measure)::double / count(*) as value,
       sum(measure) as numerator,
       count(*) as denominator
from breakdown_rows('council_quarters')
group by year, breakdown, breakdown_value
