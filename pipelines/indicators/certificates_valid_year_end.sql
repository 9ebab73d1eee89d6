-- Certificates valid on 31 December: issued by then, not expired and not revoked by then.
-- (A certificate's first revocation, found once, instead of a correlated look-up per year.)
--
-- Why it is written this way: a certificate stays valid for years, so one row per certificate
-- and year made 17 M rows at five national years, each then counted as a distinct certificate
-- (4 s). Each certificate is issued once (the register's key is certificate_no and event), so
-- the certificates are added up by the years they are valid and their NQF level, and only those
-- few thousand combinations are spread over the report years. Valid on 31 December of year y:
-- issued in y or before, and expiring or revoked in y + 1 or later (valid_until and revoked_on
-- after 31 December), i.e. y runs from the year of issue to the year before either.
with revoked as (
    select certificate_no, min(event_date) as revoked_on
    from certificates
    where event = 'revoked'
    group by certificate_no
),
spans as (
    select year(i.event_date) as first_valid,
           least(coalesce(year(i.valid_until), 9999), coalesce(year(r.revoked_on), 9999)) - 1 as last_valid,
           count(*) as certificates,
           list(i.certificate_no) as unit_ids
    from certificates i
    left join revoked r on r.certificate_no = i.certificate_no
    where i.event = 'issued'
    group by all
),
v as (
    select y.year, sum(s.certificates) as cell_count,
           flatten(list(s.unit_ids)) as unit_ids
    from spans s
    join report_years y on y.year between s.first_valid and s.last_valid
    group by all
)
select * from tally_cells('v', (select min(year(event_date)) from certificates))
