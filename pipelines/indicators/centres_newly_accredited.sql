-- Centres (BIN) accredited in the year: 'first' when the centre had no earlier accreditation,
-- 'repeat' otherwise.
with e as (
    select year(event_date) as year, centre_bin as counted,
           case when exists (select 1 from centre_events p
                             where p.centre_bin = e.centre_bin and p.event = 'accredited'
                               and p.event_date < e.event_date)
                then 'repeat' else 'first' end as category
    from centre_events e
    where event = 'accredited'
),
listed as (select 'category' as breakdown, unnest(['first', 'repeat']) as breakdown_value)
select * from count_cells_listed('e', 0, 'listed')
