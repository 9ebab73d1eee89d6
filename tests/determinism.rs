//! The same inputs give the same files, byte for byte, whatever the number of threads and the
//! order in which the file system lists the extracts.
//!
//! Two output folders are made from the committed sample: one as a user would (default threads,
//! `datasets/sample` itself), the other single-threaded (`--threads 1` for DuckDB, and one
//! thread for polars and rayon too) from a copy of the sample whose files were created in the
//! reverse order, so that its folders list them in another order. Each gets `nqs ingest`,
//! `nqs run`, `nqs report` and `nqs extract`, and every file of the two is compared.
//!
//! Byte for byte: the lake's partitions, quarantine and manifest (whose run ids are digests of
//! the lake before and the input files, see `ingest::run_id`), `run.json`, the indicators
//! (Parquet, XLSX, SDMX-CSV, `structure.xml`), the findings, the dictionary and
//! `datapackage.json`, the report contexts, both PDFs, `extract.json` and the catalogue
//! `nqs.duckdb`. Compared otherwise, and why:
//! - the ingest run record `lake/_runs/<id>.json`, except `started_at` (when the run happened)
//!   and `input` (the folder it read, here two different ones): both are what the record is for;
//! - the research extract `recognitions.parquet`, except its `person` column, whose pseudonyms
//!   come from a key drawn at random for each extract by design: the other columns are compared
//!   value for value and row for row, and `person` by which rows it links together.
//!
//! Ingest sorts the files it finds (`ingest::discover`) before it reads them, and the order
//! matters: of two rows with one key in different files the first is accepted and the other
//! quarantined as a duplicate, and the run record shows the first quarantined rows. The
//! reordered copy is checked to list some folder otherwise than the sample does.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How a pipeline is run: as a user would, or on one thread with the extracts listed otherwise.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Default,
    SingleThread,
}

/// Runs `nqs` on `output` in `mode`: `--threads 1` and one polars and rayon thread for
/// [`Mode::SingleThread`]; whatever the machine gives for [`Mode::Default`].
fn nqs_mode(mode: Mode, output: &Path, args: &[&str]) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nqs"));
    cmd.arg("--pipelines")
        .arg(project_root().join("pipelines"))
        .arg("--output")
        .arg(output)
        .arg("--templates")
        .arg(project_root().join("report-templates"))
        .env_remove("NQS_PSEUDONYM_KEY")
        .env_remove("NQS_PSEUDONYM_KEY_FILE")
        .env_remove("NQS_AS_OF")
        .env_remove("NQS_THREADS");
    match mode {
        Mode::Default => {
            cmd.env_remove("POLARS_MAX_THREADS")
                .env_remove("RAYON_NUM_THREADS");
        }
        Mode::SingleThread => {
            cmd.arg("--threads")
                .arg("1")
                .env("POLARS_MAX_THREADS", "1")
                .env("RAYON_NUM_THREADS", "1");
        }
    }
    let o = cmd.args(args).output().expect("the nqs binary runs");
    assert!(
        o.status.success(),
        "nqs {} ({}): {}",
        args.join(" "),
        output.display(),
        stderr(&o)
    );
}

/// Ingests `input` into `output`, runs 2026 and writes both reports; then, after `between`
/// (a snapshot), the 2026 research extract.
fn pipeline(mode: Mode, input: &Path, output: &Path) -> [Vec<(String, Vec<u8>)>; 2] {
    nqs_mode(
        mode,
        output,
        &["ingest", input.to_str().unwrap(), "--sample"],
    );
    nqs_mode(
        mode,
        output,
        &["run", "--year", "2026", "--as-of", SAMPLE_AS_OF],
    );
    nqs_mode(
        mode,
        output,
        &["report", "--year", "2026", "--lang", "kk,ru"],
    );
    let reported = snapshot(output);
    nqs_mode(
        mode,
        output,
        &["extract", "--year", "2026", "--as-of", SAMPLE_AS_OF],
    );
    [reported, snapshot(output)]
}

/// The names in each folder under `dir` in the order the file system lists them.
fn listing(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut names = Vec::new();
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            }
            names.push(e.file_name().to_string_lossy().into_owned());
        }
        let rel = d.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        out.insert(rel, names);
    }
    out
}

/// Copies every file under `from` to `to`, creating them (and their folders) in the reverse of
/// their sorted order: the same names and bytes, listed in another order by file systems that
/// list by creation (tmpfs, the one used when there is `/dev/shm`).
fn reversed_copy(from: &Path, to: &Path) {
    let mut files: Vec<String> = snapshot(from).into_iter().map(|(rel, _)| rel).collect();
    files.reverse();
    for rel in files {
        let target = to.join(&rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), target).unwrap();
    }
}

/// A run record without what is the run's own: when it ran and which folder it read.
fn run_record_without_time_and_place(bytes: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let record = v.as_object_mut().expect("a run record is an object");
    assert!(record.remove("started_at").is_some(), "no started_at");
    assert!(record.remove("input").is_some(), "no input");
    v
}

/// The extract's rows without `person`, and its persons as the groups of rows they link
/// (each a sorted list of rows, the groups sorted): the same for two extracts that hold the
/// same records and link the same records to one person, whatever the pseudonyms (which also
/// break ties in the row order, so rows differing only in the person may swap).
fn extract_without_pseudonyms(path: &Path) -> (polars::prelude::DataFrame, Vec<Vec<String>>) {
    let df = read_parquet(path);
    let persons = strs(&df, "person");
    let rest = df.drop("person").unwrap();
    let mut groups: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
    for (i, p) in persons.into_iter().enumerate() {
        let row = rest.get_row(i).unwrap();
        groups.entry(p).or_default().push(format!("{:?}", row.0));
    }
    let mut groups: Vec<Vec<String>> = groups.into_values().collect();
    for g in &mut groups {
        g.sort();
    }
    groups.sort();
    (rest, groups)
}

/// The files that differ between `a` and `b` (after what is compared otherwise has been set
/// aside), and the names only one holds.
fn differences(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) -> Vec<String> {
    let b: BTreeMap<&str, &Vec<u8>> = b.iter().map(|(n, v)| (n.as_str(), v)).collect();
    let a: BTreeMap<&str, &Vec<u8>> = a.iter().map(|(n, v)| (n.as_str(), v)).collect();
    let mut out = Vec::new();
    for name in a
        .keys()
        .chain(b.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (Some(x), Some(y)) = (a.get(name), b.get(name)) else {
            out.push(format!("{name}: only in one output"));
            continue;
        };
        let same = if name.starts_with("lake/_runs/") {
            run_record_without_time_and_place(x) == run_record_without_time_and_place(y)
        } else if name.ends_with("research/recognitions.parquet") {
            // Read back from the bytes compared, not from the folders, which move on.
            let read = |bytes: &[u8]| {
                let f = tempfile::NamedTempFile::new().unwrap();
                std::fs::write(f.path(), bytes).unwrap();
                extract_without_pseudonyms(f.path())
            };
            let ((dx, lx), (dy, ly)) = (read(x), read(y));
            dx.equals_missing(&dy) && lx == ly
        } else {
            x == y
        };
        if !same {
            out.push(format!("{name}: differs"));
        }
    }
    out
}

#[test]
fn the_same_extracts_give_the_same_files_whatever_the_threads_and_the_listing_order() {
    let work = tempfile::tempdir().unwrap();
    let sample = project_root().join("datasets/sample");
    // tmpfs lists a folder's files by creation, so the reversed copy lists them otherwise than
    // the sample's own folders do (which ext4 lists by a hash of the names).
    let shm = Path::new("/dev/shm");
    let copy_root = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let reordered = copy_root.path().join("sample");
    reversed_copy(&sample, &reordered);
    let (before, after) = (listing(&sample), listing(&reordered));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let sorted = |names: &Vec<String>| {
        let mut s = names.clone();
        s.sort();
        s
    };
    let relisted: Vec<&String> = before
        .iter()
        .filter(|(dir, names)| after[*dir] != **names)
        .map(|(dir, _)| dir)
        .collect();
    assert!(
        !relisted.is_empty(),
        "the copy in {} lists every folder in the sample's order: this file system cannot \
         show that ingest does not depend on it",
        reordered.display()
    );
    assert!(
        before
            .iter()
            .all(|(dir, names)| sorted(names) == sorted(&after[dir])),
        "the copy holds the same names"
    );
    assert_eq!(snapshot(&sample), snapshot(&reordered), "the same bytes");

    let out_a: PathBuf = work.path().join("default");
    let out_b: PathBuf = work.path().join("single");
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| pipeline(Mode::Default, &sample, &out_a));
        let b = s.spawn(|| pipeline(Mode::SingleThread, &reordered, &out_b));
        (a.join().unwrap(), b.join().unwrap())
    });

    let names: Vec<&str> = a[1].iter().map(|(n, _)| n.as_str()).collect();
    for must in [
        "lake/_manifest.json",
        "quarantine/recognition_results.parquet",
        "lake/recognition_results/2026/01/data.parquet",
        "lake/_runs/",
        "2026/indicators.parquet",
        "2026/indicators.xlsx",
        "2026/indicators.sdmx.csv",
        "2026/structure.xml",
        "2026/findings.parquet",
        "2026/findings.json",
        "2026/run.json",
        "2026/dictionary.md",
        "2026/datapackage.json",
        "2026/report-kk.pdf",
        "2026/report-ru.pdf",
        "2026/research/recognitions.parquet",
        "2026/research/extract.json",
        "nqs.duckdb",
    ] {
        assert!(
            names.iter().any(|n| n.starts_with(must)),
            "{must} was not written: {names:?}"
        );
    }
    for (stage, (x, y)) in ["after the report", "after the extract"]
        .iter()
        .zip(a.iter().zip(&b))
    {
        let diff = differences(x, y);
        assert!(
            diff.is_empty(),
            "{stage}, the default run and the single-threaded run over the reordered copy \
             differ:\n{}",
            diff.join("\n")
        );
    }
}
