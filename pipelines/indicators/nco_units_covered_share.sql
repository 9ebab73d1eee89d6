-- NCO unit groups named (directly or through an occupation) by a standard in force at the year
-- end, of all unit groups, by major group.
with u as (
    select y.year, left(n.code, 1) as nco_major,
           exists (select 1 from standard_nco_codes() c where c.year = y.year and c.unit = n.code) as in_numerator
    from report_years y cross join nco n
    where n.level = 'unit'
)
select * from share_cells('u')
