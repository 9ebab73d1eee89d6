//! The Parquet lake: `output/lake/<source>/[YYYY/[MM/]]data.parquet`, zstd compressed, one
//! file per partition, and the manifest; beside it, `output/quarantine/<source>.parquet`.
//!
//! The partition folders are named by the year and month alone, not Hive's `year=YYYY`: a
//! `key=value` folder makes pandas and pyarrow add the key as a dictionary (categorical)
//! column, which clashes with a source's own `year` column and is no integer anywhere else.
//! Readers filter on the rows' own columns instead, and every file carries full min/max
//! statistics, so a year's filter still skips the other years' row groups. A lake written
//! in the earlier layout (`year=YYYY/month=MM/`, `lake/_quarantine/`) is moved to this one by
//! [`upgrade_layout`], journalled like any commit.
//!
//! Every row carries the file it came from (`_source_file`) so that a corrected resubmission
//! of a file replaces exactly that file's rows, and ingesting the same file twice changes
//! nothing. Writes go to a staging folder first and are moved into place only when the whole
//! run has succeeded, so a failed run leaves the lake as it was.

use crate::contract::{ColumnType, Contract, Personal};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};

pub const SOURCE_FILE: &str = "_source_file";
pub const SOURCE_ROW: &str = "_source_row";
pub const FLAGS: &str = "_flags";
/// The manifest's file name in the lake's root.
pub const MANIFEST_NAME: &str = "_manifest.json";
/// The quarantine's folder, beside the lake (`output/quarantine/`), outside the lake's
/// `<source>/**/*.parquet` globs.
pub const QUARANTINE_DIR: &str = "quarantine";
/// Where the quarantine was kept before: inside the lake, where a glob over every source's
/// files caught it.
const LEGACY_QUARANTINE: &str = "_quarantine";
const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    #[error("cannot read or write {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read or write the Parquet file {path}")]
    Parquet { path: PathBuf, source: PolarsError },
    #[error("{path}: the manifest is not readable: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error(
        "the lake at {lake} was pseudonymised with another key (fingerprint {found}, this run's is {expected}); person ids would not match. Use the same key, or ingest into a new lake"
    )]
    OtherKey {
        lake: PathBuf,
        found: String,
        expected: String,
    },
    #[error(
        "{path} has columns that contract `{source_id}` no longer declares ({detail}); delete {dir} and ingest that source's files again"
    )]
    SchemaChanged {
        path: PathBuf,
        source_id: String,
        detail: String,
        dir: PathBuf,
    },
    #[error(
        "the lake at {lake} is in the layout of an earlier nqs (Hive folders such as {example}); `nqs ingest`, `nqs run`, `nqs report` and `nqs extract` move it to this version's layout in place before they start: run one of them (e.g. `nqs ingest` on the same inbox) once"
    )]
    OldLayout { lake: PathBuf, example: PathBuf },
    #[error(
        "{path} was written by another version of nqs (its columns are {found}); ingest into a new lake, or delete {lake} and ingest every source again"
    )]
    QuarantineChanged {
        path: PathBuf,
        found: String,
        lake: PathBuf,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LakeError + '_ {
    move |source| LakeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartitionKey {
    All,
    Year(i32),
    Month(i32, u32),
}

impl PartitionKey {
    pub fn rel_dir(&self) -> String {
        match self {
            PartitionKey::All => String::new(),
            PartitionKey::Year(y) => format!("{y:04}"),
            PartitionKey::Month(y, m) => format!("{y:04}/{m:02}"),
        }
    }

    /// The key of a partition folder (`2024`, `2024/03`, or `""` for the whole source).
    pub fn parse(rel_dir: &str) -> Option<PartitionKey> {
        Self::parse_with(rel_dir, "", "")
    }

    /// The key of a partition folder of the earlier, Hive-style layout (`year=2024/month=03`).
    fn parse_legacy(rel_dir: &str) -> Option<PartitionKey> {
        Self::parse_with(rel_dir, "year=", "month=")
    }

    fn parse_with(rel_dir: &str, year_key: &str, month_key: &str) -> Option<PartitionKey> {
        if rel_dir.is_empty() {
            return Some(PartitionKey::All);
        }
        let mut parts = rel_dir.split('/');
        let year = parts.next()?.strip_prefix(year_key)?.parse().ok()?;
        let key = match parts.next() {
            None => PartitionKey::Year(year),
            Some(m) => {
                let m = m.strip_prefix(month_key)?;
                if m.len() != 2 {
                    return None;
                }
                PartitionKey::Month(year, m.parse().ok().filter(|m| (1..=12).contains(m))?)
            }
        };
        parts.next().is_none().then_some(key)
    }

    /// The partition's year, when it has one.
    pub fn year(&self) -> Option<i32> {
        match self {
            PartitionKey::All => None,
            PartitionKey::Year(y) | PartitionKey::Month(y, _) => Some(*y),
        }
    }
}

/// What the lake knows of every file it has ingested.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub key_fingerprint: String,
    pub files: BTreeMap<String, FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    pub source: String,
    pub sha256: String,
    pub bytes: u64,
    pub format: String,
    pub encoding: Option<String>,
    pub contract_version: u32,
    pub rows_read: u64,
    pub accepted: u64,
    pub quarantined: u64,
    pub flagged: u64,
    /// Rows the contract's transform left out (footnotes, filtered rows); rows read are
    /// accepted + quarantined + excluded.
    #[serde(default)]
    pub excluded: u64,
    pub partitions: Vec<String>,
    /// The latest day of the contract's `partition_by` date among the file's accepted rows
    /// (`YYYY-MM-DD`): how far the data reach, for the report's "data as of".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_date: Option<String>,
    pub missing_columns: Vec<String>,
    pub ignored_columns: Vec<String>,
    pub run_id: String,
}

pub struct Lake {
    root: PathBuf,
}

impl Lake {
    pub fn new(root: &Path) -> Lake {
        Lake {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn manifest(&self) -> Result<Manifest, LakeError> {
        let path = self.root.join(MANIFEST_NAME);
        if !path.exists() {
            return Ok(Manifest {
                format: MANIFEST_FORMAT,
                ..Manifest::default()
            });
        }
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        serde_json::from_str(&text).map_err(|e| LakeError::Manifest {
            path,
            message: e.to_string(),
        })
    }

    pub fn check_key(&self, manifest: &Manifest, fingerprint: &str) -> Result<(), LakeError> {
        if manifest.files.is_empty() || manifest.key_fingerprint == fingerprint {
            return Ok(());
        }
        Err(LakeError::OtherKey {
            lake: self.root.clone(),
            found: manifest.key_fingerprint.clone(),
            expected: fingerprint.to_string(),
        })
    }

    pub fn source_dir(&self, source: &str) -> PathBuf {
        self.root.join(source)
    }

    pub fn partition_path(&self, source: &str, key: PartitionKey) -> PathBuf {
        self.source_dir(source)
            .join(key.rel_dir())
            .join("data.parquet")
    }

    pub fn quarantine_path(&self, source: &str) -> PathBuf {
        quarantine_dir(&self.root).join(format!("{source}.parquet"))
    }

    /// The partitions a source has in the lake now.
    pub fn partitions(&self, source: &str) -> Vec<PartitionKey> {
        let dir = self.source_dir(source);
        let mut found = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.file_name().is_some_and(|n| n == "data.parquet") {
                    let rel = p
                        .parent()
                        .and_then(|parent| parent.strip_prefix(&dir).ok())
                        .map(|r| r.to_string_lossy().replace('\\', "/"))
                        .unwrap_or_default();
                    if let Some(k) = PartitionKey::parse(&rel) {
                        found.push(k);
                    }
                }
            }
        }
        found.sort();
        found
    }

    pub fn write_manifest(
        &self,
        staging: &mut Staging,
        manifest: &Manifest,
    ) -> Result<(), LakeError> {
        let text = serde_json::to_string_pretty(manifest).expect("manifest serialises");
        staging.write_bytes(&self.root.join(MANIFEST_NAME), text.as_bytes())
    }
}

/// The quarantine's folder for the lake at `root` (`output/lake` → `output/quarantine`).
pub fn quarantine_dir(root: &Path) -> PathBuf {
    match root.parent() {
        Some(parent) => parent.join(QUARANTINE_DIR),
        None => PathBuf::from(QUARANTINE_DIR),
    }
}

/// The files of a lake in the layout before this one (`<source>/year=YYYY[/month=MM]/` and
/// `lake/_quarantine/`), each with where it goes now; empty when the lake is in today's layout.
pub fn legacy_files(root: &Path) -> Vec<(PathBuf, PathBuf)> {
    let lake = Lake::new(root);
    let mut moves = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for dir in entries.into_iter().filter(|d| d.is_dir()) {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == LEGACY_QUARANTINE {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            files.sort();
            for f in files {
                if let Some(source) = f
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_suffix(".parquet"))
                {
                    moves.push((f.clone(), lake.quarantine_path(source)));
                }
            }
            continue;
        }
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            let Ok(found) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in found.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.file_name().is_some_and(|n| n == "data.parquet") {
                    let rel = p
                        .parent()
                        .and_then(|parent| parent.strip_prefix(&dir).ok())
                        .map(|r| r.to_string_lossy().replace('\\', "/"))
                        .unwrap_or_default();
                    if rel.is_empty() {
                        continue;
                    }
                    if let Some(key) = PartitionKey::parse_legacy(&rel) {
                        moves.push((p.clone(), lake.partition_path(&name, key)));
                    }
                }
            }
        }
    }
    moves.sort();
    moves
}

/// Moves a lake written in the earlier layout (`year=YYYY/month=MM/` folders, the quarantine
/// in `lake/_quarantine/`) to this one, in place, as one journalled commit: each file is
/// linked (or copied) into the staging folder, then the journal renames it to its new path,
/// deletes the old one and rewrites the manifest's partition names, so a crash leaves the
/// lake old or new, never half of each ([`recover`] finishes an interrupted one). The rows
/// and the files' bytes are unchanged. Returns the files moved (0 for a lake already in this
/// layout). Callers hold the output folder's lock.
pub fn upgrade_layout(root: &Path) -> Result<usize, LakeError> {
    let moves = legacy_files(root);
    if moves.is_empty() {
        return Ok(0);
    }
    let lake = Lake::new(root);
    let mut manifest = lake.manifest()?;
    let mut staging = Staging::new(&lake)?;
    for (from, to) in &moves {
        staging.link(from, to)?;
        staging.delete(from);
    }
    let manifest_path = root.join(MANIFEST_NAME);
    if manifest_path.exists() {
        for entry in manifest.files.values_mut() {
            for p in entry.partitions.iter_mut() {
                if let Some(key) = PartitionKey::parse_legacy(p) {
                    *p = key.rel_dir();
                }
            }
        }
        lake.write_manifest(&mut staging, &manifest)?;
    }
    staging.commit()?;
    Ok(moves.len())
}

/// Refuses a lake in the earlier layout, naming what upgrades it (for commands that only
/// read the lake and do not take the output folder's lock).
pub fn check_layout(root: &Path) -> Result<(), LakeError> {
    match legacy_files(root).first() {
        None => Ok(()),
        Some((old, _)) => Err(LakeError::OldLayout {
            lake: root.to_path_buf(),
            example: old.clone(),
        }),
    }
}

pub fn read_parquet(path: &Path) -> Result<DataFrame, LakeError> {
    let file = File::open(path).map_err(io(path))?;
    ParquetReader::new(file)
        .finish()
        .map_err(|source| LakeError::Parquet {
            path: path.to_path_buf(),
            source,
        })
}

/// Reads only `columns` of a Parquet file (those it has; the others are left out), so that a
/// check needing a source's keys does not decode its every column.
pub fn read_parquet_columns(path: &Path, columns: &[&str]) -> Result<DataFrame, LakeError> {
    let file = File::open(path).map_err(io(path))?;
    let parquet = |source| LakeError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = ParquetReader::new(file);
    let schema = reader.schema().map_err(parquet)?;
    let present: Vec<String> = columns
        .iter()
        .filter(|c| schema.contains(c))
        .map(|c| c.to_string())
        .collect();
    reader.with_columns(Some(present)).finish().map_err(parquet)
}

/// A staged Parquet file being written batch by batch ([`Staging::parquet_writer`]).
///
/// Rows are written in row groups of exactly [`StagedParquet::ROW_GROUP`] rows (the last
/// shorter), whatever the batches they came in: the same rows make the same bytes however the
/// ingest was chunked, and no more than one row group waits in memory.
pub struct StagedParquet {
    target: PathBuf,
    staged: PathBuf,
    writer: polars::io::parquet::write::BatchedWriter<File>,
    pending: Option<DataFrame>,
    rows: usize,
}

impl StagedParquet {
    /// Rows per row group.
    pub const ROW_GROUP: usize = 65_536;

    /// Appends `df`'s rows (its schema must be the writer's).
    pub fn write(&mut self, df: &DataFrame) -> Result<(), LakeError> {
        if df.height() == 0 {
            return Ok(());
        }
        self.rows += df.height();
        let parquet = |source| LakeError::Parquet {
            path: self.target.clone(),
            source,
        };
        let mut pending = match self.pending.take() {
            Some(mut p) => {
                p.vstack_mut(df).map_err(parquet)?;
                p
            }
            None => df.clone(),
        };
        while pending.height() >= Self::ROW_GROUP {
            let (group, rest) = pending.split_at(Self::ROW_GROUP as i64);
            let mut group = group;
            group.rechunk_mut();
            self.writer.write_batch(&group).map_err(parquet)?;
            pending = rest;
        }
        self.pending = Some(pending);
        Ok(())
    }

    /// Closes the file and stages it for `target`; a file that got no rows is not kept, and
    /// `target` is deleted instead. Returns the rows written.
    pub fn finish(mut self, staging: &mut Staging) -> Result<usize, LakeError> {
        let parquet = |source| LakeError::Parquet {
            path: self.target.clone(),
            source,
        };
        if let Some(mut last) = self.pending.take()
            && last.height() > 0
        {
            last.rechunk_mut();
            self.writer.write_batch(&last).map_err(parquet)?;
        }
        self.writer.finish().map_err(parquet)?;
        if self.rows == 0 {
            let _ = std::fs::remove_file(&self.staged);
            if staging.current(&self.target).is_some() {
                staging.delete(&self.target);
            }
        } else {
            staging.moves.insert(self.target, Some(self.staged));
        }
        Ok(self.rows)
    }
}

/// Writes go here first; `commit` moves them into the lake, and dropping without committing
/// removes them, leaving the lake untouched.
pub struct Staging {
    dir: PathBuf,
    moves: BTreeMap<PathBuf, Option<PathBuf>>,
    /// Staged files are numbered, never reused: a target written twice gets a new file.
    written: usize,
    committed: bool,
}

impl Staging {
    pub fn new(lake: &Lake) -> Result<Staging, LakeError> {
        std::fs::create_dir_all(&lake.root).map_err(io(&lake.root))?;
        recover(&lake.root)?;
        let dir = lake.root.join(format!(".staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(Staging {
            dir,
            moves: BTreeMap::new(),
            written: 0,
            committed: false,
        })
    }

    fn staged_path(&mut self) -> PathBuf {
        self.written += 1;
        self.dir.join(format!("{}.tmp", self.written))
    }

    /// The file a reader should see now for `target`: the staged version when this run wrote
    /// one, nothing when this run deletes it, else the lake's own.
    pub fn current(&self, target: &Path) -> Option<PathBuf> {
        match self.moves.get(target) {
            Some(staged) => staged.clone(),
            None => target.exists().then(|| target.to_path_buf()),
        }
    }

    /// Whether this run has already written (or deleted) `target`.
    pub fn is_staged(&self, target: &Path) -> bool {
        self.moves.contains_key(target)
    }

    /// Staged data files under `dir` that the lake does not have yet.
    pub fn staged_new(&self, dir: &Path) -> Vec<PathBuf> {
        self.moves
            .iter()
            .filter(|(t, _)| t.starts_with(dir) && !t.exists())
            .filter(|(t, _)| t.file_name().is_some_and(|n| n == "data.parquet"))
            .filter_map(|(_, s)| s.clone())
            .collect()
    }

    pub fn write_parquet(&mut self, target: &Path, df: &mut DataFrame) -> Result<(), LakeError> {
        // Polars ends a row group at a chunk's end: in one chunk, the row groups follow the
        // rows alone, not how the frame was put together (files per chunk, earlier runs).
        df.rechunk_mut();
        let staged = self.staged_path();
        crate::atomic::step("write", &staged).map_err(io(target))?;
        let file = File::create(&staged).map_err(io(&staged))?;
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::full())
            .finish(df)
            .map_err(|source| LakeError::Parquet {
                path: target.to_path_buf(),
                source,
            })?;
        self.moves.insert(target.to_path_buf(), Some(staged));
        Ok(())
    }

    /// A Parquet file for `target` written batch by batch (a source's quarantine, chunk after
    /// chunk), so that it never has to be held whole; [`StagedParquet::finish`] stages it.
    pub fn parquet_writer(
        &mut self,
        target: &Path,
        schema: &polars::prelude::Schema,
    ) -> Result<StagedParquet, LakeError> {
        let staged = self.staged_path();
        crate::atomic::step("write", &staged).map_err(io(target))?;
        let file = File::create(&staged).map_err(io(&staged))?;
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::full())
            .batched(schema)
            .map_err(|source| LakeError::Parquet {
                path: target.to_path_buf(),
                source,
            })?;
        Ok(StagedParquet {
            target: target.to_path_buf(),
            staged,
            writer,
            pending: None,
            rows: 0,
        })
    }

    pub fn write_bytes(&mut self, target: &Path, bytes: &[u8]) -> Result<(), LakeError> {
        let staged = self.staged_path();
        crate::atomic::step("write", &staged).map_err(io(target))?;
        std::fs::write(&staged, bytes).map_err(io(&staged))?;
        self.moves.insert(target.to_path_buf(), Some(staged));
        Ok(())
    }

    /// Stages `from`'s bytes for `target`: a hard link into the staging folder (a copy where
    /// the file system has none), so `from` stays as it is until the commit.
    pub fn link(&mut self, from: &Path, target: &Path) -> Result<(), LakeError> {
        let staged = self.staged_path();
        crate::atomic::step("write", &staged).map_err(io(target))?;
        if std::fs::hard_link(from, &staged).is_err() {
            std::fs::copy(from, &staged).map_err(io(from))?;
        }
        self.moves.insert(target.to_path_buf(), Some(staged));
        Ok(())
    }

    pub fn delete(&mut self, target: &Path) {
        self.moves.insert(target.to_path_buf(), None);
    }

    /// Moves the staged files into the lake. Crash-safe: the staged files are synced, then the
    /// list of moves is written durably to `.commit.json` (the journal) before the first
    /// rename, and removed after the last; a run that finds a journal (an ingest killed while
    /// committing) finishes those moves first ([`recover`]), so the lake never stays half old,
    /// half new. The manifest moves last.
    pub fn commit(mut self) -> Result<usize, LakeError> {
        let root = self
            .dir
            .parent()
            .expect("staging sits in the lake")
            .to_path_buf();
        for staged in self.moves.values().flatten() {
            File::open(staged)
                .and_then(|f| f.sync_all())
                .map_err(io(staged))?;
        }
        crate::atomic::sync_dir(&self.dir).map_err(io(&self.dir))?;
        let journal: Vec<JournalEntry> = self
            .moves
            .iter()
            .map(|(target, staged)| JournalEntry {
                target: target.clone(),
                staged: staged.clone(),
            })
            .collect();
        let path = root.join(JOURNAL);
        let text = serde_json::to_string_pretty(&journal).expect("the journal serialises");
        crate::atomic::write_atomic(&path, text.as_bytes()).map_err(io(&path))?;
        // From here the journal owns the staged files: a failure leaves them for `recover`.
        self.committed = true;
        apply(&journal)?;
        crate::atomic::step("rename", &path).map_err(io(&path))?;
        std::fs::remove_file(&path).map_err(io(&path))?;
        crate::atomic::sync_dir(&root).map_err(io(&root))?;
        self.committed = true;
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(self.moves.len())
    }
}

/// The lake's commit journal: the moves of a commit under way.
const JOURNAL: &str = ".commit.json";

#[derive(Serialize, Deserialize)]
struct JournalEntry {
    target: PathBuf,
    staged: Option<PathBuf>,
}

/// Performs a journal's moves (again): a staged file still there is renamed over its target,
/// a deletion deletes; the manifest last. Idempotent, so a crash in the middle is finished by
/// running it again.
fn apply(journal: &[JournalEntry]) -> Result<(), LakeError> {
    let is_manifest = |t: &Path| t.file_name().is_some_and(|n| n == MANIFEST_NAME);
    let ordered = journal
        .iter()
        .filter(|e| !is_manifest(&e.target))
        .chain(journal.iter().filter(|e| is_manifest(&e.target)));
    let mut dirs = BTreeSet::new();
    let mut synced = BTreeSet::new();
    for JournalEntry { target, staged } in ordered {
        let parent = target.parent().map(Path::to_path_buf);
        match staged {
            Some(staged) => {
                if !staged.exists() {
                    continue; // moved before the crash
                }
                if let Some(parent) = &parent {
                    std::fs::create_dir_all(parent).map_err(io(parent))?;
                }
                crate::atomic::step("rename", target).map_err(io(target))?;
                std::fs::rename(staged, target).map_err(io(target))?;
            }
            None => {
                if target.exists() {
                    crate::atomic::step("rename", target).map_err(io(target))?;
                    std::fs::remove_file(target).map_err(io(target))?;
                }
                if let Some(parent) = &parent {
                    dirs.insert(parent.clone());
                }
            }
        }
        if let Some(parent) = parent
            && synced.insert(parent.clone())
        {
            // Synced once each; a folder created here is synced in its own parent below.
            let _ = crate::atomic::sync_dir(&parent);
            if let Some(grand) = parent.parent() {
                let _ = crate::atomic::sync_dir(grand);
            }
        }
    }
    // Partition folders left empty would read as partitions with no file.
    for d in dirs.iter().rev() {
        let _ = std::fs::remove_dir(d);
        if let Some(p) = d.parent() {
            let _ = std::fs::remove_dir(p);
        }
    }
    Ok(())
}

/// Finishes a commit a crash interrupted (the journal's moves), then removes the staging
/// folders of processes that are gone. Called before a new staging starts.
pub fn recover(root: &Path) -> Result<(), LakeError> {
    let path = root.join(JOURNAL);
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        // A journal is written whole (temporary file and rename) or not at all.
        let journal: Vec<JournalEntry> =
            serde_json::from_str(&text).map_err(|e| LakeError::Io {
                path: path.clone(),
                source: std::io::Error::other(e),
            })?;
        apply(&journal)?;
        std::fs::remove_file(&path).map_err(io(&path))?;
        crate::atomic::sync_dir(root).map_err(io(root))?;
    }
    let _ = std::fs::remove_file(crate::atomic::tmp_path(&path));
    for entry in std::fs::read_dir(root).map_err(io(root))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix(".staging-")
            && let Ok(pid) = pid.parse::<u32>()
            && (pid == std::process::id() || !crate::lock::process_alive(pid))
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The lake's columns for a contract: declared columns (personal data transformed, dropped
/// ones absent) and the lineage columns.
pub(crate) fn lake_columns(contract: &Contract) -> Vec<(usize, String, DataType)> {
    contract
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let name = c.lake_name()?;
            let dtype = match (c.personal, c.ty) {
                (Some(Personal::Year), _) => DataType::Int64,
                (_, ColumnType::List) => DataType::List(Box::new(scalar_dtype(c.value_type()))),
                (_, t) => scalar_dtype(t),
            };
            Some((i, name, dtype))
        })
        .collect()
}

fn scalar_dtype(t: ColumnType) -> DataType {
    match t {
        ColumnType::Integer => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::Date => DataType::Date,
        ColumnType::Bool => DataType::Boolean,
        _ => DataType::String,
    }
}

/// `create table` for a source with no data yet: the lake's columns and types (as ingest
/// writes them, lineage columns included), so SQL over an empty source returns no rows instead
/// of failing on a missing view.
pub fn empty_table_sql(contract: &Contract) -> String {
    let mut cols: Vec<String> = lake_columns(contract)
        .into_iter()
        .map(|(_, name, dtype)| format!("\"{name}\" {}", duck_type(&dtype)))
        .collect();
    cols.push(format!("\"{SOURCE_FILE}\" varchar"));
    cols.push(format!("\"{SOURCE_ROW}\" bigint"));
    cols.push(format!("\"{FLAGS}\" varchar"));
    format!(
        "create or replace table \"{}\" ({});",
        contract.id,
        cols.join(", ")
    )
}

/// DuckDB's name for a lake column's type.
fn duck_type(t: &polars::prelude::DataType) -> String {
    use polars::prelude::DataType as D;
    match t {
        D::Int64 => "bigint".into(),
        D::Float64 => "double".into(),
        D::Date => "date".into(),
        D::Boolean => "boolean".into(),
        D::List(inner) => format!("{}[]", duck_type(inner)),
        _ => "varchar".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_dirs_round_trip() {
        for k in [
            PartitionKey::All,
            PartitionKey::Year(2024),
            PartitionKey::Month(2024, 3),
        ] {
            assert_eq!(PartitionKey::parse(&k.rel_dir()), Some(k));
        }
        assert_eq!(PartitionKey::Month(2024, 3).rel_dir(), "2024/03");
        assert_eq!(PartitionKey::parse("year=2024"), None);
        assert_eq!(
            PartitionKey::parse_legacy("year=2024/month=03"),
            Some(PartitionKey::Month(2024, 3))
        );
        assert_eq!(PartitionKey::parse("2024/13"), None);
        assert_eq!(PartitionKey::parse("2024/03/x"), None);
    }

    #[test]
    fn a_lake_of_the_hive_layout_is_moved_to_year_folders_with_its_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lake");
        let old = root.join("rr/year=2024/month=03/data.parquet");
        let old_q = root.join("_quarantine/rr.parquet");
        for p in [&old, &old_q] {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, p.to_string_lossy().as_bytes()).unwrap();
        }
        let entry = FileEntry {
            source: "rr".into(),
            sha256: String::new(),
            bytes: 0,
            format: "csv".into(),
            encoding: None,
            contract_version: 1,
            rows_read: 0,
            accepted: 0,
            quarantined: 0,
            flagged: 0,
            excluded: 0,
            partitions: vec!["year=2024/month=03".into()],
            last_date: None,
            missing_columns: vec![],
            ignored_columns: vec![],
            run_id: "r".into(),
        };
        let manifest = Manifest {
            format: MANIFEST_FORMAT,
            key_fingerprint: "k".into(),
            files: [("a.csv".to_string(), entry)].into(),
        };
        std::fs::write(
            root.join(MANIFEST_NAME),
            serde_json::to_string(&manifest).unwrap(),
        )
        .unwrap();
        assert!(check_layout(&root).is_err());
        assert_eq!(upgrade_layout(&root).unwrap(), 2);
        let lake = Lake::new(&root);
        let new = lake.partition_path("rr", PartitionKey::Month(2024, 3));
        assert_eq!(
            std::fs::read_to_string(&new).unwrap(),
            old.to_string_lossy()
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("quarantine/rr.parquet")).unwrap(),
            old_q.to_string_lossy()
        );
        assert!(!root.join("rr/year=2024").exists());
        assert!(!root.join("_quarantine").exists());
        assert!(!root.join(JOURNAL).exists());
        assert_eq!(
            lake.manifest().unwrap().files["a.csv"].partitions,
            ["2024/03"]
        );
        assert_eq!(lake.partitions("rr"), vec![PartitionKey::Month(2024, 3)]);
        check_layout(&root).unwrap();
        assert_eq!(upgrade_layout(&root).unwrap(), 0);
    }

    #[test]
    fn an_uncommitted_staging_leaves_the_lake_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::new(dir.path());
        let target = lake.partition_path("x", PartitionKey::Year(2024));
        {
            let mut s = Staging::new(&lake).unwrap();
            let mut df = df!("a" => [1i64]).unwrap();
            s.write_parquet(&target, &mut df).unwrap();
            assert!(s.current(&target).is_some());
        }
        assert!(!target.exists());
        let mut s = Staging::new(&lake).unwrap();
        let mut df = df!("a" => [1i64]).unwrap();
        s.write_parquet(&target, &mut df).unwrap();
        s.commit().unwrap();
        assert_eq!(read_parquet(&target).unwrap().height(), 1);
        assert_eq!(lake.partitions("x"), vec![PartitionKey::Year(2024)]);
    }
}
