-- Centres whose accreditation was suspended in the year, by the centre's region.
with e as (select * from centres_with_event(['suspended']))
select * from count_cells('e', 0)
