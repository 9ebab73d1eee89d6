-- Para. 7 submissions past their deadline that never came, by provider and source; each expected
-- submission is one (provider, source, sender, period). Every provider and source of the
-- schedule shows, 0 where none is missing.
with s as (
    select year, {'provider': provider, 'source': source, 'sender': sender, 'period': period} as counted,
           provider, source
    from submission_status
    where status = 'missing'
),
listed as (
    select distinct 'provider' as breakdown, provider as breakdown_value from submission_status
    union all
    select distinct 'source', source from submission_status
)
select * from count_cells_listed('s', (select min(year(received_date)) from submissions), 'listed')
