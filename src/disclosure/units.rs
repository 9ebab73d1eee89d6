//! The statistical units behind every published person count: the microdata the suppression
//! model is built from (as `GaussSuppressionFromData` builds its model matrix, Langsrud 2024).
//!
//! After the indicators are computed, the cell macros of `pipelines/shared/breakdowns.sql` are
//! replaced by the ones in `pipelines/disclosure.sql`, and the SQL of every indicator with
//! `counts_persons = true` runs once more: it then returns, for every published quantity
//! (indicator × year × breakdown × value × part), which unit counts in it how many times. Units
//! are grouped by *pattern*: within one breakdown value (a *block*: region 710000000, NQF level
//! 3, the national total), the list of (indicator, year, part, n) the unit counts in. Shape:
//! one [`Pattern`] per kind of unit × breakdown × value × distinct list, with the number of
//! units that have it. No unit identity leaves this module: only the patterns and their counts.

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
}

/// Reads the units of every person-counting indicator. `sql` is `pipelines/disclosure.sql`; it
/// redefines the cell macros on `conn`, so `conn` must not compute indicators afterwards.
///
/// Errors: an indicator whose rows give no `unit_id` (or `counted`), or a query that fails.
pub fn read(
    conn: &Connection,
    indicators: &[Indicator],
    sql_path: &Path,
) -> Result<Microdata, DisclosureError> {
    let sql = std::fs::read_to_string(sql_path).map_err(|source| DisclosureError::Io {
        path: sql_path.to_path_buf(),
        source,
    })?;
    let setup_err = |source| DisclosureError::Units {
        what: sql_path.display().to_string(),
        source,
    };
    conn.execute_batch(&sql).map_err(setup_err)?;
    conn.execute_batch(
        "create or replace temp table disclosure_units (kind varchar, indicator varchar, \
         unit_id varchar, year integer, breakdown varchar, breakdown_value varchar, \
         part varchar, n bigint)",
    )
    .map_err(setup_err)?;
    for ind in indicators.iter().filter(|i| i.header.counts_persons) {
        let kind = ind.header.units.as_deref().unwrap_or(DEFAULT_KIND);
        let insert = format!(
            "insert into disclosure_units \
             select '{kind}', '{id}', cast(unit_id as varchar), cast(year as integer), \
                    cast(breakdown as varchar), coalesce(cast(breakdown_value as varchar), 'total'), \
                    cast(part as varchar), cast(n as bigint) \
             from ({sql}) where year in (select year from report_years) and unit_id is not null",
            kind = kind.replace('\'', "''"),
            id = ind.header.id.replace('\'', "''"),
            sql = ind.sql,
        );
        conn.execute_batch(&insert)
            .map_err(|source| DisclosureError::Units {
                what: format!(
                    "{} (an indicator with counts_persons = true gives each row its unit: \
                     `unit_id`, or `counted` in count_cells; see pipelines/disclosure.sql)",
                    ind.path.display()
                ),
                source,
            })?;
    }
    patterns(conn).map_err(setup_err)
}

/// The patterns of the units read into `disclosure_units`, one (kind, breakdown) at a time.
///
/// At national scale the table holds tens of millions of rows, and a unit's terms are gathered
/// by an unordered `list` sorted afterwards: an ordered aggregate (`string_agg(… order by …)`)
/// keeps a sort per unit and needed more than 11 GiB for the two-year national set. Blocks of
/// different breakdowns share no unit row, so each (kind, breakdown) is grouped on its own; the
/// order is that of one query over all (kind, breakdown, value, terms).
fn patterns(conn: &Connection) -> Result<Microdata, duckdb::Error> {
    let mut blocks = conn.prepare(
        "select distinct kind, breakdown from disclosure_units order by kind, breakdown",
    )?;
    let blocks: Vec<(String, String)> = blocks
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "with u as (
             select kind, breakdown, breakdown_value,
                    array_to_string(list_sort(list(indicator || chr(31) || year || chr(31) ||
                                                   part || chr(31) || n)), chr(30)) as terms
             from disclosure_units
             where kind = ? and breakdown = ?
             group by kind, breakdown, breakdown_value, unit_id)
         select kind, breakdown, breakdown_value, terms, count(*)::double as units
         from u group by all order by all",
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
