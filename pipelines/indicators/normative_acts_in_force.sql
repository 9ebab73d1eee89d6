-- Normative legal acts adopted by the year end and in force today, by kind of act.
with a as (
    select y.year, n.act_id as counted, n.kind as category
    from report_years y
    join normative_acts n on n.adopted_date <= make_date(y.year, 12, 31)
    where n.in_force
)
select * from count_cells('a', 0)
