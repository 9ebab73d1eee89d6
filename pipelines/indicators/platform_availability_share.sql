-- The share of the year's minutes the platform was available (para. 13: it works round the
-- clock), from the downtime of the incidents that began in the year; a year still running
-- counts its minutes up to the judging day. Years from the first incident on record.
with y as (
    select year,
           date_diff('minute', make_date(year, 1, 1)::timestamp,
                     (least(make_date(year, 12, 31), getvariable('as_of')) + 1)::timestamp) as minutes
    from report_years
    where year >= (select min(year(started_date)) from platform_incidents)
      and make_date(year, 1, 1) <= getvariable('as_of')
),
d as (
    select year(started_date) as year, sum(downtime_minutes) as down
    from platform_incidents
    group by year(started_date)
)
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       100.0 * (y.minutes - coalesce(d.down, 0)) / y.minutes as value,
       y.minutes - coalesce(d.down, 0) as numerator,
       y.minutes as denominator
from y left join d on d.year = y.year
