//! The lake as researchers open it (issue 32): every source and the quarantine of the committed
//! sample read by pandas, pyarrow, polars and DuckDB with their default calls
//! (`tests/lake_readers.py`, the venv of `scripts/setup.sh`), agreeing on rows, columns and
//! integer `year`/`month`; and a lake written in the layout before (`year=YYYY/month=MM/`
//! folders, `lake/_quarantine/`) refused by the commands that only read it and upgraded in
//! place by those that take the output folder's lock, to the same files, byte for byte.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[test]
fn every_reader_opens_the_lake_alike_and_the_readme_snippets_agree() {
    let out = sample_output("lake-readers", &[2026]);
    let o = std::process::Command::new(python())
        .arg(project_root().join("tests/lake_readers.py"))
        .arg(&out)
        .output()
        .expect("the test venv's python runs (scripts/setup.sh)");
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("ok: "), "{}", stdout(&o));
    eprintln!("{}", stdout(&o).lines().next().unwrap_or_default());
    // The same sample answers the README's researcher snippets.
    let o = std::process::Command::new(python())
        .arg(project_root().join("tests/readme_snippets.py"))
        .arg(project_root().join("README.md"))
        .arg(&out)
        .output()
        .expect("the test venv's python runs (scripts/setup.sh)");
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).starts_with("summary: 6 snippets ran"),
        "{}",
        stdout(&o)
    );
    eprintln!("{}", stdout(&o).trim());
    let _ = std::fs::remove_dir_all(&out);
}

/// Every file under `dir` (relative path → bytes), the ingest records aside.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(k, _)| {
            !k.starts_with("lake/_runs/") && !k.starts_with("lake/.") && !k.contains("/.")
        })
        .filter(|(k, _)| k.starts_with("lake/") || k.starts_with("quarantine/"))
        .collect()
}

/// Rewrites a lake of today's layout into the one before: `<source>/YYYY[/MM]/` folders become
/// `<source>/year=YYYY[/month=MM]/`, the quarantine moves into `lake/_quarantine/`, and the
/// manifest names the partitions as it did.
fn to_old_layout(out: &Path) {
    let lake = out.join("lake");
    for source in std::fs::read_dir(&lake).unwrap().flatten() {
        let name = source.file_name().to_string_lossy().to_string();
        if !source.path().is_dir() || name.starts_with(['_', '.']) {
            continue;
        }
        let mut years: Vec<PathBuf> = std::fs::read_dir(source.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        years.sort();
        for year in years {
            let y = year.file_name().unwrap().to_string_lossy().to_string();
            for month in std::fs::read_dir(&year).unwrap().flatten() {
                let m = month.file_name().to_string_lossy().to_string();
                if month.path().is_dir() {
                    std::fs::rename(month.path(), year.join(format!("month={m}"))).unwrap();
                }
            }
            std::fs::rename(&year, source.path().join(format!("year={y}"))).unwrap();
        }
    }
    let old_quarantine = lake.join("_quarantine");
    std::fs::rename(out.join("quarantine"), &old_quarantine).unwrap();
    let path = lake.join("_manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for entry in manifest["files"].as_object_mut().unwrap().values_mut() {
        for p in entry["partitions"].as_array_mut().unwrap() {
            let text = p.as_str().unwrap().to_string();
            let old = match text.split_once('/') {
                Some((y, m)) => format!("year={y}/month={m}"),
                None if text.is_empty() => text,
                None => format!("year={text}"),
            };
            *p = serde_json::Value::String(old);
        }
    }
    std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
}

#[test]
fn a_lake_of_the_earlier_layout_is_refused_by_readers_and_upgraded_in_place_to_the_same_files() {
    let out = sample_output("lake-upgrade", &[]);
    let before = files(&out);
    assert!(
        before
            .keys()
            .any(|k| k.starts_with("lake/recognition_results/2026/01/")),
        "{:?}",
        before.keys().take(5).collect::<Vec<_>>()
    );
    assert!(before.keys().any(|k| k.starts_with("quarantine/")));
    to_old_layout(&out);
    let old = files(&out);
    assert!(old.keys().any(|k| k.contains("/year=2026/month=01/")));
    assert!(old.keys().any(|k| k.starts_with("lake/_quarantine/")));
    assert_eq!(old.len(), before.len());

    // Commands that only read the lake refuse it, naming what upgrades it.
    let o = nqs(&out, &["sql", "select count(*) from recognition_results"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("layout of an earlier nqs") && e.contains("nqs ingest"),
        "{e}"
    );

    // The ingest of the same inbox moves the files, one journalled commit, and ingests nothing.
    let sample = project_root().join("datasets/sample");
    let o = nqs(&out, &["ingest", sample.to_str().unwrap(), "--sample"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("to this version's layout"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("lake/.commit.json").exists());
    let after = files(&out);
    let manifest = |m: &BTreeMap<String, Vec<u8>>| -> serde_json::Value {
        serde_json::from_slice(&m["lake/_manifest.json"]).unwrap()
    };
    assert_eq!(manifest(&after), manifest(&before));
    let data = |m: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        m.iter()
            .filter(|(k, _)| k.ends_with(".parquet"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert_eq!(
        data(&after).keys().collect::<Vec<_>>(),
        data(&before).keys().collect::<Vec<_>>()
    );
    assert!(data(&after) == data(&before), "the files' bytes changed");
    assert!(!out.join("lake/_quarantine").exists());
    assert!(!out.join("lake/recognition_results/year=2026").exists());

    // And every reader of the lake reads it again.
    let o = nqs(&out, &["sql", "select count(*) from quarantine"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = nqs(&out, &["run", "--year", "2026", "--as-of", SAMPLE_AS_OF]);
    assert!(o.status.success(), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&out);
}

/// The upgrade is one journalled commit: crashed at its first staged link, at the journal's
/// write and at a rename inside the commit, the next command finishes (or starts over) and
/// gives the same files as an uninterrupted upgrade.
#[test]
fn an_upgrade_crashed_at_any_step_is_finished_by_the_next_command() {
    let out = sample_output("lake-upgrade-crash", &[]);
    let want = files(&out);
    to_old_layout(&out);
    let old = std::env::temp_dir().join(format!("nqs-lake-old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&old);
    copy_tree(&out, &old);
    let sample = project_root().join("datasets/sample");
    let args = ["ingest", sample.to_str().unwrap(), "--sample"];
    let run = |failpoint: Option<&str>| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_nqs"));
        c.arg("--output")
            .arg(&out)
            .arg("--pipelines")
            .arg(project_root().join("pipelines"))
            .args(args)
            .env_remove("NQS_FAILPOINT");
        if let Some(f) = failpoint {
            c.env("NQS_FAILPOINT", f);
        }
        c.output().unwrap()
    };
    let listed = run(Some("list"));
    assert!(listed.status.success(), "{}", stderr(&listed));
    let steps: Vec<String> = stderr(&listed)
        .lines()
        .filter_map(|l| l.strip_prefix("nqs-failpoint "))
        .map(str::to_string)
        .collect();
    // The upgrade's steps come first: a staged write per file, the journal, then the renames.
    let journal = steps
        .iter()
        .position(|s| s.contains(".commit.json"))
        .expect("the upgrade writes a journal")
        + 1;
    let rename = journal
        + steps[journal..]
            .iter()
            .position(|s| s.split(' ').nth(1) == Some("rename"))
            .unwrap()
        + 3;
    for n in [1, journal, rename] {
        let _ = std::fs::remove_dir_all(&out);
        copy_tree(&old, &out);
        let o = run(Some(&n.to_string()));
        assert!(
            !o.status.success(),
            "step {n} ({}) did not crash",
            steps[n - 1]
        );
        let o = run(None);
        assert!(o.status.success(), "after step {n}: {}", stderr(&o));
        let got = files(&out);
        let manifest = |m: &BTreeMap<String, Vec<u8>>| -> serde_json::Value {
            serde_json::from_slice(&m["lake/_manifest.json"]).unwrap()
        };
        assert_eq!(
            manifest(&got),
            manifest(&want),
            "after a crash at {}",
            steps[n - 1]
        );
        let data = |m: &BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
            m.iter()
                .filter(|(k, _)| k.ends_with(".parquet"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        assert!(
            data(&got) == data(&want),
            "after a crash at {}",
            steps[n - 1]
        );
        assert!(!out.join("lake/_quarantine").exists());
    }
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&old);
}
