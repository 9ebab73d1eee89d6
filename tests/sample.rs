//! The committed sample, ingested once: every declared source has files, rows and its own test;
//! every deliberately bad row is quarantined or flagged. That nothing personal reaches any
//! output is `tests/privacy.rs`'s scan, over the sample with the input cases laid over it.

use crate::common::*;
use nqs::contract::Catalog;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn output() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nqs-sample-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let o = nqs(&dir, &["ingest", sample().to_str().unwrap(), "--sample"]);
        assert!(o.status.success(), "{}", stderr(&o));
        dir
    })
}

fn sample() -> PathBuf {
    project_root().join("datasets/sample")
}

fn catalog() -> Catalog {
    Catalog::load(&project_root().join("pipelines")).unwrap()
}

fn manifest() -> serde_json::Value {
    let text = std::fs::read_to_string(output().join("lake/_manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// (files, rows read, accepted, quarantined, flagged, excluded) per source, from the manifest.
fn counts() -> BTreeMap<String, [u64; 6]> {
    let mut out: BTreeMap<String, [u64; 6]> = BTreeMap::new();
    for f in manifest()["files"].as_object().unwrap().values() {
        let c = out
            .entry(f["source"].as_str().unwrap().to_string())
            .or_default();
        c[0] += 1;
        for (i, k) in [
            "rows_read",
            "accepted",
            "quarantined",
            "flagged",
            "excluded",
        ]
        .iter()
        .enumerate()
        {
            c[i + 1] += f[*k].as_u64().unwrap();
        }
    }
    out
}

fn lake_rows(source: &str) -> usize {
    parquet_files(&output().join("lake").join(source))
        .iter()
        .map(|p| read_parquet(p).height())
        .sum()
}

/// One source's checks: files and rows present, the lake holds exactly the accepted rows with
/// the contract's lake columns, and the quarantine holds exactly the rejected ones.
fn check_source(id: &str) {
    let catalog = catalog();
    let contract = catalog.contract(id).expect("declared");
    let c = counts().get(id).copied().unwrap_or_default();
    assert!(c[0] > 0, "{id}: the sample has no file for it");
    assert_eq!(
        c[1],
        c[2] + c[3] + c[5],
        "{id}: rows read = accepted + quarantined + excluded by the transform"
    );
    assert!(c[2] > 0, "{id}: no accepted rows");
    assert_eq!(lake_rows(id) as u64, c[2], "{id}: lake rows = accepted");
    let first = &parquet_files(&output().join("lake").join(id))[0];
    let names: Vec<String> = read_parquet(first)
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let expected: Vec<String> = contract
        .columns
        .iter()
        .filter_map(|c| c.lake_name())
        .chain(["_source_file", "_source_row", "_flags"].map(String::from))
        .collect();
    assert_eq!(names, expected, "{id}: lake columns");
    let q = output().join("quarantine").join(format!("{id}.parquet"));
    let quarantined = if q.exists() {
        read_parquet(&q).height() as u64
    } else {
        0
    };
    assert_eq!(quarantined, c[3], "{id}: quarantine rows = quarantined");
}

macro_rules! source_tests {
    ($($id:ident),* $(,)?) => {
        $(#[test] fn $id() { check_source(stringify!($id)); })*

        #[test]
        fn every_declared_source_has_a_test_here() {
            let tested = [$(stringify!($id)),*];
            for c in &catalog().contracts {
                assert!(tested.contains(&c.id.as_str()), "add `{}` to source_tests!", c.id);
            }
        }
    };
}

source_tests!(
    nqf_levels,
    nco,
    professions,
    sqf,
    standards,
    councils,
    council_meetings,
    normative_acts,
    programmes,
    centres,
    centre_events,
    recognition_results,
    certificates,
    support_requests,
    registrations,
    submissions,
    standard_expertise,
    trainings,
    platform_incidents,
    platform_placements,
    kato,
    employment,
    wages,
    graduates,
    vacancies,
);

#[test]
fn every_injected_bad_row_is_quarantined_and_every_mismatch_only_flagged() {
    let generated: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample().join("GENERATED.json")).unwrap())
            .unwrap();
    let counts = counts();
    let flags_only = ["iin_birth_date_mismatch", "iin_sex_mismatch"];
    for (source, kinds) in generated["bad_rows"].as_object().unwrap() {
        let kinds = kinds.as_object().unwrap();
        let sum = |flag: bool| -> u64 {
            kinds
                .iter()
                .filter(|(k, _)| flags_only.contains(&k.as_str()) == flag)
                .map(|(_, v)| v.as_u64().unwrap())
                .sum()
        };
        let c = counts[source];
        // A rejected row can take a row that references it along (a certificate of a
        // quarantined result), so quarantined may exceed what was injected, never fall short.
        assert!(
            c[3] >= sum(false),
            "{source}: {} quarantined < {} injected",
            c[3],
            sum(false)
        );
        assert!(
            c[3] <= sum(false) + 2,
            "{source}: {} quarantined, {} injected",
            c[3],
            sum(false)
        );
        assert_eq!(c[4], sum(true), "{source}: flagged");
    }
}
