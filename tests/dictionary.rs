//! The data dictionary on the committed sample: `dictionary.md` lists every column of the
//! published Parquet files (read back), `datapackage.json` validates with frictionless (and
//! fails when it misdescribes the data), a research extract appears once its file exists, and
//! the report's annex describes the published tables in words.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const YEAR: &str = "2026";

/// One ingest, run and report of the sample for every test in this file.
fn output() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nqs-dictionary-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sample = project_root().join("datasets/sample");
        let o = nqs(&dir, &["ingest", sample.to_str().unwrap(), "--sample"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = nqs(&dir, &["run", "--year", YEAR, "--as-of", "2026-11-25"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = nqs(&dir, &["report", "--year", YEAR]);
        assert!(o.status.success(), "{}", stderr(&o));
        dir
    })
}

fn year_dir() -> PathBuf {
    output().join(YEAR)
}

/// The section of `dictionary.md` that documents `table` (its heading to the next).
fn section<'a>(md: &'a str, table: &str) -> &'a str {
    let start = md
        .find(&format!("\n## {table} ("))
        .unwrap_or_else(|| panic!("no section for {table}"));
    let rest = &md[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

/// The column names of a section's table, in order.
fn documented_columns(section: &str) -> Vec<String> {
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| l.split('`').next().unwrap().to_string())
        .collect()
}

fn parquet_columns(path: &Path) -> Vec<String> {
    read_parquet(path)
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect()
}

/// `frictionless validate --json` of the package in `dir`: (valid, the report).
fn frictionless(dir: &Path) -> (bool, serde_json::Value) {
    let o = Command::new(python())
        .args([
            "-m",
            "frictionless",
            "validate",
            "--json",
            "datapackage.json",
        ])
        .current_dir(dir)
        .output()
        .expect("the test venv's python runs (scripts/setup.sh makes it)");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "frictionless printed no JSON ({e}); is it installed (scripts/requirements-test.txt)?\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (report["valid"] == true, report)
}

fn package(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("datapackage.json")).unwrap()).unwrap()
}

#[test]
fn the_dictionary_lists_every_column_of_the_published_files() {
    let dir = year_dir();
    let md = std::fs::read_to_string(dir.join("dictionary.md")).unwrap();
    for (table, file) in [
        ("indicators", "indicators.parquet"),
        ("findings", "findings.parquet"),
    ] {
        let df = read_parquet(&dir.join(file));
        let s = section(&md, table);
        assert!(s.starts_with(&format!("## {table} (`{file}`)")), "{s}");
        assert_eq!(
            documented_columns(s),
            parquet_columns(&dir.join(file)),
            "{table}"
        );
        assert!(df.height() > 0, "{table} has rows in the sample");
        assert!(
            md.contains(&format!("| {table} | `{file}` | {} | yes |", df.height())),
            "{table}: its row count"
        );
        // Each column with its description in the three languages (eight cells).
        for line in s.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split(" | ").collect();
            assert_eq!(cells.len(), 8, "{line}");
            for d in &cells[5..] {
                assert!(d.trim_end_matches(" |").len() > 5, "{line}");
            }
        }
    }
    // Every indicator published is listed with its titles.
    let ids = strs(
        &read_parquet(&dir.join("indicators.parquet")),
        "indicator_id",
    );
    let indicators = &md[md
        .find("\n## Indicators\n")
        .expect("the list of indicators")..];
    for id in ids.into_iter().flatten() {
        assert!(indicators.contains(&format!("| `{id}` |")), "{id}");
    }
    // No research extract in this folder: none documented.
    assert!(!md.contains("research/"));
}

#[test]
fn the_data_package_validates_with_frictionless() {
    let dir = year_dir();
    let p = package(&dir);
    let resources = p["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2);
    for r in resources {
        let path = dir.join(r["path"].as_str().unwrap());
        let fields: Vec<&str> = r["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(fields, parquet_columns(&path), "{}", r["name"]);
        assert_eq!(r["format"], "parquet");
    }
    let (valid, report) = frictionless(&dir);
    assert!(valid, "{report:#}");
    let rows: Vec<u64> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["stats"]["rows"].as_u64().unwrap())
        .collect();
    let height = read_parquet(&dir.join("indicators.parquet")).height() as u64;
    assert_eq!(
        rows[0], height,
        "frictionless read every row of the indicators"
    );

    // The validation reads the data: a package that misdescribes it fails.
    let copy = tempfile::tempdir().unwrap();
    for f in ["indicators.parquet", "findings.parquet"] {
        std::fs::copy(dir.join(f), copy.path().join(f)).unwrap();
    }
    let mut wrong = p.clone();
    let fields = wrong["resources"][0]["schema"]["fields"]
        .as_array_mut()
        .unwrap();
    let conf = fields
        .iter_mut()
        .find(|f| f["name"] == "conf_status")
        .unwrap();
    conf["constraints"]["enum"] = serde_json::json!(["C", "D"]);
    std::fs::write(
        copy.path().join("datapackage.json"),
        serde_json::to_string(&wrong).unwrap(),
    )
    .unwrap();
    let (valid, report) = frictionless(copy.path());
    assert!(!valid);
    assert!(
        report.to_string().contains("constraint-error"),
        "{report:#}"
    );
}

#[test]
fn a_research_extract_is_documented_once_it_exists() {
    // A copy of the output in which `nqs extract` writes the year's research extract: the
    // dictionary and the data package describe it from then on.
    let copy = tempfile::tempdir().unwrap();
    copy_tree(output(), copy.path());
    let o = nqs(copy.path(), &["extract", "--year", YEAR]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = copy.path().join(YEAR);
    let extract = dir.join("research/recognitions.parquet");
    let md = std::fs::read_to_string(dir.join("dictionary.md")).unwrap();
    let s = section(&md, "recognitions");
    assert_eq!(documented_columns(s), parquet_columns(&extract));
    assert!(s.contains("| `score` | integer | per cent |"), "{s}");
    let p = package(&dir);
    assert_eq!(p["resources"][2]["path"], "research/recognitions.parquet");
    let (valid, report) = frictionless(&dir);
    assert!(valid, "{report:#}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("research/extract.json")).unwrap())
            .unwrap();
    assert_eq!(
        report["tasks"][2]["stats"]["rows"],
        record["records_written"]
    );
    // The next run keeps documenting it.
    let o = nqs(
        copy.path(),
        &["run", "--year", YEAR, "--as-of", "2026-11-25"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let (valid, report) = frictionless(&dir);
    assert!(valid, "{report:#}");
    assert_eq!(package(&dir)["resources"].as_array().unwrap().len(), 3);
}

#[test]
fn the_report_describes_the_published_tables_in_words() {
    let dir = year_dir();
    let dictionary: toml::Value = toml::from_str(
        &std::fs::read_to_string(project_root().join("pipelines/dictionary.toml")).unwrap(),
    )
    .unwrap();
    let latin = regex::Regex::new(r"[A-Za-z][A-Za-z0-9_.]*").unwrap();
    for (lang, title) in [
        ("ru", "Описание публикуемых данных"),
        ("kk", "Жарияланатын деректердің сипаттамасы"),
    ] {
        let text = pdf_text(&dir.join(format!("report-{lang}.pdf")));
        // The annex: its heading in the contents and on its page, then its tables.
        let at = text
            .rfind(title)
            .unwrap_or_else(|| panic!("{lang}: {title}"));
        assert!(text[..at].contains(title), "{lang}: in the contents too");
        let annex = &text[at..];
        for table in dictionary["table"].as_array().unwrap() {
            let t = table["title"][lang].as_str().unwrap();
            assert!(annex.contains(t), "{lang}: the table {t}");
            for c in table["column"].as_array().unwrap() {
                let d = c["description"][lang].as_str().unwrap();
                assert!(annex.contains(d), "{lang}: {d}");
                // A technical id never stands in the report.
                let name = c["name"].as_str().unwrap();
                assert!(!annex.contains(name), "{lang}: the column name {name}");
            }
        }
        for word in ["текст", "число"]
            .iter()
            .filter(|_| lang == "ru")
            .chain(["мәтін", "сан"].iter().filter(|_| lang == "kk"))
        {
            assert!(annex.contains(word), "{lang}: the type {word}");
        }
        // Latin letters only in SDMX, the standard cited.
        let words: Vec<&str> = latin
            .find_iter(annex)
            .map(|m| m.as_str())
            .filter(|w| *w != "SDMX")
            .collect();
        assert!(
            words.is_empty(),
            "{lang}: Latin words in the annex: {words:?}"
        );
    }
}
