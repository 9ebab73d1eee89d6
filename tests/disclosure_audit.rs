//! The independent disclosure audit (issue 26): `tests/disclosure_audit.py` plays a reader who
//! has only what is published (`indicators.parquet` of the sample, 2022–2026, the research
//! extract, the indicator definitions and the disclosure policy), builds that reader's integer
//! program over the recognition family from the definitions (never from the engine's
//! `[relations]` nor its code) and bounds every withheld group of persons with HiGHS (scipy, the
//! venv of `scripts/setup.sh`). It exits 1 on a primary group pinned narrower than the protection
//! level or a withheld cell recovered exactly. Its own self-test (a planted leak: two withheld
//! cells summing to 2) shows it bites.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output};

/// Runs the audit script with the given arguments.
fn audit(args: &[&Path]) -> Output {
    Command::new(python())
        .arg(project_root().join("tests/disclosure_audit.py"))
        .args(args)
        .output()
        .expect("the test venv's python runs (scripts/setup.sh)")
}

#[test]
fn the_audit_finds_a_planted_leak_and_passes_a_safe_table() {
    let o = audit(&[Path::new("--self-test")]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("self-test ok"), "{}", stdout(&o));
}

#[test]
fn no_withheld_group_of_the_sample_is_pinned_by_a_reader_of_the_published_tables() {
    let dir = sample_output("disclosure-audit", &[2026]);
    // The research extract is published to researchers: the reader has it too.
    let o = nqs(&dir, &["extract", "--year", "2026"]);
    assert!(o.status.success(), "extract: {}", stderr(&o));
    let pipelines = project_root().join("pipelines");
    let o = audit(&[&dir.join("2026"), &pipelines]);
    assert!(
        o.status.success(),
        "the audit found leaks:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    assert!(stdout(&o).contains("summary: 0 of "), "{}", stdout(&o));
}

/// A seed the engine was not tuned on, published with and without secondary suppression: the
/// reader finds nothing with it, and the cells subtraction gives back without it.
#[test]
fn a_fresh_seed_withstands_the_audit_and_primary_suppression_alone_does_not() {
    let root = tempfile::tempdir().unwrap().keep();
    let data = root.join("data");
    let generate = [
        "generate",
        "--seed",
        "2031",
        "--scale",
        "small",
        "--years",
        "2022..2026",
        "--out",
    ];
    let o = nqs(&root, &[&generate[..], &[data.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let o = nqs(&root, &["ingest", data.to_str().unwrap(), "--sample"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shipped = project_root().join("pipelines");
    let primary_only = root.join("primary-only");
    copy_tree(&shipped, &primary_only);
    let policy = primary_only.join("disclosure.toml");
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(text.contains("secondary = true"));
    std::fs::write(
        &policy,
        text.replace("secondary = true", "secondary = false"),
    )
    .unwrap();
    for (pipelines, safe) in [(&shipped, true), (&primary_only, false)] {
        let args = ["run", "--year", "2026", "--as-of", SAMPLE_AS_OF];
        let o = nqs_in(pipelines, &root, &args);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = nqs_in(pipelines, &root, &["extract", "--year", "2026"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = audit(&[&root.join("2026"), pipelines]);
        let report = format!("{}\n{}", stdout(&o), stderr(&o));
        assert_eq!(
            o.status.success(),
            safe,
            "{}: {report}",
            pipelines.display()
        );
        assert_eq!(report.contains("LEAK "), !safe, "{report}");
    }
}

/// An indicator nobody told disclosure control about: persons assessed by age band and by
/// region, sharing its units with the pass rate and the persons assessed, with no relation
/// declared anywhere. The model finds its links in the units; the reader, told by the
/// definition that it counts `candidates_assessed`'s persons, finds nothing.
#[test]
fn an_unseen_person_counting_indicator_stays_protected() {
    const ID: &str = "candidates_assessed_by_age_and_region";
    let dir = sample_output("disclosure-unseen", &[]);
    let pipelines = dir.join("pipelines");
    copy_tree(&project_root().join("pipelines"), &pipelines);
    let header = r#"id = "candidates_assessed_by_age_and_region"
topic = "recognition"
title = { kk = "Бағалаудан өткен кандидаттар, жас тобы мен өңір бойынша", ru = "Кандидаты, прошедшие оценку, по возрастным группам и регионам" }
definition = { kk = "Жыл ішінде бағалаудан өткен кандидаттар саны; әр адам бір ұяшықта бір рет.", ru = "Число кандидатов, прошедших оценку в году; каждое лицо в ячейке один раз." }
formula = "count(distinct person_id of recognition_results: result in (passed, failed))"
unit = "count"
breakdowns = ["total", "age_band", "region"]
higher_is_better = true
sources = ["recognition_results"]
counts_persons = true
"#;
    let sql = "with r as (\n    select d.year, d.person_id as counted, d.age_band, d.region\n    \
               from decisions() d where d.result in ('passed', 'failed')\n)\n\
               select * from count_cells('r', (select min(year(decision_date)) from recognition_results))\n";
    write(&pipelines, &format!("indicators/{ID}.toml"), header);
    write(&pipelines, &format!("indicators/{ID}.sql"), sql);
    let run = ["run", "--year", "2026", "--as-of", SAMPLE_AS_OF];
    let o = nqs_in(&pipelines, &dir, &run);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = nqs_in(&pipelines, &dir, &["extract", "--year", "2026"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = read_parquet(&dir.join("2026/indicators.parquet"));
    let ids = strs(&table, "indicator_id");
    let conf = strs(&table, "conf_status");
    let of_new = |flag: &str| {
        ids.iter()
            .zip(&conf)
            .filter(|(i, c)| i.as_deref() == Some(ID) && c.as_deref() == Some(flag))
            .count()
    };
    assert!(
        of_new("C") > 0 && of_new("F") > 0,
        "the new indicator has small groups to protect"
    );
    let same = std::ffi::OsString::from(format!("{ID}=candidates_assessed"));
    let o = Command::new(python())
        .arg(project_root().join("tests/disclosure_audit.py"))
        .arg(dir.join("2026"))
        .arg(&pipelines)
        .arg("--same-persons")
        .arg(same)
        .output()
        .unwrap();
    let report = format!("{}\n{}", stdout(&o), stderr(&o));
    assert!(o.status.success(), "the audit found leaks:\n{report}");
    assert!(report.contains("summary: 0 of "), "{report}");
}

/// Secondary suppression keeps the key figures' national cells first (`keep_first` in
/// `pipelines/disclosure.toml`); the report's part 1 prints those of `layout.toml`. The two
/// lists must name the same indicators, or a key figure loses its priority unnoticed.
#[test]
fn the_key_figures_are_the_ones_disclosure_control_keeps_first() {
    let read = |path: &str, key: &str| -> Vec<String> {
        let text = std::fs::read_to_string(project_root().join(path)).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        let mut ids: Vec<String> = value[key]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: `{key}` is a list"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        read("pipelines/disclosure.toml", "keep_first"),
        read("report-templates/layout.toml", "key_figures")
    );
}
