-- Unit groups (4-digit codes) of the NCO, by major group; the current edition for every year.
with u as (
    select y.year, n.code as counted, left(n.code, 1) as nco_major
    from report_years y cross join nco n
    where n.level = 'unit'
)
select * from count_cells('u', 0)
