//! The statistical units behind every published person count: the microdata the suppression
//! model is built from (as `GaussSuppressionFromData` builds its model matrix, Langsrud 2024).
//!
//! After the indicators are computed, the SQL of every indicator with `counts_persons = true`
//! runs twice more, with the cell macros of `pipelines/shared/breakdowns.sql` replaced:
//! 1. by those of `pipelines/disclosure_profiles.sql`: each unit's rows before they are spread
//!    over the breakdowns, one hash per row. Units whose rows hash alike over all indicators have
//!    the same *profile* and count alike in every cell; one of them (the smallest hash) stands
//!    for all, weighed by their number. At national scale 4.5 million units have 22 thousand
//!    profiles.
//! 2. by those of `pipelines/disclosure.sql`, which return, for the representatives only, every
//!    published quantity (indicator × year × breakdown × value × part) the unit counts in and
//!    how many times.
//!
//! Units are then grouped by *pattern*: within one breakdown value (a *block*: region 710000000,
//! NQF level 3, the national total), the list of (indicator, year, part, n) the unit counts in.
//! Shape: one [`Pattern`] per kind of unit × breakdown × value × distinct list, with the number
//! of units that have it. No unit identity leaves this module: only the patterns and their
//! counts.
//!
//! Units are told apart by the 64-bit hash of their id, and profiles by 192 bits (the number of
//! rows, the sum of one hash of each row and the exclusive or of another): all of it aggregates
//! in a fixed size per unit, so DuckDB spills it to disk under the memory limit instead of
//! holding a list per unit (more than 10 GiB for the two-year national set). Two units of ten
//! million share a hash with a chance of about 10⁻⁶ (they would then count as one unit of their
//! joint rows).

use super::{DisclosureError, Part};
use crate::indicators::Indicator;
use duckdb::Connection;
use std::path::Path;

/// The kind of unit an indicator counts when its header does not say: a person.
pub const DEFAULT_KIND: &str = "person";

/// One quantity type a unit counts in, within a block.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Term {
    pub indicator: String,
    pub year: i32,
    pub part: Part,
}

/// Units of one kind in one block that count in exactly the same quantities the same number
/// of times.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub kind: String,
    pub breakdown: String,
    pub value: String,
    /// (quantity type, how many times the unit counts in it), in term order.
    pub terms: Vec<(Term, f64)>,
    /// How many units have the pattern.
    pub units: f64,
}

/// Every block's patterns, in (kind, breakdown, value, terms) order.
#[derive(Debug, Clone, Default)]
pub struct Microdata {
    pub patterns: Vec<Pattern>,
    pub read: ReadStats,
}

/// What reading the units took: how many there were, how many profiles stood for them, and the
/// seconds of each pass (they vary run to run; printed by `nqs run`, never written).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct ReadStats {
    pub units: u64,
    pub profiles: u64,
    pub profile_seconds: f64,
    pub unit_seconds: f64,
}

/// The file, in the pipelines folder, that defines the macros of the profile pass.
pub const PROFILES_SQL: &str = "disclosure_profiles.sql";
/// The file, in the pipelines folder, that defines the macros of the unit-row pass.
pub const UNITS_SQL: &str = "disclosure.sql";

/// Reads the units of every person-counting indicator, with the macros of [`PROFILES_SQL`] and
/// [`UNITS_SQL`] in `pipelines`. It redefines the cell macros on `conn`, so `conn` must not
/// compute indicators afterwards.
///
/// Errors: an indicator whose rows give no `unit_id` (or `counted`), or a query that fails.
pub fn read(
    conn: &Connection,
    indicators: &[Indicator],
    pipelines: &Path,
) -> Result<Microdata, DisclosureError> {
    let counting: Vec<&Indicator> = indicators
        .iter()
        .filter(|i| i.header.counts_persons)
        .collect();
    let started = std::time::Instant::now();
    read_profiles(conn, &counting, pipelines)?;
    setup(conn, pipelines, "drop table disclosure_profile_rows")?;
    let profile_seconds = started.elapsed().as_secs_f64();
    let mut micro = read_units(conn, &counting, pipelines)?;
    micro.read.profile_seconds = profile_seconds;
    micro.read.unit_seconds = started.elapsed().as_secs_f64() - profile_seconds;
    Ok(micro)
}

/// The first pass: every unit's profile rows into `disclosure_profile_rows`, and one unit per
/// profile into `disclosure_representatives`.
fn read_profiles(
    conn: &Connection,
    counting: &[&Indicator],
    pipelines: &Path,
) -> Result<(), DisclosureError> {
    let mut kinds: Vec<&str> = counting.iter().map(|i| kind_of(i)).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let profiles = pipelines.join(PROFILES_SQL);
    run_script(conn, &profiles)?;
    setup(conn, &profiles, PROFILE_TABLE)?;
    for (index, ind) in counting.iter().enumerate() {
        let kind = kinds.binary_search(&kind_of(ind)).unwrap_or(0);
        insert(conn, ind, &profile_rows(ind, kind, index))?;
    }
    setup(conn, &profiles, &representatives(&kinds))
}

/// The second pass: the representatives' unit rows, and their patterns.
fn read_units(
    conn: &Connection,
    counting: &[&Indicator],
    pipelines: &Path,
) -> Result<Microdata, DisclosureError> {
    let units = pipelines.join(UNITS_SQL);
    run_script(conn, &units)?;
    setup(conn, &units, UNIT_TABLE)?;
    for ind in counting {
        insert(conn, ind, &unit_rows(ind))?;
    }
    let failed = |source| DisclosureError::Units {
        what: units.display().to_string(),
        source,
    };
    let mut micro = patterns(conn).map_err(failed)?;
    let (units_read, profiles_read): (i64, i64) = conn
        .query_row(
            "select coalesce(sum(weight), 0)::bigint, count(*) from disclosure_representatives",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(failed)?;
    micro.read.units = units_read.unsigned_abs();
    micro.read.profiles = profiles_read.unsigned_abs();
    Ok(micro)
}

fn kind_of(ind: &Indicator) -> &str {
    ind.header.units.as_deref().unwrap_or(DEFAULT_KIND)
}

fn run_script(conn: &Connection, path: &Path) -> Result<(), DisclosureError> {
    let sql = std::fs::read_to_string(path).map_err(|source| DisclosureError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    setup(conn, path, &sql)
}

fn setup(conn: &Connection, path: &Path, sql: &str) -> Result<(), DisclosureError> {
    conn.execute_batch(sql)
        .map_err(|source| DisclosureError::Units {
            what: path.display().to_string(),
            source,
        })
}

fn insert(conn: &Connection, ind: &Indicator, sql: &str) -> Result<(), DisclosureError> {
    conn.execute_batch(sql)
        .map_err(|source| DisclosureError::Units {
            what: format!(
                "{} (an indicator with counts_persons = true gives each row its unit: \
                 `unit_id`, or `counted` in count_cells; see pipelines/{UNITS_SQL})",
                ind.path.display()
            ),
            source,
        })
}

const PROFILE_TABLE: &str = "create or replace temp table disclosure_profile_rows \
     (kind utinyint, indicator usmallint, unit ubigint, year smallint, row_hash ubigint)";

/// The statement that appends one indicator's profile rows, the kind and the indicator coded by
/// their index.
fn profile_rows(ind: &Indicator, kind: usize, index: usize) -> String {
    format!(
        "insert into disclosure_profile_rows \
         select {kind}, {index}, cast(unit_id as ubigint), cast(year as smallint), \
                cast(row_hash as ubigint) \
         from ({sql}) where year in (select year from report_years) and unit_id is not null",
        sql = ind.sql,
    )
}

/// The statement that makes `disclosure_representatives` (kind, unit, weight): one unit per
/// kind and profile, the smallest hash, with the number of units of the profile.
fn representatives(kinds: &[&str]) -> String {
    let names: Vec<String> = kinds
        .iter()
        .map(|k| format!("'{}'", k.replace('\'', "''")))
        .collect();
    format!(
        "create or replace temp table disclosure_representatives as
         with u as (
             select kind, unit, count(*) as rows,
                    sum(hash(indicator, year, row_hash))::hugeint as h_sum,
                    bit_xor(hash(row_hash, year, indicator, 'x')) as h_xor
             from disclosure_profile_rows group by kind, unit)
         select [{names}][kind + 1] as kind, min(unit) as unit, count(*) as weight
         from u group by kind, rows, h_sum, h_xor",
        names = names.join(", "),
    )
}

const UNIT_TABLE: &str = "create or replace temp table disclosure_units (kind varchar, \
     indicator varchar, unit ubigint, year integer, breakdown varchar, breakdown_value varchar, \
     part varchar, n bigint)";

/// The statement that appends one indicator's unit rows (of the representatives).
fn unit_rows(ind: &Indicator) -> String {
    format!(
        "insert into disclosure_units \
         select '{kind}', '{id}', cast(unit_id as ubigint), cast(year as integer), \
                cast(breakdown as varchar), coalesce(cast(breakdown_value as varchar), 'total'), \
                cast(part as varchar), cast(n as bigint) \
         from ({sql}) where year in (select year from report_years) and unit_id is not null",
        kind = kind_of(ind).replace('\'', "''"),
        id = ind.header.id.replace('\'', "''"),
        sql = ind.sql,
    )
}

/// The patterns of the representatives' unit rows in `disclosure_units`, each weighed by the
/// number of units it represents, one (kind, breakdown) at a time (blocks of different
/// breakdowns share no unit row); the order is that of one query over all (kind, breakdown,
/// value, terms).
fn patterns(conn: &Connection) -> Result<Microdata, duckdb::Error> {
    let mut blocks = conn.prepare(
        "select distinct kind, breakdown from disclosure_units order by kind, breakdown",
    )?;
    let blocks: Vec<(String, String)> = blocks
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "with u as (
             select kind, breakdown, breakdown_value, unit,
                    array_to_string(list_sort(list(indicator || chr(31) || year || chr(31) ||
                                                   part || chr(31) || n)), chr(30)) as terms
             from disclosure_units
             where kind = ? and breakdown = ?
             group by kind, breakdown, breakdown_value, unit)
         select u.kind, u.breakdown, u.breakdown_value, u.terms, sum(r.weight)::double as units
         from u join disclosure_representatives r on r.kind = u.kind and r.unit = u.unit
         group by all order by all",
    )?;
    let mut out = Microdata::default();
    for (kind, breakdown) in &blocks {
        let mut rows = stmt.query([kind, breakdown])?;
        while let Some(r) = rows.next()? {
            let terms: String = r.get(3)?;
            out.patterns.push(Pattern {
                kind: r.get(0)?,
                breakdown: r.get(1)?,
                value: r.get(2)?,
                terms: terms.split('\u{1e}').filter_map(parse_term).collect(),
                units: r.get(4)?,
            });
        }
    }
    Ok(out)
}

fn parse_term(text: &str) -> Option<(Term, f64)> {
    let mut f = text.split('\u{1f}');
    let indicator = f.next()?.to_string();
    let year = f.next()?.parse().ok()?;
    let part = match f.next()? {
        "value" => Part::Value,
        "numerator" => Part::Numerator,
        "denominator" => Part::Denominator,
        _ => return None,
    };
    let n = f.next()?.parse().ok()?;
    Some((
        Term {
            indicator,
            year,
            part,
        },
        n,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::Header;
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    fn pipelines() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines")
    }

    fn indicator(id: &str, units: &str, sql: &str) -> Indicator {
        let header: Header = toml::from_str(&format!(
            "id = \"{id}\"\ntitle = {{ kk = \"x\", ru = \"x\" }}\n\
             definition = {{ kk = \"x\", ru = \"x\" }}\nformula = \"x\"\nunit = \"count\"\n\
             breakdowns = [\"total\"]\nsources = [\"decisions\"]\ntopic = \"x\"\n\
             counts_persons = true\nunits = \"{units}\""
        ))
        .unwrap();
        Indicator {
            header,
            sql: sql.to_string(),
            path: PathBuf::from(format!("{id}.sql")),
        }
    }

    /// Decisions of 400 persons over two years, many alike, some with two decisions in
    /// different regions or levels; certificates of some of them, one revoked.
    fn connection() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "create table report_years as select * from (values (2025), (2026)) t(year)",
        )
        .unwrap();
        let shared = pipelines().join("shared").join("breakdowns.sql");
        conn.execute_batch(&std::fs::read_to_string(shared).unwrap())
            .unwrap();
        conn.execute_batch(
            "create table decisions as
             select 2025 + (i % 2) as year, 'R' || ((i * 7) % 3) as region,
                    1 + (i * 13) % 4 as nqf_level, (i * 31) % 5 <> 0 as passed,
                    'p' || (i % 400) as person_id, (i * 17) % 40 as days
             from range(700) t(i);
             create table denominators as
             select y.year, b.breakdown, b.breakdown_value, 1000 as denominator
             from report_years y, (values ('total', 'total'), ('region', 'R0'), ('region', 'R1'))
                  b(breakdown, breakdown_value);",
        )
        .unwrap();
        conn
    }

    fn indicators() -> Vec<Indicator> {
        vec![
            indicator(
                "pass_rate",
                "person",
                "with r as (select year, region, nqf_level, passed as in_numerator, \
                 person_id as unit_id from decisions) select * from share_cells('r')",
            ),
            indicator(
                "persons_passed",
                "person",
                "with r as (select year, region, person_id as counted from decisions \
                 where passed) select * from count_cells('r', 2025)",
            ),
            indicator(
                "median_days",
                "person",
                "with r as (select year, nqf_level, days as measure, person_id as unit_id \
                 from decisions) select * from median_cells('r')",
            ),
            // R2 has no denominator: its rows count in no cell.
            indicator(
                "per_1000",
                "person",
                "with r as (select year, region, person_id as unit_id from decisions \
                 where passed) select * from rate_cells('r', 'denominators', 1000.0)",
            ),
            indicator(
                "certificates_valid",
                "certificate",
                "with v as (select year, nqf_level, count(*) as cell_count, \
                 list('c' || person_id) as unit_ids from decisions where passed group by all) \
                 select * from tally_cells('v', 2025)",
            ),
        ]
    }

    /// The patterns of `inds` read through the profiles, and read from every unit one by one.
    fn both_ways(inds: &[Indicator]) -> (Microdata, Microdata) {
        let counting: Vec<&Indicator> = inds.iter().collect();
        let through_profiles = read(&connection(), inds, &pipelines()).unwrap();
        let conn = connection();
        read_profiles(&conn, &counting, &pipelines()).unwrap();
        let mut kinds: Vec<String> = inds.iter().map(|i| format!("'{}'", kind_of(i))).collect();
        kinds.sort();
        kinds.dedup();
        conn.execute_batch(&format!(
            "create or replace temp table disclosure_representatives as
             select distinct [{}][kind + 1] as kind, unit, 1 as weight
             from disclosure_profile_rows",
            kinds.join(", ")
        ))
        .unwrap();
        (
            through_profiles,
            read_units(&conn, &counting, &pipelines()).unwrap(),
        )
    }

    /// Patterns read through the profiles are those of every unit read one by one: a profile
    /// never joins units that count differently in some cell. Each macro alone (no other
    /// indicator's rows to tell its units apart), then all together.
    #[test]
    fn the_profiles_give_the_patterns_of_every_unit() {
        let all = indicators();
        for ind in &all {
            let (through_profiles, one_by_one) = both_ways(std::slice::from_ref(ind));
            assert_eq!(
                through_profiles.patterns, one_by_one.patterns,
                "{}",
                ind.header.id
            );
            assert!(through_profiles.read.profiles < through_profiles.read.units);
        }
        let (through_profiles, one_by_one) = both_ways(&all);
        assert_eq!(through_profiles.patterns, one_by_one.patterns);
        assert_eq!(one_by_one.read.units, through_profiles.read.units);
        assert!(through_profiles.read.profiles < through_profiles.read.units / 2);
        let blocks: BTreeSet<(&str, &str)> = one_by_one
            .patterns
            .iter()
            .map(|p| (p.kind.as_str(), p.breakdown.as_str()))
            .collect();
        assert_eq!(blocks.len(), 5, "{blocks:?}");
        // A decision in a region without a denominator counts in no per-1000 cell of it.
        assert!(
            !one_by_one
                .patterns
                .iter()
                .any(|p| p.value == "R2" && p.terms.iter().any(|(t, _)| t.indicator == "per_1000"))
        );
    }
}
