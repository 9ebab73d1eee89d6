-- Centres accredited at the year end that decided on no candidate in the year: accredited
-- capacity left unused.
with c as (
    select c.year, c.centre_bin as counted, c.region
    from register_at_year_end('centres') c
    where c.status = 'accredited'
      and not exists (select 1 from recognition_results r
                      where r.centre_bin = c.centre_bin and year(r.decision_date) = c.year)
)
select * from count_cells('c', first_snapshot_year('centres'))
