-- Of the year's passed decisions, those whose record has an issued certificate: a low share
-- means centres do not send their register of certificates in full.
with r as (
    select year,
           exists (select 1 from certificates c where c.record_id = d.record_id and c.event = 'issued') as in_numerator,
           person_id as unit_id
    from decisions() d
    where result = 'passed'
)
select * from share_cells('r')
