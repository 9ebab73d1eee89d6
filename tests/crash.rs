//! Crash safety, proven at every write (src/atomic.rs). For `ingest`, `run` and `report`, the
//! real binary is crashed (`NQS_FAILPOINT=<n>`: abort at the n-th write-or-rename step) at
//! every step in turn, killed with SIGKILL at seeded random moments, and given a full disk
//! (`NQS_FAILPOINT=enospc:<n>`). After each: every file a reader sees reads back whole (Parquet
//! through polars, JSON, PDFs from `%PDF` to `%%EOF`, the DuckDB catalogue), no temporary file is
//! visible, each output of `run`/`report` is its previous version or its new one, and the next
//! uninterrupted command gives what an uninterrupted one gives.

use crate::common::{SAMPLE_AS_OF, project_root, stderr};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const AS_OF_BEFORE: &str = "2026-11-20";

/// The binary under test, copied once: the target folder is shared, and another worktree's
/// build may replace `CARGO_BIN_EXE_nqs` while these tests run.
fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let bytes = std::fs::read(env!("CARGO_BIN_EXE_nqs")).unwrap();
        assert!(
            bytes.windows(13).any(|w| w == b"nqs-failpoint"),
            "{} has no failpoints: another build replaced it; run the test again",
            env!("CARGO_BIN_EXE_nqs")
        );
        let path = std::env::temp_dir().join(format!("nqs-crash-{}-bin", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    })
}

fn command(output: &Path, args: &[&str], failpoint: Option<&str>) -> Command {
    let root = project_root();
    let mut c = Command::new(binary());
    c.arg("--pipelines")
        .arg(root.join("pipelines"))
        .arg("--output")
        .arg(output)
        .arg("--templates")
        .arg(root.join("report-templates"))
        .args(args)
        .env_remove("NQS_PSEUDONYM_KEY")
        .env_remove("NQS_PSEUDONYM_KEY_FILE")
        .env_remove("NQS_AS_OF")
        .env_remove("NQS_FAILPOINT");
    if let Some(f) = failpoint {
        c.env("NQS_FAILPOINT", f);
    }
    c
}

fn nqs(output: &Path, args: &[&str], failpoint: Option<&str>) -> Output {
    command(output, args, failpoint)
        .output()
        .expect("the nqs binary runs")
}

fn ok(output: &Path, args: &[&str]) -> Output {
    let o = nqs(output, args, None);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

/// The write-or-rename steps of a command, as `NQS_FAILPOINT=list` prints them (on a copy).
fn steps(from: &Path, args: &[&str], scratch: &Path) -> Vec<String> {
    copy(from, scratch);
    let o = nqs(scratch, args, Some("list"));
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stderr(&o)
        .lines()
        .filter_map(|l| l.strip_prefix("nqs-failpoint "))
        .map(str::to_string)
        .collect()
}

fn copy(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    let s = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(s.success());
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("nqs-crash-{}-{name}", std::process::id()))
}

struct Base {
    /// `inbox_small` ingested.
    lake_before: PathBuf,
    /// `inbox_full` ingested over `lake_before`, uninterrupted.
    lake_after: PathBuf,
    inbox_full: PathBuf,
    /// The sample ingested, `run` as of [`AS_OF_BEFORE`] and `report --lang ru`.
    before: PathBuf,
    /// `before`, then `run` as of [`SAMPLE_AS_OF`] and `report --lang ru`, uninterrupted.
    after: PathBuf,
    /// How long the uninterrupted commands took (ms): the span the kills are drawn from.
    ingest_ms: u64,
    run_ms: u64,
    report_ms: u64,
}

const RUN: [&str; 5] = ["run", "--year", "2026", "--as-of", SAMPLE_AS_OF];
const REPORT: [&str; 5] = ["report", "--year", "2026", "--lang", "ru"];

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let sample = project_root().join("datasets/sample");
        let inbox_small = scratch("inbox-small");
        let inbox_full = scratch("inbox-full");
        for (inbox, sources) in [
            (&inbox_small, &["sqf"][..]),
            (&inbox_full, &["sqf", "centres", "councils"][..]),
        ] {
            let _ = std::fs::remove_dir_all(inbox);
            std::fs::create_dir_all(inbox).unwrap();
            for s in sources {
                copy(&sample.join(s), &inbox.join(s));
            }
        }
        let lake_before = scratch("lake-before");
        let _ = std::fs::remove_dir_all(&lake_before);
        ok(
            &lake_before,
            &["ingest", inbox_small.to_str().unwrap(), "--sample"],
        );
        let lake_after = scratch("lake-after");
        copy(&lake_before, &lake_after);
        let ingest_ms = timed(
            &lake_after,
            &["ingest", inbox_full.to_str().unwrap(), "--sample"],
        );

        let before = scratch("before");
        let _ = std::fs::remove_dir_all(&before);
        ok(&before, &["ingest", sample.to_str().unwrap(), "--sample"]);
        ok(&before, &["run", "--year", "2026", "--as-of", AS_OF_BEFORE]);
        ok(&before, &REPORT);
        let after = scratch("after");
        copy(&before, &after);
        let run_ms = timed(&after, &RUN);
        let report_ms = timed(&after, &REPORT);
        Base {
            lake_before,
            lake_after,
            inbox_full,
            before,
            after,
            ingest_ms,
            run_ms,
            report_ms,
        }
    })
}

fn ingest_args(b: &Base) -> Vec<&str> {
    vec!["ingest", b.inbox_full.to_str().unwrap(), "--sample"]
}

/// What a reader can see of a file, compared by content.
#[derive(Debug)]
enum Content {
    Parquet(DataFrame),
    Json(serde_json::Value),
    Catalogue(Vec<(String, String)>),
    Bytes(Vec<u8>),
}

impl PartialEq for Content {
    fn eq(&self, other: &Content) -> bool {
        match (self, other) {
            (Content::Parquet(a), Content::Parquet(b)) => a.equals_missing(b),
            (Content::Json(a), Content::Json(b)) => a == b,
            (Content::Catalogue(a), Content::Catalogue(b)) => a == b,
            (Content::Bytes(a), Content::Bytes(b)) => a == b,
            _ => false,
        }
    }
}

/// Run ids change from run to run: they are taken out of what is compared.
fn without_run_ids(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("run_id");
            m.remove("lake_runs");
            m.values_mut().for_each(without_run_ids);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_run_ids),
        _ => {}
    }
}

/// Reads one file as a reader would; panics (naming it) when it does not read back whole.
fn read(path: &Path) -> Content {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let bytes = std::fs::read(path).unwrap();
    if name.ends_with(".parquet") {
        let mut df = ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for c in ["_run_id", "run_id"] {
            if df.get_column_names().iter().any(|n| n.as_str() == c) {
                df = df.drop(c).unwrap();
            }
        }
        Content::Parquet(df)
    } else if name.ends_with(".json") {
        let mut v: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        without_run_ids(&mut v);
        Content::Json(v)
    } else if name.ends_with(".pdf") {
        assert!(bytes.starts_with(b"%PDF"), "{}", path.display());
        let end = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..]).to_string();
        assert!(end.trim_end().ends_with("%%EOF"), "{}", path.display());
        Content::Bytes(bytes)
    } else if name.ends_with(".duckdb") {
        let config = duckdb::Config::default()
            .access_mode(duckdb::AccessMode::ReadOnly)
            .unwrap();
        let conn = duckdb::Connection::open_with_flags(path, config)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut stmt = conn
            .prepare(
                "select view_name, sql from duckdb_views() where not internal order by view_name",
            )
            .unwrap();
        let views = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<Vec<(String, String)>, _>>()
            .unwrap();
        assert!(!views.is_empty(), "{}", path.display());
        Content::Catalogue(views)
    } else {
        Content::Bytes(bytes)
    }
}

/// Every file a reader sees under `dir` (hidden files and folders aside: temporary files, the
/// lock, a commit journal, staging), read back whole. `_runs/` records are only parsed.
/// What ingest writes: the lake and the quarantine beside it.
fn lake_state(dir: &Path) -> BTreeMap<String, Content> {
    snapshot(dir)
        .into_iter()
        .filter(|(k, _)| k.starts_with("lake/") || k.starts_with("quarantine/"))
        .collect()
}

fn snapshot(dir: &Path) -> BTreeMap<String, Content> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let path = e.path();
            if name.starts_with('.') {
                continue;
            }
            assert!(
                !name.ends_with(".tmp") && !name.ends_with(".wal"),
                "a temporary file is visible: {}",
                path.display()
            );
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let content = read(&path);
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .to_string();
            if !rel.contains("_runs/") {
                out.insert(rel, content);
            }
        }
    }
    out
}

fn assert_same(got: &BTreeMap<String, Content>, want: &BTreeMap<String, Content>, what: &str) {
    let gk: Vec<_> = got.keys().collect();
    let wk: Vec<_> = want.keys().collect();
    assert_eq!(gk, wk, "{what}: the files differ");
    for (k, v) in want {
        assert!(got[k] == *v, "{what}: {k} differs");
    }
}

/// Each file is whole and is either its version before the command or after it.
fn assert_old_or_new(
    got: &BTreeMap<String, Content>,
    old: &BTreeMap<String, Content>,
    new: &BTreeMap<String, Content>,
    what: &str,
) {
    for (k, v) in got {
        assert!(
            old.get(k) == Some(v) || new.get(k) == Some(v),
            "{what}: {k} is neither its old nor its new version"
        );
    }
    for k in old.keys() {
        assert!(got.contains_key(k), "{what}: {k} is gone");
    }
}

fn aborted(o: &Output, what: &str) {
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        o.status.signal(),
        Some(libc::SIGABRT),
        "{what} should have crashed: {}",
        stderr(o)
    );
}

/// The clean command after a crash: it succeeds and says it cleared the dead run's lock.
fn clean_after_crash(dir: &Path, args: &[&str], what: &str) {
    let o = ok(dir, args);
    assert!(
        stderr(&o).contains("cleared a stale lock"),
        "{what}: {}",
        stderr(&o)
    );
    let lock = std::fs::read_to_string(dir.join(".nqs.lock")).unwrap();
    assert!(lock.is_empty(), "{what}: the lock is released empty");
}

#[test]
fn ingest_survives_a_crash_at_every_write() {
    let b = base();
    let args = ingest_args(b);
    let list = steps(&b.lake_before, &args, &scratch("ingest-list"));
    assert!(list.len() > 10, "{list:?}");
    let want = lake_state(&b.lake_after);
    let dir = scratch("ingest-fp");
    for n in 1..=list.len() {
        let what = format!("ingest, failpoint {n} ({})", list[n - 1]);
        copy(&b.lake_before, &dir);
        aborted(&nqs(&dir, &args, Some(&n.to_string())), &what);
        snapshot(&dir);
        clean_after_crash(&dir, &args, &what);
        assert_same(&lake_state(&dir), &want, &what);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("ingest: {} failpoints passed", list.len());
}

fn year_outputs(dir: &Path) -> BTreeMap<String, Content> {
    snapshot(dir)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("lake/") && !k.starts_with("quarantine/"))
        .collect()
}

/// `run`'s outputs: the year's, the report's (which `run` leaves alone) aside.
fn run_outputs(all: BTreeMap<String, Content>) -> BTreeMap<String, Content> {
    all.into_iter()
        .filter(|(k, _)| !k.contains("/report-"))
        .collect()
}

/// Crashed at each step in turn on the same folder (each crash starting from what the last
/// left), every output is its old or new version; the uninterrupted run after the last crash
/// gives the uninterrupted run's outputs. A command takes seconds here, so one clean run
/// closes the chain (besides each `clean_after_crash` of the kill test).
fn crash_at_every_step(
    from: &Path,
    args: &[&str],
    name: &str,
    keep: fn(BTreeMap<String, Content>) -> BTreeMap<String, Content>,
) -> usize {
    let b = base();
    let list = steps(from, args, &scratch(&format!("{name}-list")));
    assert!(!list.is_empty());
    let old = year_outputs(from);
    let new = year_outputs(&b.after);
    let dir = scratch(&format!("{name}-fp"));
    copy(from, &dir);
    for n in 1..=list.len() {
        let what = format!("{name}, failpoint {n} ({})", list[n - 1]);
        aborted(&nqs(&dir, args, Some(&n.to_string())), &what);
        assert_old_or_new(&year_outputs(&dir), &old, &new, &what);
    }
    clean_after_crash(&dir, args, name);
    assert_same(&keep(year_outputs(&dir)), &keep(new), name);
    let _ = std::fs::remove_dir_all(&dir);
    list.len()
}

#[test]
fn run_survives_a_crash_at_every_write() {
    let b = base();
    let n = crash_at_every_step(&b.before, &RUN, "run", run_outputs);
    assert!(n >= 20, "{n}");
    eprintln!("run: {n} failpoints passed");
}

#[test]
fn report_survives_a_crash_at_every_write() {
    let b = base();
    // From the year's new run with the old report beside it.
    let from = scratch("report-from");
    copy(&b.after, &from);
    for f in ["report-ru.pdf", "report-context.ru.json"] {
        std::fs::copy(b.before.join("2026").join(f), from.join("2026").join(f)).unwrap();
    }
    let n = crash_at_every_step(&from, &REPORT, "report", |all| all);
    assert!(n >= 4, "{n}");
    eprintln!("report: {n} failpoints passed");
}

/// `publish` (the edition: both PDFs rendered unmarked, the figures and the record staged in a
/// hidden folder, then the folder renamed into place): at every step, either no edition or the
/// whole edition is visible, and the publish after the last crash gives the uninterrupted one.
#[test]
fn publish_survives_a_crash_at_every_write() {
    let b = base();
    // Published on the run's judging day, before the para. 21 deadline whatever today is.
    let publish = ["publish", "--year", "2026", "--as-of", SAMPLE_AS_OF];
    let done = scratch("publish-done");
    copy(&b.after, &done);
    ok(&done, &publish);
    let old = year_outputs(&b.after);
    let new = year_outputs(&done);
    let edition_files = new.keys().filter(|k| k.starts_with("editions/")).count();
    assert!(edition_files >= 8, "{edition_files}");
    let list = steps(&b.after, &publish, &scratch("publish-list"));
    let dir = scratch("publish-fp");
    copy(&b.after, &dir);
    for n in 1..=list.len() {
        let what = format!("publish, failpoint {n} ({})", list[n - 1]);
        aborted(&nqs(&dir, &publish, Some(&n.to_string())), &what);
        let got = year_outputs(&dir);
        assert_old_or_new(&got, &old, &new, &what);
        let shown = got.keys().filter(|k| k.starts_with("editions/")).count();
        assert!(
            shown == 0 || shown == edition_files,
            "{what}: {shown} of the edition's {edition_files} files are visible"
        );
    }
    clean_after_crash(&dir, &publish, "publish");
    // `edition.json` records when it was published: the same day in both.
    assert_same(&year_outputs(&dir), &new, "publish");
    for d in [done, dir] {
        let _ = std::fs::remove_dir_all(d);
    }
    eprintln!("publish: {} failpoints passed", list.len());
}

/// A small seeded generator (splitmix64): the kill moments are the same on every run.
struct Seeded(u64);
impl Seeded {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n.max(1)
    }
}

/// Starts the command, SIGKILLs it after `ms` milliseconds (if it is still running).
fn kill_after(dir: &Path, args: &[&str], ms: u64) {
    let mut child = command(dir, args, None)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(ms));
    let _ = child.kill();
    child.wait().unwrap();
}

fn timed(dir: &Path, args: &[&str]) -> u64 {
    let t = std::time::Instant::now();
    ok(dir, args);
    t.elapsed().as_millis() as u64
}

#[test]
fn sigkill_at_random_moments_twenty_times() {
    let b = base();
    let mut rng = Seeded(20261201);
    let dir = scratch("kill");
    let args = ingest_args(b);
    // ingest: 13 kills, each from the smaller lake.
    let t = b.ingest_ms;
    let want = lake_state(&b.lake_after);
    for k in 0..13 {
        copy(&b.lake_before, &dir);
        let ms = rng.below(t);
        kill_after(&dir, &args, ms);
        snapshot(&dir);
        ok(&dir, &args);
        assert_same(
            &lake_state(&dir),
            &want,
            &format!("ingest kill {k} at {ms} ms"),
        );
    }
    // run: 5 kills; report: 2.
    let old = year_outputs(&b.before);
    let new = year_outputs(&b.after);
    let t = b.run_ms;
    for k in 0..5 {
        copy(&b.before, &dir);
        let ms = rng.below(t);
        kill_after(&dir, &RUN, ms);
        let what = format!("run kill {k} at {ms} ms");
        assert_old_or_new(&year_outputs(&dir), &old, &new, &what);
        ok(&dir, &RUN);
        assert_same(
            &run_outputs(year_outputs(&dir)),
            &run_outputs(year_outputs(&b.after)),
            &what,
        );
    }
    let t = b.report_ms;
    for k in 0..2 {
        let ms = rng.below(t);
        kill_after(&dir, &REPORT, ms);
        let what = format!("report kill {k} at {ms} ms");
        assert_old_or_new(&year_outputs(&dir), &old, &new, &what);
        ok(&dir, &REPORT);
        assert_same(&year_outputs(&dir), &new, &what);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A full disk at a step: exit 1, an error naming the file, nothing half-written in place
/// (every file its old version), no temporary file left.
#[test]
fn a_full_disk_fails_cleanly_naming_the_file() {
    let b = base();
    let dir = scratch("enospc");
    let old = year_outputs(&b.before);
    let list = steps(&b.before, &RUN, &scratch("enospc-list"));
    for n in [1, 4, 12] {
        copy(&b.before, &dir);
        let o = nqs(&dir, &RUN, Some(&format!("enospc:{n}")));
        let what = format!("run, full disk at {}", list[n - 1]);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr(&o));
        let file = list[n - 1].rsplit('/').next().unwrap();
        let err = stderr(&o);
        assert!(
            err.contains(file) && err.contains("No space left on device"),
            "{what}: {err}"
        );
        let got = year_outputs(&dir);
        let new = year_outputs(&b.after);
        assert_old_or_new(&got, &old, &new, &what);
        assert!(!dir.join(".nqs.duckdb.tmp").exists());
        assert!(!dir.join("2026/.indicators.xlsx.tmp").exists());
        // The lock went with the process, emptied.
        assert!(
            std::fs::read_to_string(dir.join(".nqs.lock"))
                .unwrap()
                .is_empty()
        );
    }
    // ingest: at the first staged write and at a rename inside the commit (the journal
    // finishes it on the next command).
    let args = ingest_args(b);
    let list = steps(&b.lake_before, &args, &scratch("enospc-list"));
    let want = lake_state(&b.lake_after);
    let before = lake_state(&b.lake_before);
    let rename = list
        .iter()
        .position(|s| s.split(' ').nth(1) == Some("rename"))
        .unwrap()
        + 1;
    for n in [1, rename] {
        copy(&b.lake_before, &dir);
        let o = nqs(&dir, &args, Some(&format!("enospc:{n}")));
        let what = format!("ingest, full disk at {}", list[n - 1]);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr(&o));
        assert!(stderr(&o).contains("No space left on device"), "{what}");
        let got = lake_state(&dir);
        if n == 1 {
            assert_same(&got, &before, &what);
            let staging = std::fs::read_dir(dir.join("lake"))
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(".staging"))
                .count();
            assert_eq!(staging, 0, "{what}: staging left");
        }
        ok(&dir, &args);
        assert_same(&lake_state(&dir), &want, &what);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
