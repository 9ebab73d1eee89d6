//! `nqs query` and the catalogue file on the committed sample: every format read back with its
//! own reader, a bad query, the lake kept out of the default scope, and `nqs.duckdb` opened by
//! Python's `duckdb` from a copy of the output folder.

use crate::common::*;
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One ingest, one run and one research extract of the sample for every test in this file.
fn output() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = sample_output("query", &[2026]);
        let o = nqs(&dir, &["extract", "--year", "2026"]);
        assert!(o.status.success(), "{}", stderr(&o));
        dir
    })
}

const TOTALS: &str = "select indicator_id, year, value, conf_status from indicators \
                      where breakdown = 'total' order by indicator_id, year";

/// The published table itself, for comparison: (indicator, year) -> value of the totals.
fn published_totals() -> Vec<(String, i64, Option<f64>)> {
    let df = read_parquet(&output().join("2026/indicators.parquet"))
        .lazy()
        .filter(col("breakdown").eq(lit("total")))
        .sort(["indicator_id", "year"], Default::default())
        .collect()
        .unwrap();
    let ids = strs(&df, "indicator_id");
    let years = df.column("year").unwrap().cast(&DataType::Int64).unwrap();
    let values = df.column("value").unwrap().f64().unwrap().clone();
    (0..df.height())
        .map(|i| {
            (
                ids[i].clone().unwrap(),
                years.i64().unwrap().get(i).unwrap(),
                values.get(i),
            )
        })
        .collect()
}

fn query(args: &[&str]) -> std::process::Output {
    let mut all = vec!["query"];
    all.extend_from_slice(args);
    nqs(output(), &all)
}

#[test]
fn csv_lists_the_published_totals() {
    let o = query(&[TOTALS, "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["indicator_id", "year", "value", "conf_status"]
    );
    let got: Vec<(String, i64, Option<f64>)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].parse().unwrap(), r[2].parse().ok())
        })
        .collect();
    let expected = published_totals();
    assert!(expected.len() > 50, "{} totals", expected.len());
    assert_eq!(got, expected);
}

#[test]
fn json_is_an_array_of_objects() {
    let o = query(&[TOTALS, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v.as_array().unwrap();
    let expected = published_totals();
    assert_eq!(rows.len(), expected.len());
    for (row, (id, year, value)) in rows.iter().zip(&expected) {
        assert_eq!(row["indicator_id"], id.as_str());
        assert_eq!(row["year"].as_i64(), Some(*year));
        // serde_json's default parser may land a few units in the last place off (it is
        // not built with float_roundtrip here); nqs prints the shortest round-trip text.
        match (row["value"].as_f64(), value) {
            (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-14 * b.abs().max(1.0), "{a} {b}"),
            (a, b) => assert_eq!(a, *b),
        }
    }
}

#[test]
fn parquet_reads_back_with_polars() {
    let file = output().join("totals.parquet");
    let o = query(&[
        TOTALS,
        "--format",
        "parquet",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let df = read_parquet(&file);
    let expected = published_totals();
    assert_eq!(df.height(), expected.len());
    let values = df.column("value").unwrap().f64().unwrap();
    for (i, (_, _, v)) in expected.iter().enumerate() {
        assert_eq!(values.get(i), *v);
    }
    // Without a file, a binary format is refused with a hint, not written to the terminal.
    let o = query(&[TOTALS, "--format", "parquet"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
}

#[test]
fn xlsx_holds_numbers_as_numbers_and_formulas_as_text() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let file = output().join("totals.xlsx");
    let sql =
        format!("select *, '=HYPERLINK(\"http://example.org\", \"x\")' as note from ({TOTALS})");
    let o = query(&[&sql, "--format", "xlsx", "--out", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let sheet = book.worksheet_range("query").unwrap();
    let expected = published_totals();
    assert_eq!(sheet.height(), expected.len() + 1);
    for (i, (id, year, value)) in expected.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(sheet.get_value((row, 0)), Some(&Data::String(id.clone())));
        assert_eq!(sheet.get_value((row, 1)), Some(&Data::Float(*year as f64)));
        match value {
            Some(v) => assert_eq!(sheet.get_value((row, 2)), Some(&Data::Float(*v))),
            None => assert!(matches!(
                sheet.get_value((row, 2)),
                None | Some(Data::Empty)
            )),
        }
        assert!(
            matches!(sheet.get_value((row, 4)), Some(Data::String(s)) if s.starts_with("=HYPERLINK"))
        );
    }
    let formulas = book.worksheet_formula("query").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell holds a formula"
    );
}

#[test]
fn table_is_aligned_text() {
    let o = query(&[
        "select indicator_id, value from indicators where breakdown = 'total' and indicator_id = 'candidates_assessed' order by year",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1].contains("indicator_id") && lines[1].contains("value"),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .filter(|l| l.contains("candidates_assessed"))
            .count()
            >= 2,
        "{text}"
    );
    let width = lines[0].chars().count();
    assert!(
        lines
            .iter()
            .filter(|l| !l.is_empty())
            .all(|l| l.chars().count() == width),
        "{text}"
    );
}

#[test]
fn a_bad_query_prints_duckdbs_message_and_exits_1() {
    for sql in [
        "select no_such_column from indicators",
        "selec 1",
        "select * from recognition_results",
    ] {
        let o = query(&[sql]);
        assert_eq!(o.status.code(), Some(1), "{sql}");
        let err = stderr(&o);
        assert!(err.contains("Error"), "{sql}: {err}");
        assert!(!err.contains("panicked"), "{sql}: {err}");
    }
    // The lake (pseudonymised microdata) is not in the default scope; --lake adds it.
    let o = query(&["select * from recognition_results limit 1"]);
    assert!(stderr(&o).contains("recognition_results"), "{}", stderr(&o));
    let o = query(&[
        "select count(*) as n from recognition_results",
        "--lake",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).lines().nth(1).unwrap().parse::<u64>().unwrap() > 1000);
}

#[test]
fn the_catalogue_opens_in_python_duckdb_from_a_copy_of_the_output_folder() {
    let copy = std::env::temp_dir().join(format!("nqs-query-copy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy).unwrap();
    // What is published: the year folders and the catalogue (not the lake).
    std::fs::copy(output().join("nqs.duckdb"), copy.join("nqs.duckdb")).unwrap();
    copy_tree(&output().join("2026"), &copy.join("2026"));
    let script = r#"
import duckdb, json
con = duckdb.connect("nqs.duckdb", read_only=True)
views = [r[0] for r in con.execute("select view_name from duckdb_views() where not internal and schema_name = 'main' order by 1").fetchall()]
counts = {v: con.execute(f'select count(*) from "{v}"').fetchone()[0] for v in views}
# The lake's views are there too, but the copy holds no lake: they find no files.
lake = [r[0] for r in con.execute("select view_name from duckdb_views() where schema_name = 'lake' order by 1").fetchall()]
try:
    con.execute("select count(*) from lake.recognition_results").fetchone()
    lake_readable = True
except duckdb.Error:
    lake_readable = False
total = con.execute("select value from indicators where indicator_id = 'candidates_assessed' and breakdown = 'total' and year = 2026").fetchone()[0]
print(json.dumps({"views": counts, "candidates_assessed": total, "lake": lake, "lake_readable": lake_readable}))
"#;
    let py = python();
    let o = std::process::Command::new(&py)
        .args(["-c", script])
        .current_dir(&copy)
        .output()
        .unwrap_or_else(|e| panic!("{} (run `make setup`): {e}", py.display()));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let views = v["views"].as_object().unwrap();
    assert_eq!(
        views.keys().collect::<Vec<_>>(),
        ["findings", "indicators", "recognitions"],
        "{v}"
    );
    assert!(views.values().all(|n| n.as_u64().unwrap() > 0), "{v}");
    let lake = v["lake"].as_array().unwrap();
    assert!(
        lake.iter().any(|s| s == "recognition_results") && lake.iter().any(|s| s == "quarantine"),
        "{v}"
    );
    assert_eq!(v["lake_readable"], false, "{v}");
    let expected = published_totals()
        .into_iter()
        .find(|(id, y, _)| id == "candidates_assessed" && *y == 2026)
        .and_then(|(_, _, v)| v);
    assert_eq!(v["candidates_assessed"].as_f64(), expected);
    let _ = std::fs::remove_dir_all(&copy);
}

/// Dates, timestamps and booleans of every kind a query gives, read back by openpyxl.
const TYPED: &str = "select * from (values \
    (1, date '2022-01-28', timestamp '2022-01-28 13:45:30', true, date '1850-06-01'), \
    (2, date '2026-12-31', timestamp '2026-12-31 00:00:00', false, null), \
    (3, null, null, null, date '2024-02-29')) v(n, d, ts, flag, old) order by n";

#[test]
fn xlsx_writes_dates_and_timestamps_as_excel_dates_and_booleans_as_booleans() {
    let file = output().join("typed.xlsx");
    let o = query(&[TYPED, "--format", "xlsx", "--out", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let script = r#"
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["query"]
print(json.dumps([[{"type": type(c.value).__name__, "value": str(c.value), "is_date": c.is_date, "format": c.number_format} for c in row] for row in ws.iter_rows(min_row=2)]))
"#;
    let o = std::process::Command::new(python())
        .args(["-c", script])
        .arg(&file)
        .output()
        .expect("the test venv's python runs (scripts/setup.sh)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cell = |r: usize, c: usize| &rows[r][c];
    // A date is a datetime cell (openpyxl has no date-only cell) at midnight, formatted as a day.
    assert_eq!(cell(0, 1)["type"], "datetime", "{rows}");
    assert_eq!(cell(0, 1)["value"], "2022-01-28 00:00:00");
    assert_eq!(cell(0, 1)["is_date"], true);
    assert_eq!(cell(0, 1)["format"], "yyyy-mm-dd");
    assert_eq!(cell(0, 2)["type"], "datetime");
    assert_eq!(cell(0, 2)["value"], "2022-01-28 13:45:30");
    assert_eq!(cell(0, 2)["format"], "yyyy-mm-dd hh:mm:ss");
    assert_eq!(cell(1, 1)["value"], "2026-12-31 00:00:00");
    assert_eq!(cell(1, 2)["value"], "2026-12-31 00:00:00");
    assert_eq!(cell(0, 3)["type"], "bool");
    assert_eq!(cell(0, 3)["value"], "True");
    assert_eq!(cell(1, 3)["type"], "bool");
    assert_eq!(cell(1, 3)["value"], "False");
    // Nulls are empty cells; a day before Excel's first (1900) stays its ISO text.
    for c in 1..4 {
        assert_eq!(cell(2, c)["type"], "NoneType", "{rows}");
    }
    assert_eq!(cell(0, 4)["type"], "str");
    assert_eq!(cell(0, 4)["value"], "1850-06-01");
    assert_eq!(cell(2, 4)["value"], "2024-02-29 00:00:00");
}

#[test]
fn json_keeps_the_column_order_and_writes_integers_beyond_2_53_as_strings() {
    let sql = "select 'x' as zeta, 9007199254740993::bigint as big, -9007199254740993::bigint as neg, \
               9007199254740992::bigint as edge, 18446744073709551615::ubigint as ubig, \
               sum(v) as total, 1 as alpha from (values (9007199254740993::bigint), (1)) t(v)";
    let o = query(&[sql, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let object = text.lines().nth(1).unwrap();
    assert_eq!(
        object,
        r#"{"zeta":"x","big":"9007199254740993","neg":"-9007199254740993","edge":9007199254740992,"ubig":"18446744073709551615","total":"9007199254740994","alpha":1}"#
    );
    // The published totals still come in the columns' order.
    let o = query(&[TOTALS, "--format", "json"]);
    let first = stdout(&o).lines().nth(1).unwrap().to_string();
    let keys: Vec<&str> = ["indicator_id", "year", "value", "conf_status"]
        .iter()
        .map(|k| first.find(&format!("\"{k}\":")).map(|_| *k).unwrap())
        .collect();
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| first.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{first}");
}
