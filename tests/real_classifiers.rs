//! The real classifiers (`datasets/reference`, see its README: the НКЗ НК РК 01-2017 as the
//! labour information system's directory holds it, the КАТО of 17.10.2022) ingested through
//! the shipped contracts alone, and every accepted row's level and parent checked against an
//! independent reading of the same files: `scripts/read_classifiers.py` (openpyxl and csv, not
//! nqs), which places each row in its tree by following its parent ids to the top and takes
//! the level from that depth, never from the code's shape.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const NCO_FILE: &str = "nco/D_POSITION.xlsx";
const KATO_FILE: &str = "kato/KATO_17.10.2022_ru.csv";

fn reference() -> PathBuf {
    project_root().join("datasets/reference")
}

/// A row's (code, level, parent code), by its row number as a spreadsheet shows it.
type Placed = BTreeMap<i64, (String, String, Option<String>)>;

/// The script's reading of both files (`--json`).
fn independent_reading() -> serde_json::Value {
    let py = python();
    let o = Command::new(&py)
        .arg(project_root().join("scripts/read_classifiers.py"))
        .arg("--json")
        .output()
        .unwrap_or_else(|e| panic!("{} (run `make setup`): {e}", py.display()));
    assert!(o.status.success(), "read_classifiers.py: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The rows the script places in the tree: `[row, code, level, parent_code]`.
fn placed_by_script(reading: &serde_json::Value) -> Placed {
    reading["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_i64().unwrap(),
                (
                    r[1].as_str().unwrap().to_string(),
                    r[2].as_str().unwrap().to_string(),
                    r[3].as_str().map(String::from),
                ),
            )
        })
        .collect()
}

/// The row numbers the script refuses (`[row, code, why]`).
fn refused_by_script(reading: &serde_json::Value) -> BTreeSet<i64> {
    reading["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_i64().unwrap())
        .collect()
}

/// The lake's rows of `file`: code, level and parent code by `_source_row`.
fn placed_in_lake(lake: &Path, source: &str, file: &str) -> Placed {
    let df = lake_rows_of(lake, source, file);
    let rows: Vec<i64> = df
        .column("_source_row")
        .unwrap()
        .i64()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect();
    let codes = strs(&df, "code");
    let levels = strs(&df, "level");
    let parents = strs(&df, "parent_code");
    rows.into_iter()
        .zip(codes)
        .zip(levels)
        .zip(parents)
        .map(|(((row, code), level), parent)| {
            (
                row,
                (
                    code.expect("a code"),
                    level.expect("a level"),
                    parent.filter(|p| !p.is_empty()),
                ),
            )
        })
        .collect()
}

/// The quarantined rows of `file` by row number, with their column and reason code.
fn quarantined(lake: &Path, source: &str, file: &str) -> BTreeMap<i64, (String, String)> {
    let q = quarantine_rows_of(lake, source, file);
    let rows: Vec<i64> = q
        .column("row")
        .unwrap()
        .cast(&polars::prelude::DataType::Int64)
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    rows.into_iter()
        .zip(strs(&q, "column"))
        .zip(strs(&q, "reason_code"))
        .map(|((row, column), code)| (row, (column.unwrap_or_default(), code.unwrap_or_default())))
        .collect()
}

/// Rows of the lake whose level and parent are not the script's, for the failure message.
fn disagreements(lake: &Placed, script: &Placed) -> Vec<String> {
    lake.iter()
        .filter(|&(row, placed)| script.get(row) != Some(placed))
        .take(20)
        .map(|(row, placed)| format!("row {row}: lake {placed:?}, script {:?}", script.get(row)))
        .collect()
}

#[test]
fn the_real_nco_and_kato_are_read_by_the_shipped_contracts_as_an_independent_reading_reads_them() {
    let reading = independent_reading();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // No personal data in either file: the sample key is as good as any.
    let o = nqs(
        &out,
        &[
            "--json",
            "ingest",
            reference().to_str().unwrap(),
            "--sample",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let lake = out.join("lake");

    // НКЗ. The older vintage (IS_ACTUAL = 0) is left out by the contract's filter; of the
    // actual rows, the 2017 tree is accepted, and the rows that are no 2017 codes (`Х…`,
    // `Y1000`, `1-99-999`, `2331-001`) are quarantined for their code.
    let nco = &reading["nco"];
    let script = placed_by_script(nco);
    let refused = refused_by_script(nco);
    let s = &report["sources"]["nco"];
    assert_eq!(s["rows_read"], nco["rows_read"]);
    assert_eq!(s["excluded"]["filter"], nco["older_vintage"]);
    let actual = nco["actual"].as_u64().unwrap();
    assert_eq!(
        s["accepted"].as_u64().unwrap() + s["quarantined"].as_u64().unwrap(),
        actual
    );
    let in_lake = placed_in_lake(&lake, "nco", NCO_FILE);
    let wrong = disagreements(&in_lake, &script);
    assert!(
        wrong.is_empty(),
        "accepted with another level or parent than the file gives:\n{}",
        wrong.join("\n")
    );
    let right = in_lake.len();
    assert!(
        right as f64 >= 0.99 * script.len() as f64,
        "{right} of the {} rows of the 2017 tree accepted with their level and parent",
        script.len()
    );
    assert_eq!(
        right,
        script.len(),
        "every row of the 2017 tree is accepted"
    );
    let q = quarantined(&lake, "nco", NCO_FILE);
    assert_eq!(
        q.keys().copied().collect::<BTreeSet<_>>(),
        refused,
        "the quarantined rows are the ones that are no 2017 codes"
    );
    for (row, (column, code)) in &q {
        assert_eq!(
            (column.as_str(), code.as_str()),
            ("code", "pattern"),
            "row {row}"
        );
    }
    assert!(refused.len() <= 14, "{refused:?}");
    // Every level of the tree, the groups of occupations (`2511-1`) between the unit groups
    // and the occupations included; each level's parent is the level above.
    let count = |level: &str| in_lake.values().filter(|(_, l, _)| l == level).count();
    for (level, n) in [
        ("major", 9),
        ("sub_major", 41),
        ("minor", 141),
        ("unit", 439),
        ("occupation_group", 1270),
        ("occupation", 12194),
    ] {
        assert_eq!(count(level), n, "{level}");
    }
    let by_code: BTreeMap<&str, (&str, Option<&str>)> = in_lake
        .values()
        .map(|(c, l, p)| (c.as_str(), (l.as_str(), p.as_deref())))
        .collect();
    assert_eq!(by_code["2511"], ("unit", Some("251")));
    assert_eq!(by_code["2511-1"], ("occupation_group", Some("2511")));
    assert_eq!(by_code["2511-1-002"], ("occupation", Some("2511-1")));
    // Names trimmed: 142 names of actual rows carry spaces (some no-break) around them.
    assert!(nco["names_untrimmed"].as_u64().unwrap() > 0);
    let names = lake_rows_of(&lake, "nco", NCO_FILE);
    for column in ["name_ru", "name_kk"] {
        for name in strs(&names, column).into_iter().flatten() {
            assert_eq!(name.trim(), name, "{column}: {name:?}");
        }
    }

    // КАТО. Every row accepted, at the level its place in the hierarchy gives: the city
    // districts of Astana, Almaty and Shymkent are districts, though their codes look like
    // settlements'; a top unit's parent is `0` in this file.
    let kato = &reading["kato"];
    let script = placed_by_script(kato);
    let s = &report["sources"]["kato"];
    assert_eq!(s["rows_read"], kato["rows_read"]);
    assert_eq!(
        s["accepted"], kato["rows_read"],
        "every KATO row is accepted"
    );
    assert_eq!(s["quarantined"], 0);
    let in_lake = placed_in_lake(&lake, "kato", KATO_FILE);
    let wrong = disagreements(&in_lake, &script);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(in_lake.len(), script.len());
    assert_eq!(kato["top_parent_ids"], serde_json::json!(["0"]));
    let count = |level: &str| in_lake.values().filter(|(_, l, _)| l == level).count();
    assert_eq!(
        [count("region"), count("district"), count("settlement")],
        [20, 220, 16024]
    );
    let city_districts: Vec<&str> = kato["level_not_by_shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[1].as_str().unwrap())
        .collect();
    assert!(city_districts.len() >= 16, "{city_districts:?}");
    let level_of: BTreeMap<&str, &str> = in_lake
        .values()
        .map(|(c, l, _)| (c.as_str(), l.as_str()))
        .collect();
    for code in &city_districts {
        assert_eq!(level_of[code], "district", "{code}");
    }
    for code in ["711110000", "751910000", "791110000"] {
        assert!(city_districts.contains(&code), "{code}");
    }
}

/// `nqs contract check` says the same of the real НКЗ without writing anything.
#[test]
fn contract_check_on_the_real_nco_accepts_the_2017_tree() {
    let reading = independent_reading();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let path = reference().join(NCO_FILE);
    let o = nqs(
        &out,
        &[
            "--json",
            "contract",
            "check",
            path.to_str().unwrap(),
            "--source",
            "nco",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let check: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let tree = reading["nco"]["accepted"].as_array().unwrap().len() as u64;
    assert_eq!(check["accepted"].as_u64().unwrap(), tree, "{check:#}");
    assert_eq!(
        check["quarantined"].as_u64().unwrap(),
        reading["nco"]["refused"].as_array().unwrap().len() as u64,
        "{check:#}"
    );
    assert!(!out.join("lake").exists());
}
