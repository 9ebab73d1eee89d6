-- Professional standards in force at the year end, by the NQF levels they cover (a standard
-- covering several levels counts at each; every level of the NQF shows, 0 where none).
with s as (
    select year, standard_id as counted, unnest(nqf_levels) as nqf_level
    from standards_at_year_end()
),
listed as (select 'nqf_level' as breakdown, level::varchar as breakdown_value from nqf_levels)
select * from count_cells_listed('s', 0, 'listed')
