-- Centres whose accreditation ended or was revoked in the year, by the centre's region.
with e as (select * from centres_with_event(['ended', 'revoked']))
select * from count_cells('e', 0)
