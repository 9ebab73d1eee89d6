//! The committed sample, ingested once: every declared source has files, rows and its own test;
//! every deliberately bad row is quarantined or flagged; nothing personal reaches the lake.

mod common;

use common::*;
use nqs::contract::Catalog;
use polars::prelude::*;
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

/// (files, rows read, accepted, quarantined, flagged) per source, from the manifest.
fn counts() -> BTreeMap<String, [u64; 5]> {
    let mut out: BTreeMap<String, [u64; 5]> = BTreeMap::new();
    for f in manifest()["files"].as_object().unwrap().values() {
        let c = out
            .entry(f["source"].as_str().unwrap().to_string())
            .or_default();
        c[0] += 1;
        for (i, k) in ["rows_read", "accepted", "quarantined", "flagged"]
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
        c[2] + c[3],
        "{id}: rows read = accepted + quarantined"
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
    let q = output()
        .join("lake/_quarantine")
        .join(format!("{id}.parquet"));
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
    labour_stats,
    submissions,
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

/// Every text cell of every Parquet file and every JSON file under `dir`.
fn all_text(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (rel, bytes) in snapshot(dir) {
        if rel.ends_with(".json") {
            out.push((rel, String::from_utf8_lossy(&bytes).into_owned()));
        } else if rel.ends_with(".parquet") {
            let df = read_parquet(&dir.join(&rel));
            for col in df.get_columns() {
                let s = col.as_materialized_series();
                let s = match s.dtype() {
                    DataType::List(_) => s.explode(false).unwrap(),
                    _ => s.clone(),
                };
                if let Ok(s) = s.cast(&DataType::String) {
                    for v in s.str().unwrap().into_iter().flatten() {
                        out.push((format!("{rel}:{}", col.name()), v.to_string()));
                    }
                }
            }
        }
    }
    out
}

/// Finds what looks like personal data: a 12-digit run that is a valid IIN and not a known
/// BIN, a Kazakh mobile number, an e-mail address, or one of the given names.
struct Scanner {
    iin: regex::Regex,
    phone: regex::Regex,
    email: regex::Regex,
    names: Option<regex::Regex>,
    bins: std::collections::HashSet<String>,
}

impl Scanner {
    fn new(names: &[String], bins: std::collections::HashSet<String>) -> Scanner {
        let names: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
        Scanner {
            iin: regex::Regex::new(r"(^|\D)(\d{12})(\D|$)").unwrap(),
            phone: regex::Regex::new(r"\+7[\s(-]*7\d\d[\s)-]*\d{3}[\s-]*\d\d[\s-]*\d\d").unwrap(),
            email: regex::Regex::new(r"[\w.+-]+@[\w-]+\.[\w.]+").unwrap(),
            names: (!names.is_empty()).then(|| regex::Regex::new(&names.join("|")).unwrap()),
            bins,
        }
    }

    fn find(&self, text: &str) -> Option<String> {
        for c in self.iin.captures_iter(text) {
            let digits = &c[2];
            // Organisations' BINs are public; a valid IIN that is no known BIN is a person.
            if nqs::ids::parse_iin(digits).is_ok() && !self.bins.contains(digits) {
                return Some(format!("IIN {digits}"));
            }
        }
        if let Some(m) = self.phone.find(text) {
            return Some(format!("phone {}", m.as_str()));
        }
        if let Some(m) = self.email.find(text) {
            return Some(format!("e-mail {}", m.as_str()));
        }
        let m = self.names.as_ref()?.find(text)?;
        Some(format!("name {}", m.as_str()))
    }
}

#[test]
fn the_scan_recognises_personal_data() {
    let scan = Scanner::new(
        &["Сапарова Айгүл Қайратқызы".to_string()],
        Default::default(),
    );
    let person = iin("900512", 4, 17);
    assert!(scan.find(&format!("x{person}y")).is_some());
    assert!(scan.find("+7 701 555 12 34").is_some());
    assert!(scan.find("a.b@mail.kz").is_some());
    assert!(scan.find("ФИО: Сапарова Айгүл Қайратқызы").is_some());
    assert!(scan.find("gnogmdfngamfhjhbodijfkkniidagpdj").is_none());
    assert!(scan.find(&bin("1503", 7)).is_none());
}

#[test]
fn no_iin_phone_email_or_name_reaches_the_lake_or_the_run_outputs() {
    let o = nqs(
        output(),
        &["run", "--year", "2026", "--as-of", "2026-11-25"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Names as the centres wrote them, taken from the sample's own files.
    let names: Vec<String> = {
        let mut names = Vec::new();
        for (rel, bytes) in snapshot(&sample().join("recognition_results"))
            .into_iter()
            .take(40)
        {
            if rel.ends_with(".csv") {
                let text = String::from_utf8_lossy(&bytes).to_string();
                let mut r = csv::ReaderBuilder::new()
                    .delimiter(if text.lines().next().unwrap_or("").contains(';') {
                        b';'
                    } else {
                        b','
                    })
                    .from_reader(text.as_bytes());
                let h = r.headers().unwrap().clone();
                if let Some(i) = h.iter().position(|c| c == "full_name") {
                    names.extend(
                        r.records()
                            .flatten()
                            .filter_map(|x| x.get(i).map(String::from)),
                    );
                }
            }
        }
        names.into_iter().filter(|n| n.len() > 8).collect()
    };
    assert!(names.len() > 20, "found names to look for");
    let bins: std::collections::HashSet<String> = all_text(&output().join("lake/centres"))
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    let scan = Scanner::new(&names, bins);
    let mut scanned = 0;
    for dir in [output().join("lake"), output().join("2026")] {
        for (place, text) in all_text(&dir) {
            scanned += 1;
            if let Some(found) = scan.find(&text) {
                panic!("{found} in {place}: {text}");
            }
        }
    }
    assert!(scanned > 10_000, "the scan read the lake ({scanned} cells)");
}
