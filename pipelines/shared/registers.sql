-- Registers sent as dated snapshots (centres, professions, programmes): what each held at the
-- end of a report year, and the attributes other sources look up in them by key.
--
-- Every macro of the shared layer reads a source through query_table(<parameter>), the
-- parameter defaulting to the source's name: DuckDB binds a table macro when it is created, and
-- the lake has no table for a source without data, so a macro naming the table directly would
-- stop every run and every `nqs sql --year` on such a lake.

-- register_at_year_end(register): every row of the register's latest snapshot (`as_of`) on or
-- before 31 December of each report year, with that report year as `year`. `register` is the
-- table's name as text: 'centres', 'professions' or 'programmes'. A year before the first
-- snapshot has no rows.
create or replace macro register_at_year_end(register) as table
select s.year, r.*
from (select y.year, max(r.as_of) as as_of
      from report_years y
      join query_table(register) r on r.as_of <= make_date(y.year, 12, 31)
      group by y.year) s
join query_table(register) r on r.as_of = s.as_of;

-- first_snapshot_year(register): the year of the register's first snapshot, i.e. the first
-- report year register_at_year_end has rows for (null for an empty register).
create or replace macro first_snapshot_year(register) as
    (select year(min(as_of)) from query_table(register));

-- centre_region(): the region (KATO) of each recognition centre (BIN), as the latest snapshot of
-- the register of centres that lists the centre gives it. One value per centre whatever the
-- scan order: (as_of, centre_bin) is the register's key.
create or replace macro centre_region(centres := 'centres') as table
select centre_bin, arg_max(region, as_of) as region
from query_table(centres)
group by centre_bin;

-- profession_sector(): the sector of each profession of the register of professions, as the
-- latest snapshot that lists the profession gives it (the sector a decision or certificate of
-- that profession is counted in). One value per profession whatever the scan order:
-- (as_of, profession_id) is the register's key.
create or replace macro profession_sector(professions := 'professions') as table
select profession_id, arg_max(sector, as_of) as sector
from query_table(professions)
group by profession_id;

-- centres_with_event(events): per year, each centre (BIN, as `counted`) that had an event of the
-- list `events` (e.g. ['suspended']) in the register of centre events that year, with its region
-- (centre_region; 'unknown' when the register of centres does not list it).
create or replace macro centres_with_event(events, centre_events := 'centre_events', centres := 'centres') as table
select distinct year(e.event_date) as year, e.centre_bin as counted, coalesce(r.region, 'unknown') as region
from query_table(centre_events) e
left join centre_region(centres) r using (centre_bin)
where list_contains(events, e.event);
