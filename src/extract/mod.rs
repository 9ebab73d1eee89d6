//! `nqs extract --year YEAR`: the research extract — recognition microdata for researchers under
//! statistical disclosure control, written to `output/<YEAR>/research/<table>.parquet` with its
//! record `extract.json`.
//!
//! What it is declared by: `pipelines/extract.toml` ([`Spec`]): the rows (DuckDB SQL over the
//! lake as the indicators see it, `getvariable('report_year')` being the year), the
//! quasi-identifiers with their recoding levels from finest to coarsest, k, and the columns kept
//! as they are.
//!
//! The method, after sdcMicro (Templ, Kowarik & Meindl, JSS 67(4), 2015): the quasi-identifiers
//! are declared in order of importance, most important first. Global recoding: every
//! quasi-identifier starts at its first level; while more than `max_local_suppression_share` of
//! the records sit in a combination of quasi-identifiers shared by fewer than `k` persons, the
//! one step to a coarser declared level that leaves the fewest such records is taken (on a tie,
//! the less important quasi-identifier's). Local suppression (sdcMicro's `localSuppression` with
//! its importance order): then, from the least important quasi-identifier to the most, its value
//! is withheld (empty) in the records still in such a combination. An empty value counts as a
//! category of its own, so a record matches at least k persons whatever an outsider knows. The
//! records still in a combination of fewer than `k` persons (every quasi-identifier withheld)
//! are left out and counted. Persons, not records, are counted: a person assessed twice in one
//! combination counts once.
//!
//! The person column is a pseudonym of this extract only: HMAC-SHA256 of the lake's pseudonym
//! under a key drawn at random for the extract and never kept ([`Pseudonymiser::ephemeral`]),
//! so an extract joins neither the lake nor another extract. Before anything is written, every
//! text column is checked to hold no 12-digit number (an IIN or a BIN) and none of the lake's
//! pseudonyms; the files are written beside their place and renamed into it.

use crate::outputs::OutputsError;
use crate::period::Period;
use crate::project::Project;
use crate::pseudonym::Pseudonymiser;
use duckdb::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};

pub mod spec;

pub use spec::{
    Column, DIR, PersonSpec, QuasiIdentifier, SPEC_FILE, Spec, SpecError, TableSpec, Wording,
};

/// The extract's record, beside its table.
pub const RECORD_FILE: &str = "extract.json";

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The declaration (`pipelines/extract.toml`) could not be read or is wrong.
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Disclosure(#[from] crate::disclosure::DisclosureError),
    #[error(transparent)]
    Connection(#[from] crate::connection::ConnectionError),
    #[error("describing the extract in the data dictionary")]
    Dictionary(#[source] crate::dictionary::DictionaryError),
    /// Any other output the refresh writes (none but the catalogue and the dictionary today).
    #[error(transparent)]
    Outputs(OutputsError),
    /// DuckDB refused a step; `step` says which (the rows' SQL, a level's expression, ...).
    #[error("{step}: {message}")]
    Duck { step: String, message: String },
    /// A text column would carry an identifier out of the lake.
    #[error(
        "column `{column}` of the extract holds {what}; it is not written (fix its declaration in {SPEC_FILE})"
    )]
    Identifying { column: String, what: &'static str },
    #[error("could not write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What `nqs extract` did; also written as `extract.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractSummary {
    pub year: i32,
    pub table: String,
    pub k: usize,
    /// Records selected by the rows' SQL.
    pub records_selected: u64,
    /// Records written.
    pub records_written: u64,
    /// Records left out because, with every quasi-identifier withheld, their combination was
    /// still shared by fewer than k persons.
    pub records_suppressed: u64,
    /// Distinct persons written.
    pub persons: u64,
    /// Distinct combinations of the quasi-identifiers written.
    pub combinations: u64,
    /// Persons in the smallest combination written (at least k, or 0 when nothing is written).
    pub smallest_combination: u64,
    /// The level each quasi-identifier was recoded to, and its local suppressions.
    pub quasi_identifiers: Vec<LevelChosen>,
    /// Per sensitive column, the combinations written in which every record has the same value
    /// (distinct l-diversity of 1: an outsider who places a person in one learns the value).
    /// Measured, for the decision to release, not enforced.
    pub homogeneous_combinations: std::collections::BTreeMap<String, u64>,
    /// The table, relative to the output folder.
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelChosen {
    pub name: String,
    /// 1 = the finest declared level.
    pub level: usize,
    pub levels: usize,
    /// The expression used.
    pub expression: String,
    /// Records whose value was withheld by local suppression.
    pub withheld: u64,
}

/// Writes the research extract of `period.year`: `output/<YEAR>/research/<table>.parquet` and
/// `extract.json`, then refreshes the catalogue (`output/nqs.duckdb`) so it has a view of it,
/// and the year's data dictionary and `datapackage.json` so they describe it.
///
/// Errors: the declaration's ([`Spec::load`]); the lake's ([`crate::connection::connect`]); DuckDB's
/// for a step of the declared SQL ([`ExtractError::Duck`]); [`ExtractError::Identifying`] when a
/// column would carry an IIN, a BIN or a lake pseudonym; [`ExtractError::Write`].
pub fn extract(project: &Project, period: &Period) -> Result<ExtractSummary, ExtractError> {
    let spec = Spec::load(project.pipelines())?;
    let conn = crate::connection::connect(project, period)?;
    let duck = |step: &str| {
        let step = step.to_string();
        move |e: duckdb::Error| ExtractError::Duck {
            step,
            message: e.to_string(),
        }
    };
    conn.execute_batch(&format!(
        "create temp table extract_rows as {}",
        spec.table.rows.trim().trim_end_matches(';')
    ))
    .map_err(duck("the rows' SQL ([table] rows)"))?;
    let selected: u64 = count(&conn, "select count(*) from extract_rows")
        .map_err(duck("the rows' SQL ([table] rows)"))?;

    let levels = recode_globally(&conn, &spec, selected)?;
    recode(&conn, &spec, &levels)?;
    let withheld = suppress_locally(&conn, &spec)?;

    let qis = quoted(&spec.quasi_identifier_names());
    let on = combination_match(&spec);
    conn.execute_batch(&format!(
        "create or replace temp table extract_kept as
         select r.* from extract_recoded r anti join ({}) s on {on}",
        small_combinations(&spec)
    ))
    .map_err(duck("suppressing records"))?;

    let pseudonyms = {
        let mut stmt = conn
            .prepare("select distinct person_id from extract_kept where person_id is not null")
            .map_err(duck("reading persons"))?;
        let ids: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(duck("reading persons"))?
            .collect::<Result<_, _>>()
            .map_err(duck("reading persons"))?;
        ids
    };
    let key = Pseudonymiser::ephemeral();
    conn.execute_batch(
        "create or replace temp table extract_pseudonyms (person_id varchar, person varchar)",
    )
    .map_err(duck("pseudonyms"))?;
    {
        let mut app = conn
            .appender("extract_pseudonyms")
            .map_err(duck("pseudonyms"))?;
        for id in &pseudonyms {
            app.append_row([id.as_str(), key.pseudonym(id).as_str()])
                .map_err(duck("pseudonyms"))?;
        }
        app.flush().map_err(duck("pseudonyms"))?;
    }
    let kept_columns = quoted(
        &spec
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
    );
    let rest = if kept_columns.is_empty() {
        String::new()
    } else {
        format!(", {kept_columns}")
    };
    let person = format!("\"{}\"", spec.person.name);
    conn.execute_batch(&format!(
        "create or replace temp table extract_out as
         select p.person as {person}, {qis}{rest}
         from extract_kept k left join extract_pseudonyms p using (person_id)
         order by {qis}{rest}, {person}"
    ))
    .map_err(duck("writing the extract"))?;
    check_identifying(&conn)?;

    let summary_sql = format!(
        "select count(*)::ubigint, count(distinct {person})::ubigint,
                (select count(*) from (select 1 from extract_out group by {qis}))::ubigint,
                coalesce((select min(n) from (select count(distinct {person}) as n
                          from extract_out group by {qis})), 0)::ubigint
         from extract_out"
    );
    let (written, persons, combinations, smallest): (u64, u64, u64, u64) = conn
        .query_row(&summary_sql, [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .map_err(duck("counting the extract"))?;

    let mut homogeneous = std::collections::BTreeMap::new();
    for name in &spec.sensitive {
        let n = count(
            &conn,
            &format!(
                "select count(*)::ubigint from (select 1 from extract_out group by {qis}
                 having count(distinct \"{name}\") = 1 and count(\"{name}\") = count(*))"
            ),
        )
        .map_err(duck("measuring l-diversity"))?;
        homogeneous.insert(name.clone(), n);
    }

    let dir = project.year_dir(period.year).join(DIR);
    std::fs::create_dir_all(&dir).map_err(|source| ExtractError::Write {
        path: dir.clone(),
        source,
    })?;
    let file = dir.join(format!("{}.parquet", spec.table.name));
    let tmp = crate::atomic::prepare(&file).map_err(|source| ExtractError::Write {
        path: file.clone(),
        source,
    })?;
    // The schema version every published Parquet file carries (see the dictionary).
    conn.execute_batch(&format!(
        "copy extract_out to '{}' (format parquet, compression zstd, \
         kv_metadata {{nqs_schema_version: '{}'}})",
        tmp.to_string_lossy().replace('\'', "''"),
        crate::indicators::SCHEMA_VERSION
    ))
    .map_err(duck("writing the extract"))?;
    drop(conn);
    replace(&tmp, &file)?;

    let summary = ExtractSummary {
        year: period.year,
        table: spec.table.name.clone(),
        k: spec.k,
        records_selected: selected,
        records_written: written,
        records_suppressed: selected - written,
        persons,
        combinations,
        smallest_combination: smallest,
        quasi_identifiers: spec
            .quasi_identifiers
            .iter()
            .zip(&levels)
            .zip(&withheld)
            .map(|((q, &l), &w)| LevelChosen {
                name: q.name.clone(),
                level: l + 1,
                levels: q.levels.len(),
                expression: q.levels[l].clone(),
                withheld: w,
            })
            .collect(),
        homogeneous_combinations: homogeneous,
        file: format!("{}/{DIR}/{}.parquet", period.year, spec.table.name),
    };
    let record = dir.join(RECORD_FILE);
    let text = serde_json::to_string_pretty(&summary).expect("the summary serialises") + "\n";
    crate::atomic::write_atomic(&record, text.as_bytes()).map_err(|source| {
        ExtractError::Write {
            path: record.clone(),
            source,
        }
    })?;
    // The catalogue and the dictionary describe the extract from now on.
    crate::outputs::refresh(project, period.year).map_err(refresh_error)?;
    Ok(summary)
}

/// A failed refresh as the extract has always said it: the catalogue's as a DuckDB step, the
/// dictionary's as describing the extract.
fn refresh_error(e: OutputsError) -> ExtractError {
    match e {
        OutputsError::Catalogue(e) => ExtractError::Duck {
            step: "refreshing the catalogue".into(),
            message: e.to_string(),
        },
        OutputsError::Dictionary(e) => ExtractError::Dictionary(e),
        other => ExtractError::Outputs(other),
    }
}

/// `extract_recoded`: the person, each quasi-identifier at its level and the kept columns.
fn recode(conn: &Connection, spec: &Spec, levels: &[usize]) -> Result<(), ExtractError> {
    let mut select = vec!["person_id".to_string()];
    for (q, &l) in spec.quasi_identifiers.iter().zip(levels) {
        let expr = q
            .levels
            .get(l)
            .map_or_else(|| "null".to_string(), |e| format!("({e})"));
        select.push(format!("cast({expr} as varchar) as \"{}\"", q.name));
    }
    for c in &spec.columns {
        select.push(format!("({}) as \"{}\"", c.sql, c.name));
    }
    conn.execute_batch(&format!(
        "create or replace temp table extract_recoded as select {} from extract_rows",
        select.join(", ")
    ))
    .map_err(|e| ExtractError::Duck {
        step: format!(
            "a quasi-identifier's level or a column's SQL (levels {})",
            levels
                .iter()
                .zip(&spec.quasi_identifiers)
                .map(|(l, q)| format!("{} {}", q.name, l + 1))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        message: e.to_string(),
    })
}

/// The combinations of `extract_recoded` shared by fewer than k persons, with their records.
fn small_combinations(spec: &Spec) -> String {
    let qis = quoted(&spec.quasi_identifier_names());
    format!(
        "select {qis}, count(*) as records from extract_recoded group by {qis}
         having count(distinct person_id) < {}",
        spec.k
    )
}

/// Global recoding: the level of each quasi-identifier (0 = its first), coarsened step by step
/// until at most `max_local_suppression_share` of the `selected` records are left in
/// combinations of fewer than k persons, or no coarser declared level is left.
fn recode_globally(
    conn: &Connection,
    spec: &Spec,
    selected: u64,
) -> Result<Vec<usize>, ExtractError> {
    let budget = spec.max_local_suppression_share * selected as f64;
    let mut levels = vec![0usize; spec.quasi_identifiers.len()];
    let mut violating = violating_records(conn, spec, &levels)?;
    while violating as f64 > budget {
        // The step that leaves the fewest records to suppress; on a tie, the later declared
        // (less important) quasi-identifier's.
        let mut best: Option<(u64, usize)> = None;
        for (i, q) in spec.quasi_identifiers.iter().enumerate() {
            if levels[i] + 1 >= q.levels.len() {
                continue;
            }
            let mut trial = levels.clone();
            trial[i] += 1;
            let v = violating_records(conn, spec, &trial)?;
            if best.is_none_or(|(b, _)| v <= b) {
                best = Some((v, i));
            }
        }
        let Some((v, i)) = best else { break };
        levels[i] += 1;
        violating = v;
    }
    Ok(levels)
}

/// The records of `extract_recoded` at `levels` in combinations shared by fewer than k persons
/// (`extract_recoded` is left at `levels`).
fn violating_records(
    conn: &Connection,
    spec: &Spec,
    levels: &[usize],
) -> Result<u64, ExtractError> {
    recode(conn, spec, levels)?;
    count(
        conn,
        &format!(
            "select coalesce(sum(records), 0)::ubigint from ({})",
            small_combinations(spec)
        ),
    )
    .map_err(|e| ExtractError::Duck {
        step: "counting persons per combination".into(),
        message: e.to_string(),
    })
}

/// `r` and `s` hold the same combination, an empty value matching only an empty value.
fn combination_match(spec: &Spec) -> String {
    spec.quasi_identifier_names()
        .iter()
        .map(|q| format!("r.\"{q}\" is not distinct from s.\"{q}\""))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Local suppression: from the least important quasi-identifier to the most, withholds its
/// value in the records still in a combination of fewer than k persons. Returns, per
/// quasi-identifier in declared order, the records whose value it withheld.
fn suppress_locally(conn: &Connection, spec: &Spec) -> Result<Vec<u64>, ExtractError> {
    let on = combination_match(spec);
    let mut withheld = vec![0; spec.quasi_identifiers.len()];
    for (i, q) in spec.quasi_identifiers.iter().enumerate().rev() {
        let n = conn
            .execute(
                &format!(
                    "update extract_recoded r set \"{0}\" = null from ({1}) s
                     where {on} and r.\"{0}\" is not null",
                    q.name,
                    small_combinations(spec)
                ),
                [],
            )
            .map_err(|e| ExtractError::Duck {
                step: format!("withholding {} locally", q.name),
                message: e.to_string(),
            })?;
        withheld[i] = n as u64;
    }
    Ok(withheld)
}

/// Refuses an extract whose text columns hold a 12-digit number (an IIN or BIN) or a lake
/// pseudonym.
fn check_identifying(conn: &Connection) -> Result<(), ExtractError> {
    let mut stmt = conn
        .prepare("select column_name, column_type from (describe extract_out)")
        .map_err(|e| ExtractError::Duck {
            step: "describing the extract".into(),
            message: e.to_string(),
        })?;
    let columns: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(|e| ExtractError::Duck {
            step: "describing the extract".into(),
            message: e.to_string(),
        })?;
    for (column, ty) in columns {
        if ty != "VARCHAR" {
            continue;
        }
        let q = format!("\"{column}\"");
        let checks: [(&str, String); 2] = [
            (
                "12-digit numbers (IINs or BINs)",
                format!(
                    "select count(*)::ubigint from extract_out where regexp_matches({q}, '(^|[^0-9])[0-9]{{12}}([^0-9]|$)')"
                ),
            ),
            (
                "the lake's pseudonyms",
                format!(
                    "select count(*)::ubigint from extract_out where {q} in (select person_id from extract_rows)"
                ),
            ),
        ];
        for (what, sql) in checks {
            let n = count(conn, &sql).map_err(|e| ExtractError::Duck {
                step: "checking for identifiers".into(),
                message: e.to_string(),
            })?;
            if n > 0 {
                return Err(ExtractError::Identifying { column, what });
            }
        }
    }
    Ok(())
}

fn count(conn: &Connection, sql: &str) -> Result<u64, duckdb::Error> {
    conn.query_row(sql, [], |r| r.get::<_, u64>(0))
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Renames `tmp` over `path` after syncing it, then syncs the folder, so a reader sees the
/// old file or the new one, never half of one.
fn replace(tmp: &Path, path: &Path) -> Result<(), ExtractError> {
    let write = |p: &Path| {
        let p = p.to_path_buf();
        move |source| ExtractError::Write { path: p, source }
    };
    crate::atomic::rename_durable(tmp, path).map_err(write(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        toml::from_str(
            r#"
k = 3
max_local_suppression_share = 0.0
[table]
name = "t"
title = { kk = "", ru = "", en = "" }
description = { kk = "", ru = "", en = "" }
rows = "select 1"
[person]
name = "person"
description = { kk = "", ru = "", en = "" }
[[quasi_identifier]]
name = "sex"
levels = ["sex"]
description = { kk = "", ru = "", en = "" }
[[quasi_identifier]]
name = "region"
levels = ["region", "left(region, 1)"]
description = { kk = "", ru = "", en = "" }
"#,
        )
        .unwrap()
    }

    fn rows(conn: &Connection, select: &str) {
        conn.execute_batch(&format!("create temp table extract_rows as {select}"))
            .unwrap();
    }

    fn small(conn: &Connection, spec: &Spec) -> u64 {
        count(
            conn,
            &format!("select count(*) from ({})", small_combinations(spec)),
        )
        .unwrap()
    }

    #[test]
    fn recodes_until_every_combination_holds_k_persons() {
        let conn = Connection::open_in_memory().unwrap();
        // Regions 11, 12, 21, 22 have 4 persons each, 2 of each sex: by sex and exact region,
        // 2 persons (< 3); by first digit, 4.
        rows(
            &conn,
            "select 'p' || i as person_id, ['11','12','21','22'][i % 4 + 1] as region,
                    case when i < 8 then 'M' else 'F' end as sex
             from range(16) t(i)",
        );
        let levels = recode_globally(&conn, &spec(), 16).unwrap();
        assert_eq!(levels, vec![0, 1]);
        recode(&conn, &spec(), &levels).unwrap();
        assert_eq!(small(&conn, &spec()), 0);
        assert_eq!(suppress_locally(&conn, &spec()).unwrap(), vec![0, 0]);
    }

    #[test]
    fn stops_early_within_the_local_suppression_budget() {
        let conn = Connection::open_in_memory().unwrap();
        // 30 persons in region 11, one in region 12: one record of 31 violates.
        rows(
            &conn,
            "select 'p' || i as person_id, case when i = 0 then '12' else '11' end as region,
                    'M' as sex from range(31) t(i)",
        );
        let mut s = spec();
        s.max_local_suppression_share = 0.05;
        let levels = recode_globally(&conn, &s, 31).unwrap();
        assert_eq!(levels, vec![0, 0], "one record in 31 is within 5 %");
        recode(&conn, &s, &levels).unwrap();
        // The least important (region) is withheld in that record; then the withheld record
        // is alone in its combination (1 < 3), so sex is withheld too, and the record is left
        // in the all-empty combination of one person.
        assert_eq!(suppress_locally(&conn, &s).unwrap(), vec![1, 1]);
        assert_eq!(small(&conn, &s), 1);
    }

    #[test]
    fn withholds_the_least_important_first() {
        let conn = Connection::open_in_memory().unwrap();
        // Three persons per region, each of a different sex mix: sex alone holds 6 of each,
        // region alone 3 each, together 1 or 2.
        rows(
            &conn,
            "select 'p' || i as person_id, ['11','22','33','44'][i % 4 + 1] as region,
                    case when i < 6 then 'M' else 'F' end as sex from range(12) t(i)",
        );
        let mut s = spec();
        s.quasi_identifiers[1].levels.truncate(1);
        let levels = recode_globally(&conn, &s, 12).unwrap();
        assert_eq!(levels, vec![0, 0], "no coarser level is declared");
        recode(&conn, &s, &levels).unwrap();
        let withheld = suppress_locally(&conn, &s).unwrap();
        // Region (declared last) is withheld in every record; sex then holds 6 per value.
        assert_eq!(withheld, vec![0, 12]);
        assert_eq!(small(&conn, &s), 0);
    }

    #[test]
    fn counts_persons_not_records() {
        let conn = Connection::open_in_memory().unwrap();
        // One person assessed five times in one region: five records, one person.
        rows(
            &conn,
            "select 'p' as person_id, '11' as region, 'M' as sex from range(5)",
        );
        recode(&conn, &spec(), &[0, 0]).unwrap();
        assert_eq!(
            small(&conn, &spec()),
            1,
            "five records of one person are one person"
        );
    }
}
