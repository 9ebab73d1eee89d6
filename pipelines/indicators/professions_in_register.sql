-- Professions in the register at the year end, by sector and by NQF level (a profession
-- recognised at several levels counts at each; one without levels counts in no level).
with p as (
    select year, profession_id as counted, sector,
           unnest(if(len(nqf_levels) > 0, nqf_levels, [null])) as nqf_level
    from register_at_year_end('professions')
)
select * from count_cells('p', first_snapshot_year('professions'))
where not (breakdown = 'nqf_level' and breakdown_value = 'unknown')
