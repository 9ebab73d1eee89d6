//! How the binary explains a failure: `error: …` then one `caused by: …` per cause, each cause
//! printed once (no message embeds the text of the error that is also its source).

use crate::common::*;
use std::process::{Command, Output};

const NO_SUCH_FILE: &str = "No such file or directory";

/// The text of each stderr line of a failed run, without its `error:` or `caused by:` label.
fn messages(o: &Output) -> Vec<String> {
    assert!(!o.status.success(), "the command should fail");
    let err = stderr(o);
    assert!(err.starts_with("error: "), "{err}");
    err.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let l = l.trim();
            l.strip_prefix("error: ")
                .or_else(|| l.strip_prefix("caused by: "))
                .unwrap_or(l)
                .to_string()
        })
        .collect()
}

/// No line is another's text again, and the OS's words for a missing file appear once.
fn assert_each_cause_once(o: &Output) {
    let lines = messages(o);
    for (i, a) in lines.iter().enumerate() {
        for (j, b) in lines.iter().enumerate() {
            assert!(
                i == j || !a.contains(b.as_str()),
                "line {} repeats line {}:\n{}",
                i + 1,
                j + 1,
                stderr(o)
            );
        }
    }
    assert_eq!(
        stderr(o).matches(NO_SUCH_FILE).count(),
        1,
        "the OS cause once:\n{}",
        stderr(o)
    );
}

fn nqs_with(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nqs"))
        .args(args)
        .env_remove("NQS_PIPELINES")
        .env_remove("NQS_OUTPUT")
        .env_remove("NQS_CALENDAR")
        .output()
        .expect("the nqs binary runs")
}

#[test]
fn a_missing_pipelines_folder_is_explained_once() {
    let missing = tempfile::tempdir().unwrap().path().join("pipelines");
    let o = nqs_with(&["--pipelines", missing.to_str().unwrap(), "sources"]);
    assert_each_cause_once(&o);
    assert!(stderr(&o).contains("providers.toml"), "{}", stderr(&o));
}

#[test]
fn a_report_before_any_run_is_explained_once() {
    let out = tempfile::tempdir().unwrap();
    let o = nqs(out.path(), &["report", "--year", "2024"]);
    assert_each_cause_once(&o);
    assert!(stderr(&o).contains("nqs run --year 2024"), "{}", stderr(&o));
}

#[test]
fn a_missing_calendar_folder_is_explained_once() {
    let missing = tempfile::tempdir().unwrap().path().join("calendar");
    let o = nqs_with(&[
        "calendar",
        "--calendar",
        missing.to_str().unwrap(),
        "is-working",
        "2024-01-01",
    ]);
    assert_each_cause_once(&o);
}

#[cfg(unix)]
#[test]
fn an_extract_that_vanished_is_explained_once() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = input.path().join("recognition_results/2024/03/centre.csv");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    // A link to nowhere: listed in the folder, gone when read.
    std::os::unix::fs::symlink(input.path().join("gone.csv"), &file).unwrap();
    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert_each_cause_once(&o);
    assert!(stderr(&o).contains("centre.csv"), "{}", stderr(&o));
}
