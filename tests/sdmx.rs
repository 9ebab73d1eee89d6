//! The SDMX that `nqs run` publishes (`indicators.sdmx.csv`, `structure.xml`) on the committed
//! sample, read back by sdmx1 (`tests/sdmx_check.py`, the venv of `scripts/setup.sh`): the
//! structure parses, every observation's codes are in their code lists, and the observations
//! are `indicators.parquet`'s rows. The check is shown to fail on a structure missing a code, on
//! a code without a Kazakh name and on a changed value.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One ingest and one run of the sample for every test in this file.
fn output() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nqs-sdmx-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sample = project_root().join("datasets/sample");
        let o = nqs(&dir, &["ingest", sample.to_str().unwrap(), "--sample"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = nqs(&dir, &["run", "--year", "2026", "--as-of", "2026-11-25"]);
        assert!(o.status.success(), "{}", stderr(&o));
        dir
    })
}

const FILES: [&str; 4] = [
    "indicators.parquet",
    "indicators.sdmx.csv",
    "indicators.sdmx2.csv",
    "structure.xml",
];

/// Runs the sdmx1 check on a year's folder.
fn check(year_dir: &Path) -> std::process::Output {
    std::process::Command::new(python())
        .arg(project_root().join("tests/sdmx_check.py"))
        .arg(year_dir)
        .arg(project_root().join("pipelines"))
        .output()
        .expect("the test venv's python runs (scripts/setup.sh)")
}

/// A copy of the year's three files in a folder of the test's own, `edit` applied to one.
fn tampered(name: &str, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = output().join(format!("tampered-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    for f in FILES {
        std::fs::copy(output().join("2026").join(f), dir.join(f)).unwrap();
    }
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let changed = edit(text.clone());
    assert_ne!(changed, text, "the edit changed nothing");
    std::fs::write(dir.join(file), changed).unwrap();
    dir
}

#[test]
fn sdmx1_reads_the_structure_and_the_data_as_the_parquet_has_them() {
    let o = check(&output().join("2026"));
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("ok: "), "{}", stdout(&o));
}

#[test]
fn the_csv_is_sdmx_csv_1_0_with_withheld_cells_empty() {
    // Written to a temporary file and renamed: none is left behind.
    for tmp in [".indicators.sdmx.csv.tmp", ".structure.xml.tmp"] {
        assert!(!output().join("2026").join(tmp).exists(), "{tmp}");
    }
    let text = std::fs::read_to_string(output().join("2026/indicators.sdmx.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&head[..3], ["DATAFLOW", "INDICATOR", "REF_AREA"]);
    assert_eq!(
        &head[head.len() - 5..],
        [
            "TIME_PERIOD",
            "OBS_VALUE",
            "UNIT_MEASURE",
            "CONF_STATUS",
            "OBS_STATUS"
        ]
    );
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (value, conf) = (col("OBS_VALUE"), col("CONF_STATUS"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(
        records
            .iter()
            .all(|r| &r[0] == "KZ_NQS:NQS_INDICATORS(1.0)")
    );
    let withheld: Vec<&csv::StringRecord> = records
        .iter()
        .filter(|r| matches!(&r[conf], "C" | "D"))
        .collect();
    // The sample has small groups, so some cells are withheld, and none shows a value.
    assert!(!withheld.is_empty());
    assert!(withheld.iter().all(|r| r[value].is_empty()));
    // A regional cell carries its KATO code and `_T` in every other breakdown.
    let region = records
        .iter()
        .find(|r| &r[col("REF_AREA")] == "710000000")
        .expect("a cell for Astana");
    assert!((3..col("TIME_PERIOD")).all(|c| &region[c] == "_T"));
}

#[test]
fn the_check_fails_when_a_used_code_is_missing_from_its_list() {
    // Astana's code taken out of the KATO code list, its observations kept.
    let dir = tampered("code", "structure.xml", |xml| {
        let start = xml.find("<str:Code id=\"710000000\">").unwrap();
        let end = start + xml[start..].find("</str:Code>").unwrap() + "</str:Code>".len();
        format!("{}{}", &xml[..start], &xml[end..])
    });
    let o = check(&dir);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("REF_AREA = '710000000' is not a code of its code list"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_check_fails_when_a_value_differs_from_the_parquet() {
    // In the 2.0 file, which sdmx1 and pysdmx read: it differs from the 1.0 file too.
    let dir = tampered("value", "indicators.sdmx2.csv", |text| {
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let head: Vec<&str> = lines[0].split(',').collect();
        let value = head.iter().position(|h| *h == "OBS_VALUE").unwrap();
        let row = 1 + lines[1..]
            .iter()
            .position(|l| l.split(',').nth(value).is_some_and(|v| !v.is_empty()))
            .unwrap();
        let mut cells: Vec<String> = lines[row].split(',').map(String::from).collect();
        let v: f64 = cells[value].parse().unwrap();
        cells[value] = (v + 1.0).to_string();
        lines[row] = cells.join(",");
        lines.join("\n") + "\n"
    });
    let o = check(&dir);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("SDMX ("), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the SDMX-CSV 2.0 file's rows are not the 1.0 file's"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_sdmx_csv_2_0_file_is_the_1_0_rows_with_structure_id_and_action() {
    let one = std::fs::read_to_string(output().join("2026/indicators.sdmx.csv")).unwrap();
    let two = std::fs::read_to_string(output().join("2026/indicators.sdmx2.csv")).unwrap();
    assert!(!output().join("2026/.indicators.sdmx2.csv.tmp").exists());
    let (one, two): (Vec<&str>, Vec<&str>) = (one.lines().collect(), two.lines().collect());
    assert_eq!(one.len(), two.len());
    let rest = |l: &str| l.split_once(',').unwrap().1.to_string();
    assert_eq!(
        two[0],
        format!("STRUCTURE,STRUCTURE_ID,ACTION,{}", rest(one[0]))
    );
    for (a, b) in one[1..].iter().zip(&two[1..]) {
        assert_eq!(
            *b,
            format!("dataflow,KZ_NQS:NQS_INDICATORS(1.0),I,{}", rest(a))
        );
    }
}

#[test]
fn the_check_fails_when_a_code_has_no_kazakh_name() {
    let dir = tampered("name", "structure.xml", |xml| {
        xml.replace(
            "<com:Name xml:lang=\"kk\">Барлығы</com:Name>",
            "<com:Name xml:lang=\"en\">Total</com:Name>",
        )
    });
    let o = check(&dir);
    assert!(!o.status.success());
    // Every code list's total is named "Барлығы": each of them is reported.
    let err = stderr(&o);
    assert!(
        err.contains("code CL_REF_AREA._T has no name in kk"),
        "{err}"
    );
    assert!(
        err.contains("code CL_NQF_LEVEL._T has no name in kk"),
        "{err}"
    );
}
