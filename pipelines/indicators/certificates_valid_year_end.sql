-- Certificates valid on 31 December: issued by then, not expired and not revoked by then.
with v as (
    select y.year, i.certificate_no as counted, i.nqf_level
    from report_years y
    join certificates i
      on i.event = 'issued' and i.event_date <= make_date(y.year, 12, 31)
     and (i.valid_until is null or i.valid_until > make_date(y.year, 12, 31))
    where not exists (select 1 from certificates r
                      where r.certificate_no = i.certificate_no and r.event = 'revoked'
                        and r.event_date <= make_date(y.year, 12, 31))
)
select * from count_cells('v', (select min(year(event_date)) from certificates))
