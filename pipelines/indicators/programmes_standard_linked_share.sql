-- Active programmes at the year end that name a professional standard in force at the year end.
with p as (
    select p.year, p.level, p.region,
           exists (select 1 from standards_at_year_end() st
                   where st.year = p.year and list_contains(p.standard_ids, st.standard_id)) as in_numerator
    from register_at_year_end('programmes') p
    where p.status = 'active'
)
select * from share_cells('p')
