-- Certificates valid on 31 December: issued by then, not expired and not revoked by then.
-- (A certificate's first revocation, found once, instead of a correlated look-up per year.)
with revoked as (
    select certificate_no, min(event_date) as revoked_on
    from certificates
    where event = 'revoked'
    group by certificate_no
),
v as (
    select y.year, i.certificate_no as counted, i.nqf_level
    from certificates i
    left join revoked r on r.certificate_no = i.certificate_no
    join report_years y
      on i.event_date <= make_date(y.year, 12, 31)
     and (i.valid_until is null or i.valid_until > make_date(y.year, 12, 31))
     and (r.revoked_on is null or r.revoked_on > make_date(y.year, 12, 31))
    where i.event = 'issued'
)
select * from count_cells('v', (select min(year(event_date)) from certificates))
