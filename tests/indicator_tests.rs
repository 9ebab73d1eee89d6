//! `nqs test`: the indicator cases analysts write beside the SQL
//! (`pipelines/indicators/<id>.test.toml`) pass, catch a wrong expectation, require a case per
//! indicator, and bite (`--mutate`: mutants of each indicator's SQL are killed).

use crate::common::{copy_tree, project_root, stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

fn nqs_test(pipelines: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nqs"))
        .arg("--pipelines")
        .arg(pipelines)
        .arg("test")
        .args(args)
        .output()
        .expect("the nqs binary runs")
}

fn pipelines_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&project_root().join("pipelines"), dir.path());
    dir
}

#[test]
fn every_indicator_passes_its_cases() {
    let pipelines = project_root().join("pipelines");
    let o = nqs_test(&pipelines, &[]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    // One line per indicator, each with at least one case.
    let sql = std::fs::read_dir(pipelines.join("indicators"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count();
    let ok = out.lines().filter(|l| l.starts_with("ok ")).count();
    assert_eq!(ok, sql, "{out}");
    assert!(out.contains(" 0 failed"), "{out}");
}

#[test]
fn a_wrong_expected_value_fails_naming_the_case_and_row() {
    let dir = pipelines_copy();
    let file = dir
        .path()
        .join("indicators/candidates_absent_share.test.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let right = "2025, total,     total,           50,    2,         4";
    assert!(
        text.contains(right),
        "the case this test alters has changed"
    );
    std::fs::write(
        &file,
        text.replace(
            right,
            "2025, total,     total,           60,    2,         4",
        ),
    )
    .unwrap();
    let o = nqs_test(dir.path(), &["--indicator", "candidates_absent_share"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAIL  candidates_absent_share  1 passed, 1 failed"),
        "{out}"
    );
    assert!(
        out.contains("candidates_absent_share.test.toml:")
            && out.contains("case \"absent over passed, failed and absent decisions"),
        "{out}"
    );
    assert!(
        out.contains("2025 total=total (line ") && out.contains("value expected 60, got 50"),
        "{out}"
    );
    assert!(stderr(&o).contains("1 of 2 indicator test cases failed"));
}

#[test]
fn an_extra_row_of_an_expected_breakdown_fails() {
    let dir = pipelines_copy();
    let file = dir
        .path()
        .join("indicators/recognition_pass_rate.test.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let row = "2025, region,    750000000,       50,    2,         4\n";
    assert!(text.contains(row), "the case this test alters has changed");
    std::fs::write(&file, text.replacen(row, "", 1)).unwrap();
    let o = nqs_test(dir.path(), &["--indicator", "recognition_pass_rate"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("2025 region=750000000: not expected, got value 50"),
        "{out}"
    );
}

#[test]
fn an_indicator_without_cases_fails() {
    let dir = pipelines_copy();
    std::fs::remove_file(dir.path().join("indicators/centres_idle.test.toml")).unwrap();
    let o = nqs_test(dir.path(), &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAIL  centres_idle"), "{out}");
    assert!(out.contains("centres_idle has no test case"), "{out}");
}

#[test]
fn a_misspelt_column_fails_the_case_naming_the_table() {
    let dir = pipelines_copy();
    let file = dir
        .path()
        .join("indicators/candidates_absent_share.test.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("decision_date", "decison_date", 1)).unwrap();
    let o = nqs_test(dir.path(), &["--indicator", "candidates_absent_share"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("given.recognition_results (line ")
            && out.contains("no column `decison_date`"),
        "{out}"
    );
}

#[test]
fn an_extract_column_name_for_personal_data_points_to_the_lake_column() {
    let dir = pipelines_copy();
    let file = dir
        .path()
        .join("indicators/candidates_absent_share.test.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("person_id", "iin", 1)).unwrap();
    let o = nqs_test(dir.path(), &["--indicator", "candidates_absent_share"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("personal column `iin` is `person_id` in the lake"),
        "{out}"
    );
}

/// Every indicator's cases kill at least one mutant of its SQL, and the mutant that negates
/// its main filter (the first `where`).
#[test]
fn the_cases_kill_mutants_of_every_indicator() {
    let o = nqs_test(&project_root().join("pipelines"), &["--mutate"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    assert!(!out.contains("WEAK"), "{out}");
    assert!(!out.contains("MAIN FILTER SURVIVED"), "{out}");
    let ratio = out
        .lines()
        .find(|l| l.starts_with("mutants killed: "))
        .expect("the kill ratio is printed");
    println!("{ratio}");
}
