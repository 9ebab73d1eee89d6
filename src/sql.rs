//! DuckDB over the lake: every source becomes a view of the same name, so analysts and later
//! stages write plain SQL (`select region, count(*) from recognition_results group by 1`).

use duckdb::Connection;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("DuckDB reported an error")]
    Duck(#[from] duckdb::Error),
    #[error("the lake at {0} holds no data yet: run `nqs ingest` first")]
    EmptyLake(String),
    #[error(transparent)]
    Layout(#[from] crate::lake::LakeError),
}

/// An in-memory DuckDB with one view per lake source and `quarantine` over all sources'
/// quarantined rows (`output/quarantine/`, beside the lake).
///
/// Errors: [`SqlError::EmptyLake`]; a lake in the earlier layout is refused
/// ([`crate::lake::LakeError::OldLayout`], naming the commands that upgrade it).
pub fn open_lake(lake: &Path) -> Result<Connection, SqlError> {
    crate::lake::check_layout(lake)?;
    let conn = Connection::open_in_memory()?;
    let quarantine = crate::lake::quarantine_dir(lake);
    let any_quarantine = std::fs::read_dir(&quarantine).is_ok_and(|d| {
        d.flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "parquet"))
    });
    if any_quarantine {
        let glob = quarantine.join("*.parquet");
        let glob = glob.to_string_lossy().replace('\'', "''");
        conn.execute_batch(&format!(
            "create view quarantine as select * from read_parquet('{glob}', union_by_name = true)"
        ))?;
    }
    let mut any = false;
    let mut entries: Vec<_> = std::fs::read_dir(lake)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for dir in entries {
        let Some(name) = dir.file_name().map(|n| n.to_string_lossy().to_string()) else {
            continue;
        };
        if !dir.is_dir() || name.starts_with('.') {
            continue;
        }
        let glob = dir.join("**").join("*.parquet");
        let glob = glob.to_string_lossy().replace('\'', "''");
        if name.starts_with('_') || !is_identifier(&name) {
            continue;
        }
        // The partition folders carry no `key=value` (`2024/03/`); Hive partitioning stays off
        // so that a folder above the lake named like one adds no column either.
        conn.execute_batch(&format!(
            "create view \"{name}\" as select * from read_parquet('{glob}', hive_partitioning = false)"
        ))?;
        any = true;
    }
    if !any {
        return Err(SqlError::EmptyLake(lake.display().to_string()));
    }
    Ok(conn)
}

/// Whether a table or view of that name exists.
pub fn relation_exists(conn: &Connection, name: &str) -> Result<bool, SqlError> {
    let n: i64 = conn.query_row(
        "select count(*) from information_schema.tables where table_name = ?",
        [name],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

fn is_identifier(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Runs a query and returns the header and rows as text, for printing.
pub fn query_text(
    conn: &Connection,
    sql: &str,
) -> Result<(Vec<String>, Vec<Vec<String>>), SqlError> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let mut header = Vec::new();
    while let Some(row) = rows.next()? {
        if header.is_empty() {
            let stmt = row.as_ref();
            header = (0..stmt.column_count())
                .map(|i| {
                    stmt.column_name(i)
                        .map(|s| s.to_string())
                        .unwrap_or_default()
                })
                .collect();
        }
        let mut cells = Vec::with_capacity(header.len());
        for i in 0..header.len() {
            let v: duckdb::types::Value = row.get(i)?;
            cells.push(value_text(&v));
        }
        out.push(cells);
    }
    Ok((header, out))
}

fn value_text(v: &duckdb::types::Value) -> String {
    use duckdb::types::Value as V;
    match v {
        V::Null => String::new(),
        V::Boolean(b) => b.to_string(),
        V::TinyInt(i) => i.to_string(),
        V::SmallInt(i) => i.to_string(),
        V::Int(i) => i.to_string(),
        V::BigInt(i) => i.to_string(),
        V::HugeInt(i) => i.to_string(),
        V::UTinyInt(i) => i.to_string(),
        V::USmallInt(i) => i.to_string(),
        V::UInt(i) => i.to_string(),
        V::UBigInt(i) => i.to_string(),
        V::Float(f) => f.to_string(),
        V::Double(f) => f.to_string(),
        V::Text(s) => s.clone(),
        // Days since 1970-01-01, negative before it.
        V::Date32(d) => chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::days(i64::from(*d))))
            .map_or_else(|| format!("{v:?}"), |d| d.to_string()),
        V::Timestamp(unit, t) => chrono::DateTime::from_timestamp_micros(unit.to_micros(*t))
            .map_or_else(|| format!("{v:?}"), |t| t.naive_utc().to_string()),
        V::List(items) => items.iter().map(value_text).collect::<Vec<_>>().join("|"),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps_print_on_both_sides_of_1970() {
        let conn = Connection::open_in_memory().unwrap();
        let (_, rows) = query_text(
            &conn,
            "select date '1965-03-01', date '2026-10-05', date '0026-10-05', \
             timestamp '1965-03-01 10:30:00', timestamp '2026-10-05 00:00:00'",
        )
        .unwrap();
        assert_eq!(
            rows[0],
            vec![
                "1965-03-01",
                "2026-10-05",
                "0026-10-05",
                "1965-03-01 10:30:00",
                "2026-10-05 00:00:00"
            ]
        );
    }
}
