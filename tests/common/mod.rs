//! Shared helpers for the integration tests: run the real binary, build small extracts.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `nqs` with the project's pipelines and the given output folder.
pub fn nqs(output: &Path, args: &[&str]) -> Output {
    nqs_in(&project_root().join("pipelines"), output, args)
}

/// Runs `nqs` with a pipelines folder of the test's own (the project's templates, no key and
/// no judging day from the environment).
pub fn nqs_in(pipelines: &Path, output: &Path, args: &[&str]) -> Output {
    nqs_with(
        pipelines,
        &project_root().join("report-templates"),
        output,
        args,
    )
}

/// Runs `nqs` with a pipelines and a templates folder of the test's own.
pub fn nqs_with(pipelines: &Path, templates: &Path, output: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nqs"))
        .arg("--pipelines")
        .arg(pipelines)
        .arg("--output")
        .arg(output)
        .arg("--templates")
        .arg(templates)
        .args(args)
        .env_remove("NQS_PSEUDONYM_KEY")
        .env_remove("NQS_PSEUDONYM_KEY_FILE")
        .env_remove("NQS_AS_OF")
        .output()
        .expect("the nqs binary runs")
}

/// The judging day of the sample runs, as the Makefile's `AS_OF`: the sample was generated as
/// of 20 November 2026, and a fixed day keeps its outputs the same whenever they are made.
pub const SAMPLE_AS_OF: &str = "2026-11-25";

/// A fresh output folder `nqs-<name>-test-<pid>` in the temp dir: the committed sample
/// ingested, then `nqs run` for each of `years` in turn (each run publishes its year's five-year
/// window and rewrites `nqs.duckdb` over every year run so far), as of [`SAMPLE_AS_OF`].
pub fn sample_output(name: &str, years: &[i32]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nqs-{name}-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sample = project_root().join("datasets/sample");
    let o = nqs(&dir, &["ingest", sample.to_str().unwrap(), "--sample"]);
    assert!(o.status.success(), "ingest: {}", stderr(&o));
    for year in years {
        let year = year.to_string();
        let o = nqs(&dir, &["run", "--year", &year, "--as-of", SAMPLE_AS_OF]);
        assert!(o.status.success(), "run --year {year}: {}", stderr(&o));
    }
    dir
}

/// A pipelines folder under `dir` with the project's providers, code lists and shared SQL and,
/// as its only sources, the given contracts (id, TOML text).
pub fn pipelines_with(dir: &Path, contracts: &[(&str, &str)]) -> PathBuf {
    let p = dir.join("pipelines");
    std::fs::create_dir_all(p.join("sources")).unwrap();
    std::fs::copy(
        project_root().join("pipelines/providers.toml"),
        p.join("providers.toml"),
    )
    .unwrap();
    copy_tree(&project_root().join("pipelines/codes"), &p.join("codes"));
    copy_tree(&project_root().join("pipelines/shared"), &p.join("shared"));
    for (id, text) in contracts {
        std::fs::write(p.join(format!("sources/{id}.toml")), text).unwrap();
    }
    p
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A valid IIN from a birth date (YYMMDD) and the century-and-sex digit.
pub fn iin(yymmdd: &str, century_sex: u8, serial: u32) -> String {
    with_check(&format!("{yymmdd}{century_sex}"), serial)
}

/// A valid BIN registered in YYMM, a resident legal entity's head office.
pub fn bin(yymm: &str, serial: u32) -> String {
    with_check(&format!("{yymm}40"), serial)
}

fn with_check(prefix: &str, serial: u32) -> String {
    let width = 11 - prefix.len();
    (serial..)
        .find_map(|s| {
            let first = format!("{prefix}{:0width$}", s % 10u32.pow(width as u32));
            let digits: Vec<u8> = first.bytes().map(|b| b - b'0').collect();
            nqs::ids::check_digit(&digits).map(|c| format!("{first}{c}"))
        })
        .expect("some serial has a check digit")
}

/// The same number with its check digit changed.
pub fn break_check(id: &str) -> String {
    let last = id.as_bytes()[11] - b'0';
    format!("{}{}", &id[..11], (last + 1) % 10)
}

pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Copies every file under `from` to the same place under `to`, replacing what is there: how a
/// case is laid over a copy of the sample.
pub fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in snapshot(from) {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

/// Every file under `dir` with its bytes, for comparing a lake before and after.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

pub fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".parquet"))
        .map(|(rel, _)| dir.join(rel))
        .collect()
}

pub fn read_parquet(path: &Path) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

/// Every lake row of `source` that came from input `file`, in row order.
pub fn lake_rows_of(lake: &Path, source: &str, file: &str) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    let mut rows: Option<DataFrame> = None;
    for p in parquet_files(&lake.join(source)) {
        let df = read_parquet(&p)
            .lazy()
            .filter(col("_source_file").eq(lit(file)))
            .collect()
            .unwrap();
        match &mut rows {
            Some(r) => {
                r.vstack_mut(&df).unwrap();
            }
            None => rows = Some(df),
        }
    }
    rows.expect("the source has partitions")
        .sort(["_source_row"], SortMultipleOptions::default())
        .unwrap()
}

/// The quarantined rows of `source` from input `file`, in row order.
pub fn quarantine_rows_of(lake: &Path, source: &str, file: &str) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    read_parquet(
        &lake
            .with_file_name("quarantine")
            .join(format!("{source}.parquet")),
    )
    .lazy()
    .filter(col("file").eq(lit(file)))
    .sort(["row"], SortMultipleOptions::default())
    .collect()
    .unwrap()
}

/// A text column's values (`None` where null).
pub fn strs(df: &polars::prelude::DataFrame, column: &str) -> Vec<Option<String>> {
    df.column(column)
        .unwrap()
        .str()
        .unwrap()
        .into_iter()
        .map(|v| v.map(String::from))
        .collect()
}

/// The Python of the virtual environment `scripts/setup.sh` creates (`NQS_TEST_PYTHON`
/// overrides it).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("NQS_TEST_PYTHON") {
        return p.into();
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"));
    cache.join("nqs/venv/bin/python")
}

/// A PDF's text in reading order (`pdftotext`, from poppler-utils, which `scripts/setup.sh`
/// installs): soft hyphens and words broken at line ends joined, no-break spaces and line
/// breaks read as spaces, runs of spaces squeezed.
pub fn pdf_text(path: &Path) -> String {
    let o = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/setup.sh");
    assert!(o.status.success(), "pdftotext {}", path.display());
    String::from_utf8_lossy(&o.stdout)
        .replace("\u{ad}\n", "")
        .replace('\u{ad}', "")
        .replace("-\n", "")
        .replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
