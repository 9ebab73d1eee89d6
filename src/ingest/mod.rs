//! `nqs ingest DIR`: every declared source's files are read, validated and written to the
//! lake; every row is either accepted or quarantined with its reason, and the manifest records
//! per file its checksum and counts (rows read = accepted + quarantined).
//!
//! Sources are processed in dependency order so that a reference (a centre's BIN in a
//! recognition result, say) is checked against what the lake holds once this run's earlier
//! sources are in. A file's identity is its path relative to DIR: sending a file again under
//! the same path replaces its earlier rows; an unchanged file is skipped.

pub mod read;
pub mod shape;

use crate::contract::{Catalog, Contract, Partition};
use crate::lake::{self, FileEntry, Lake, LakeError, PartitionKey, Staging};
use crate::pseudonym::Pseudonymiser;
use crate::quarantine::{self, ReasonCode, ReasonCount};
use crate::validate::{
    CellError, Cells, CheckedColumns, HeaderReport, RejectedRow, Validator, Value,
};
use chrono::Datelike;
use polars::prelude::*;
use rayon::prelude::*;
use read::{RawTable, ReadError};
use sha2::Digest;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{}: cannot be read: {cause}", path.display())]
    Read { path: PathBuf, cause: ReadError },
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    #[error(transparent)]
    Lake(#[from] LakeError),
    #[error("building the table for `{source_id}`: {cause}")]
    Table {
        source_id: String,
        cause: PolarsError,
    },
}

/// Quarantined rows shown as examples per source in the report of a run.
const MAX_EXAMPLES: usize = 3;

/// How many files are checked and merged at a time, unless the options say otherwise.
pub const CHUNK_FILES: usize = 512;

/// The input bytes a chunk may hold under a memory budget of `budget` bytes (nqs's
/// `--memory-limit`): a sixteenth. Checking a chunk holds its files' text, their cells, the
/// accepted rows as columns and the partitions they are merged into, about six times the
/// files' size; the rest of the budget holds the key and reference indexes (8 and 16 bytes a
/// value). Measured on the five-year national set: see README, Performance.
pub fn chunk_bytes_for(budget: u64) -> u64 {
    (budget / 16).max(1 << 20)
}

/// Splits `files` into runs of at most `max_files` files and `max_bytes` bytes (a file larger
/// than `max_bytes` alone).
fn chunks_of<'a>(
    files: &[&'a InputFile],
    max_files: usize,
    max_bytes: u64,
) -> Vec<Vec<&'a InputFile>> {
    let mut chunks: Vec<Vec<&InputFile>> = Vec::new();
    let mut bytes = 0;
    for &f in files {
        match chunks.last_mut() {
            Some(c) if c.len() < max_files.max(1) && bytes + f.bytes <= max_bytes => {
                bytes += f.bytes;
                c.push(f);
            }
            _ => {
                bytes = f.bytes;
                chunks.push(vec![f]);
            }
        }
    }
    chunks
}

pub struct IngestOptions<'a> {
    pub input: &'a Path,
    pub lake: &'a Path,
    pub pseudonymiser: &'a Pseudonymiser,
    /// Files checked and merged at a time: bounds memory on national-scale sources.
    pub chunk_files: usize,
    /// Bytes of input files checked and merged at a time (a chunk ends at whichever of
    /// `chunk_files` and this comes first; a larger file makes a chunk alone): what bounds
    /// memory when a source sends few large files (a year of registrations in 12 files of
    /// 10 MB). Working memory is about six times this; see [`chunk_bytes_for`].
    pub chunk_bytes: u64,
    /// Called with (file, files done, files in all) as files are read.
    pub progress: &'a (dyn Fn(&str, u64, u64) + Sync),
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SourceReport {
    pub files_ingested: u64,
    pub files_unchanged: u64,
    pub rows_read: u64,
    pub accepted: u64,
    pub quarantined: u64,
    pub flagged: u64,
    /// Rows a contract's declared transform left out (`stop_at`, `filter`), by step.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub excluded: BTreeMap<String, u64>,
    /// Quarantined rows by the column and code of their first error, most rows first.
    pub reasons: Vec<ReasonCount>,
    /// The first quarantined rows, as `file row N, column `c` = value: reason`, for the console.
    pub examples: Vec<String>,
    pub missing_columns: BTreeMap<String, Vec<String>>,
    pub ignored_columns: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct IngestReport {
    pub run_id: String,
    pub sources: BTreeMap<String, SourceReport>,
    /// Files under DIR that no contract claims: reported, never silently dropped.
    pub unmatched_files: Vec<String>,
}

impl IngestReport {
    pub fn totals(&self) -> SourceReport {
        let mut t = SourceReport::default();
        for s in self.sources.values() {
            t.files_ingested += s.files_ingested;
            t.files_unchanged += s.files_unchanged;
            t.rows_read += s.rows_read;
            t.accepted += s.accepted;
            t.quarantined += s.quarantined;
            t.flagged += s.flagged;
            for (step, n) in &s.excluded {
                *t.excluded.entry(step.clone()).or_default() += n;
            }
        }
        t
    }
}

struct InputFile {
    rel: String,
    path: PathBuf,
    sha256: String,
    bytes: u64,
}

/// One file after row-level checks.
struct CheckedFile {
    input: InputFile,
    table_format: read::Format,
    encoding: Option<read::Encoding>,
    rows_read: u64,
    excluded: shape::Excluded,
    /// The accepted rows as the lake keeps them (`lake_columns`, then the lineage columns).
    accepted: DataFrame,
    rejected: Vec<RejectedRow>,
    header: HeaderReport,
}

impl CheckedFile {
    /// Accepted rows with at least one flag.
    fn flagged(&self) -> u64 {
        self.accepted
            .column(lake::FLAGS)
            .map_or(0, |c| (c.len() - c.null_count()) as u64)
    }
}

pub fn ingest(catalog: &Catalog, opts: &IngestOptions) -> Result<IngestReport, IngestError> {
    let lake = Lake::new(opts.lake);
    let mut manifest = lake.manifest()?;
    let fingerprint = opts.pseudonymiser.fingerprint();
    lake.check_key(&manifest, &fingerprint)?;
    let new_key = manifest.key_fingerprint != fingerprint;
    manifest.key_fingerprint = fingerprint;

    let (by_source, unmatched) = discover(catalog, opts.input, opts.pseudonymiser)?;
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let run_id = run_id(&manifest, catalog, &by_source);
    let mut staging = Staging::new(&lake)?;
    let mut report = IngestReport {
        run_id: run_id.clone(),
        sources: BTreeMap::new(),
        unmatched_files: unmatched,
    };
    let total_files: u64 = by_source.values().map(|v| v.len() as u64).sum();
    let done = std::sync::atomic::AtomicU64::new(0);
    let mut values_cache: HashMap<(String, String), ValueSet> = HashMap::new();
    let mut any_changed = false;

    for contract in &catalog.contracts {
        let files = by_source
            .get(&contract.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut source_report = SourceReport::default();
        let mut changed = Vec::new();
        for f in files {
            let unchanged = manifest.files.get(&f.rel).is_some_and(|e| {
                e.sha256 == f.sha256
                    && e.contract_version == contract.version
                    && e.source == contract.id
            });
            if unchanged {
                source_report.files_unchanged += 1;
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            } else {
                changed.push(f);
            }
        }
        if changed.is_empty() {
            report.sources.insert(contract.id.clone(), source_report);
            continue;
        }
        any_changed = true;
        let replaced: BTreeSet<String> = changed.iter().map(|f| f.rel.clone()).collect();
        let mut state = SourceState::new(contract, &lake, &staging, &replaced, &mut values_cache)?;
        let old_partitions: BTreeSet<PartitionKey> = replaced
            .iter()
            .filter_map(|f| manifest.files.get(f))
            .flat_map(|e| e.partitions.iter().filter_map(|p| PartitionKey::parse(p)))
            .collect();
        let mut quarantined =
            open_quarantine(contract, &lake, &mut staging, &replaced, opts.pseudonymiser)?;
        // Files are taken a chunk at a time so that a national-scale source never has to be
        // held in memory whole; each chunk is merged into the staged partitions, and its
        // quarantined rows appended to the source's quarantine (rewriting it whole for each
        // chunk made a source whose every row failed cost more than one that passed).
        for chunk in chunks_of(&changed, opts.chunk_files, opts.chunk_bytes) {
            let mut checked: Vec<CheckedFile> = chunk
                .par_iter()
                .map(|f| {
                    let r = check_file(catalog, contract, f, opts.pseudonymiser);
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    (opts.progress)(&f.rel, n, total_files);
                    r
                })
                .collect::<Result<_, _>>()?;
            cross_checks(contract, &mut state, &mut checked, &values_cache, &|keys| {
                locate_keys(contract, &lake, &staging, &replaced, keys)
            })?;
            let partitions = write_source(
                contract,
                &lake,
                &mut staging,
                &replaced,
                &old_partitions,
                &checked,
            )?;
            quarantined.write(
                &quarantine_frame(contract, &checked, opts.pseudonymiser).map_err(|cause| {
                    IngestError::Table {
                        source_id: contract.id.clone(),
                        cause,
                    }
                })?,
            )?;
            record_chunk(
                contract,
                checked,
                &partitions,
                &run_id,
                &mut source_report,
                &mut manifest,
                opts.pseudonymiser,
            );
        }
        quarantined.finish(&mut staging)?;
        // Later sources may reference this one: drop what was cached of its old state, and
        // the values no later source references (a national source's are hundreds of MB).
        let still_referenced: BTreeSet<(String, String)> = catalog
            .contracts
            .iter()
            .skip_while(|c| c.id != contract.id)
            .skip(1)
            .flat_map(|c| c.columns.iter().filter_map(|col| col.references.as_deref()))
            .filter_map(|r| r.split_once('.'))
            .map(|(s, c)| (s.to_string(), c.to_string()))
            .collect();
        values_cache.retain(|k, _| k.0 != contract.id && still_referenced.contains(k));
        quarantine::sort_reasons(&mut source_report.reasons);
        report.sources.insert(contract.id.clone(), source_report);
    }
    // Nothing new (every file as ingested before, under the same contracts and key): the lake
    // stays as it is, byte for byte, so a scheduled run on an unchanged inbox is a no-op.
    if !any_changed && !new_key {
        return Ok(report);
    }
    lake.write_manifest(&mut staging, &manifest)?;
    let run_record = serde_json::to_string_pretty(&serde_json::json!({
        "run_id": run_id,
        "started_at": started_at,
        "input": opts.input.display().to_string(),
        "report": &report,
    }))
    .expect("report serialises");
    // The report's values were masked where they were taken; this also covers the input
    // folder's name and anything added to the report later.
    let run_record = opts.pseudonymiser.mask_iins(&run_record);
    staging.write_bytes(
        &lake.root().join("_runs").join(format!("{run_id}.json")),
        run_record.as_bytes(),
    )?;
    staging.commit()?;
    Ok(report)
}

/// Adds one chunk's files to the source's report and the manifest.
fn record_chunk(
    contract: &Contract,
    checked: Vec<CheckedFile>,
    partitions: &BTreeMap<String, BTreeSet<PartitionKey>>,
    run_id: &str,
    source_report: &mut SourceReport,
    manifest: &mut lake::Manifest,
    pseudonymiser: &Pseudonymiser,
) {
    for c in checked {
        let flagged = c.flagged();
        for r in &c.rejected {
            let first = &r.errors[0];
            // What the console and the run record show passes the one IIN mask, whichever
            // check produced it.
            if source_report.examples.len() < MAX_EXAMPLES {
                let example = format!("{} {}", c.input.rel, example_of(r));
                source_report
                    .examples
                    .push(pseudonymiser.mask_iins(&example).into_owned());
            }
            quarantine::count_reason(&mut source_report.reasons, &first.column, first.code);
        }
        source_report.files_ingested += 1;
        source_report.rows_read += c.rows_read;
        source_report.accepted += c.accepted.height() as u64;
        source_report.quarantined += c.rejected.len() as u64;
        source_report.flagged += flagged;
        for (step, n) in &c.excluded {
            *source_report.excluded.entry(step.clone()).or_default() += n;
        }
        if !c.header.missing.is_empty() {
            source_report
                .missing_columns
                .insert(c.input.rel.clone(), c.header.missing.clone());
        }
        if !c.header.ignored.is_empty() {
            source_report
                .ignored_columns
                .insert(c.input.rel.clone(), c.header.ignored.clone());
        }
        manifest.files.insert(
            c.input.rel.clone(),
            FileEntry {
                source: contract.id.clone(),
                sha256: c.input.sha256.clone(),
                bytes: c.input.bytes,
                format: format!("{:?}", c.table_format).to_lowercase(),
                encoding: c.encoding.map(|e| e.as_str().to_string()),
                contract_version: contract.version,
                rows_read: c.rows_read,
                accepted: c.accepted.height() as u64,
                quarantined: c.rejected.len() as u64,
                flagged,
                excluded: c.excluded.values().sum(),
                partitions: partitions
                    .get(&c.input.rel)
                    .map(|p| p.iter().map(|k| k.rel_dir()).collect())
                    .unwrap_or_default(),
                last_date: last_date(contract, &c.accepted),
                missing_columns: c.header.missing.clone(),
                ignored_columns: c.header.ignored.clone(),
                run_id: run_id.to_string(),
            },
        );
    }
}

/// The latest `partition_by` date among `accepted` (`YYYY-MM-DD`), when that column is a date.
fn last_date(contract: &Contract, accepted: &DataFrame) -> Option<String> {
    let name = contract
        .column(contract.partition_by.as_deref()?)?
        .lake_name()?;
    let days = accepted.column(&name).ok()?.date().ok()?.physical().max()?;
    Some((epoch() + chrono::Duration::days(i64::from(days))).to_string())
}

/// How the rows of one file would fare under a contract, found without writing anything:
/// the row-level checks, the transform, duplicate keys within the file, references within the
/// file and, when a lake is given and holds the referenced source, references to it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileCheck {
    pub file: String,
    pub source: String,
    pub encoding: Option<String>,
    pub rows_read: u64,
    pub accepted: u64,
    pub quarantined: u64,
    pub flagged: u64,
    pub excluded: BTreeMap<String, u64>,
    pub reasons: Vec<ReasonCount>,
    /// The first quarantined rows, as `row N, column `c` = value: reason` (IINs masked).
    pub examples: Vec<String>,
    pub missing_columns: Vec<String>,
    pub ignored_columns: Vec<String>,
    /// References that could not be checked (`nco.code`): no lake given, or it lacks the source.
    pub unchecked_references: Vec<String>,
}

impl FileCheck {
    /// Accepted rows as a share (0–1) of the rows the transform kept (accepted + quarantined).
    pub fn accepted_share(&self) -> f64 {
        let kept = self.accepted + self.quarantined;
        if kept == 0 {
            0.0
        } else {
            self.accepted as f64 / kept as f64
        }
    }
}

/// Rows shown as examples by [`check_only`].
const CHECK_EXAMPLES: usize = 20;

/// Checks `path` as a file of `contract` would be checked at ingest, without a lake to write:
/// see [`FileCheck`]. `lake` (read only) supplies the values other sources' references need.
/// Errors: the file cannot be read or its header is ambiguous, as at ingest.
pub fn check_only(
    catalog: &Catalog,
    contract: &Contract,
    path: &Path,
    lake: Option<&Path>,
    pseudonymiser: &Pseudonymiser,
) -> Result<FileCheck, IngestError> {
    let bytes = std::fs::read(path).map_err(|cause| IngestError::Read {
        path: path.to_path_buf(),
        cause: ReadError::Io(cause),
    })?;
    let input = InputFile {
        rel: path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        path: path.to_path_buf(),
        sha256: String::new(),
        bytes: bytes.len() as u64,
    };
    drop(bytes);
    let checked = check_file(catalog, contract, &input, pseudonymiser)?;
    let key_idx: Vec<usize> = contract
        .key
        .iter()
        .map(|k| contract.column_index(k).expect("checked at load"))
        .collect();
    let mut references = Vec::new();
    let mut own = HashMap::new();
    let mut cache = HashMap::new();
    let mut unchecked = Vec::new();
    for (i, c) in contract.columns.iter().enumerate() {
        let Some((s, col)) = c.references.as_deref().and_then(|r| r.split_once('.')) else {
            continue;
        };
        if s == contract.id {
            own.insert(col.to_string(), ValueSet::default());
        } else {
            let values = match lake {
                Some(root) => committed_values(&Lake::new(root), s, col)?,
                None => None,
            };
            let Some(values) = values else {
                unchecked.push(format!("{s}.{col}"));
                continue;
            };
            cache.insert((s.to_string(), col.to_string()), values);
        }
        references.push((i, s.to_string(), col.to_string()));
    }
    let mut state = SourceState {
        key_idx,
        seen: KeyIndex::default(),
        references,
        own,
    };
    let mut files = vec![checked];
    // Nothing is seen before the file: no key to look up.
    cross_checks(contract, &mut state, &mut files, &cache, &|_| {
        Ok(KeyPlaces::new())
    })?;
    let c = files.pop().expect("one file");
    let mut reasons = Vec::new();
    let mut examples = Vec::new();
    for r in &c.rejected {
        let first = &r.errors[0];
        quarantine::count_reason(&mut reasons, &first.column, first.code);
        if examples.len() < CHECK_EXAMPLES {
            examples.push(pseudonymiser.mask_iins(&example_of(r)).into_owned());
        }
    }
    quarantine::sort_reasons(&mut reasons);
    Ok(FileCheck {
        file: pseudonymiser
            .mask_iins(&path.display().to_string())
            .into_owned(),
        source: contract.id.clone(),
        encoding: c.encoding.map(|e| e.as_str().to_string()),
        rows_read: c.rows_read,
        accepted: c.accepted.height() as u64,
        quarantined: c.rejected.len() as u64,
        flagged: c.flagged(),
        excluded: c.excluded,
        reasons,
        examples,
        missing_columns: c.header.missing,
        ignored_columns: c
            .header
            .ignored
            .iter()
            .map(|h| pseudonymiser.mask_iins(h).into_owned())
            .collect(),
        unchecked_references: unchecked,
    })
}

/// The values of `source.column` in the lake's committed partitions; `None` when the lake
/// holds nothing of the source.
fn committed_values(
    lake: &Lake,
    source: &str,
    column: &str,
) -> Result<Option<ValueSet>, IngestError> {
    let keys = lake.partitions(source);
    if keys.is_empty() {
        return Ok(None);
    }
    let mut set = ValueSet::default();
    for key in keys {
        let df = lake::read_parquet_columns(&lake.partition_path(source, key), &[column])?;
        let Ok(col) = df.column(column) else { continue };
        let col = col
            .cast(&DataType::String)
            .map_err(|cause| IngestError::Table {
                source_id: source.to_string(),
                cause,
            })?;
        for v in col.str().expect("cast to string").into_iter().flatten() {
            set.insert(v);
        }
    }
    Ok(Some(set))
}

/// A quarantined row as the console shows it: `row N, column `c` = value: reason` (its first
/// error; the caller prefixes the file and masks IINs).
fn example_of(r: &RejectedRow) -> String {
    let first = &r.errors[0];
    let value = first
        .value
        .as_deref()
        .map(|v| format!(" = `{v}`"))
        .unwrap_or_default();
    let column = if first.column.is_empty() {
        String::new()
    } else {
        format!(", column `{}`{value}", first.column)
    };
    format!("row {}{column}: {}", r.number, first.reason)
}

/// The run's id, from what the run starts from and is given: the lake's manifest before it
/// (which holds the key's fingerprint), the contracts' versions and every input file's path,
/// source and SHA-256. Ingest decides from nothing else which files to read, so the same
/// extracts ingested into the same lake get the same id, and the same manifest, whenever the
/// run and however the files are listed; a different lake or input gets another id, which
/// `run.json`'s `lake_runs` shows. When the run happened is in its record (`started_at`).
fn run_id(
    before: &lake::Manifest,
    catalog: &Catalog,
    inputs: &BTreeMap<String, Vec<InputFile>>,
) -> String {
    let mut h = sha2::Sha256::new();
    h.update(serde_json::to_vec(before).expect("manifest serialises"));
    for c in &catalog.contracts {
        h.update(format!("\ncontract {} {}", c.id, c.version));
    }
    for (source, files) in inputs {
        for f in files {
            h.update(format!("\nfile {source} {} {}", f.sha256, f.rel));
        }
    }
    // In letters (a–p for each half-byte), as the pseudonyms are, so no digit run in it can
    // look like an IIN.
    h.finalize()[..8]
        .iter()
        .flat_map(|b| [b >> 4, b & 15])
        .map(|n| char::from(b'a' + n))
        .collect()
}

/// Files per source id, and the files no contract claims.
type Discovered = (BTreeMap<String, Vec<InputFile>>, Vec<String>);

/// Every file under `input`, assigned to the one contract whose globs claim it. A file is
/// known by its path relative to `input` with any IIN in it masked: a centre that is an
/// individual entrepreneur names its files by its owner's IIN, and the name is written to the
/// lake, the quarantine, the manifest and the console.
fn discover(
    catalog: &Catalog,
    input: &Path,
    pseudonymiser: &Pseudonymiser,
) -> Result<Discovered, IngestError> {
    if !input.is_dir() {
        return Err(IngestError::Input {
            path: input.to_path_buf(),
            message: "is not a folder: pass the folder that holds the extracts".into(),
        });
    }
    let mut paths = Vec::new();
    let mut stack = vec![input.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| IngestError::Input {
            path: dir.clone(),
            message: e.to_string(),
        })?;
        for e in entries.flatten() {
            let p = e.path();
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                paths.push(p);
            }
        }
    }
    paths.sort();
    let mut claimed: Vec<(PathBuf, String, String)> = Vec::new();
    let mut unmatched = Vec::new();
    for path in paths {
        let rel = path
            .strip_prefix(input)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        // The data set's own description files are not extracts.
        if !rel.contains('/') && (rel.starts_with("README") || rel == "GENERATED.json") {
            continue;
        }
        let claims: Vec<&Contract> = catalog
            .contracts
            .iter()
            .filter(|c| c.matches(&rel))
            .collect();
        let shown = pseudonymiser.mask_iins(&rel).into_owned();
        match claims.as_slice() {
            [] => unmatched.push(shown),
            [c] => claimed.push((path, shown, c.id.clone())),
            many => {
                let ids: Vec<&str> = many.iter().map(|c| c.id.as_str()).collect();
                return Err(IngestError::Input {
                    path,
                    message: format!(
                        "is claimed by several source contracts ({}); make their `files` patterns disjoint",
                        ids.join(", ")
                    ),
                });
            }
        }
    }
    // Every claimed file is read for its checksum (what tells an unchanged file), on all cores:
    // at five national years that is 3.5 GB, most of what a monthly increment costs. Streamed
    // through a small buffer, so no file is held whole.
    let files: Vec<(String, InputFile)> = claimed
        .into_par_iter()
        .map(|(path, rel, source)| {
            let read_err = |cause| IngestError::Read {
                path: path.clone(),
                cause: ReadError::Io(cause),
            };
            let mut hasher = sha2::Sha256::new();
            let mut bytes = 0u64;
            let mut file = std::fs::File::open(&path).map_err(read_err)?;
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = match std::io::Read::read(&mut file, &mut buf) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    n => n.map_err(read_err)?,
                };
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                bytes += n as u64;
            }
            let file = InputFile {
                sha256: hex::encode(hasher.finalize()),
                bytes,
                rel,
                path,
            };
            Ok((source, file))
        })
        .collect::<Result<_, IngestError>>()?;
    let mut by_source: BTreeMap<String, Vec<InputFile>> = BTreeMap::new();
    for (source, file) in files {
        by_source.entry(source).or_default().push(file);
    }
    Ok((by_source, unmatched))
}

fn check_file(
    catalog: &Catalog,
    contract: &Contract,
    input: &InputFile,
    pseudonymiser: &Pseudonymiser,
) -> Result<CheckedFile, IngestError> {
    let bytes = std::fs::read(&input.path).map_err(|cause| IngestError::Read {
        path: input.path.clone(),
        cause: ReadError::Io(cause),
    })?;
    let names_columns = |cells: &[String]| crate::validate::columns_named(contract, cells);
    let layout = read::Layout {
        encoding: contract.encoding,
        header: match contract.header_row {
            Some(n) => read::HeaderRow::Declared(n),
            None => read::HeaderRow::Find(&names_columns),
        },
        header_rows: contract.header_rows.unwrap_or(1) as usize,
        sheet: contract.sheet.as_ref(),
        merged_cells: contract.header_rows.unwrap_or(1) > 1 || contract.transform.is_some(),
    };
    let table: RawTable =
        read::read_table_in(&input.path, &bytes, &layout).map_err(|cause| IngestError::Read {
            path: input.path.clone(),
            cause,
        })?;
    let masked_path = || {
        PathBuf::from(
            pseudonymiser
                .mask_iins(&input.path.to_string_lossy())
                .as_ref(),
        )
    };
    // Like a file that cannot be read, one whose header cannot say which column is which
    // stops the run, naming it; a user re-exports it or says which column is meant.
    if let Some(message) = crate::validate::ambiguous_headers(contract, &table.headers) {
        return Err(IngestError::Input {
            path: masked_path(),
            message,
        });
    }
    let (table, excluded) = shape::reshape(catalog, contract, &input.rel, table).map_err(|e| {
        // DuckDB's messages may quote a cell.
        IngestError::Input {
            path: masked_path(),
            message: pseudonymiser.mask_iins(&e.to_string()).into_owned(),
        }
    })?;
    if let Some(message) = crate::validate::ambiguous_headers(contract, &table.headers) {
        return Err(IngestError::Input {
            path: masked_path(),
            message: format!("after the transform, {message}"),
        });
    }
    let (validator, mut header) = Validator::new(catalog, contract, &table.headers, pseudonymiser);
    if table.rows.is_empty() {
        // A nil return (an empty JSON array, a header-only CSV) lacks nothing.
        header = HeaderReport::default();
    }
    // Undeclared headers are listed in the manifest and on the console; a file sent without
    // its header row has its first record's values there.
    if let Some(t) = &contract.transform {
        header.ignored.retain(|h| !t.uses(h));
    }
    for h in &mut header.ignored {
        *h = pseudonymiser.mask_iins(h).into_owned();
    }
    let (checked, rejected) = validator.check_rows(&table.rows, &table.encoding_defects);
    let accepted =
        batch_frame(contract, &input.rel, &checked).map_err(|cause| IngestError::Table {
            source_id: contract.id.clone(),
            cause,
        })?;
    Ok(CheckedFile {
        rows_read: table.rows.len() as u64 + excluded.values().sum::<u64>(),
        excluded,
        table_format: table.format,
        encoding: table.encoding,
        input: InputFile {
            rel: input.rel.clone(),
            path: input.path.clone(),
            sha256: input.sha256.clone(),
            bytes: input.bytes,
        },
        accepted,
        rejected,
        header,
    })
}

/// What the checks of one source carry from one chunk of files to the next.
struct SourceState {
    key_idx: Vec<usize>,
    /// Every key seen so far (the lake's other files, then this run's accepted rows).
    seen: KeyIndex,
    /// (column index, referenced source, referenced column).
    references: Vec<(usize, String, String)>,
    /// Values of this source's own columns that other of its columns reference (an NCO
    /// code's parent).
    own: HashMap<String, ValueSet>,
}

impl SourceState {
    fn new(
        contract: &Contract,
        lake: &Lake,
        staging: &Staging,
        replaced: &BTreeSet<String>,
        cache: &mut HashMap<(String, String), ValueSet>,
    ) -> Result<SourceState, IngestError> {
        let key_idx: Vec<usize> = contract
            .key
            .iter()
            .map(|k| contract.column_index(k).expect("checked at load"))
            .collect();
        let seen = lake_keys(contract, lake, staging, replaced)?;
        let references: Vec<(usize, String, String)> = contract
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let (s, col) = c.references.as_deref()?.split_once('.')?;
                Some((i, s.to_string(), col.to_string()))
            })
            .collect();
        let mut own = HashMap::new();
        for (_, s, col) in &references {
            if *s == contract.id {
                own.insert(
                    col.clone(),
                    lake_values_except(lake, staging, s, col, replaced)?,
                );
            } else if let std::collections::hash_map::Entry::Vacant(e) =
                cache.entry((s.clone(), col.clone()))
            {
                e.insert(lake_values_except(lake, staging, s, col, &BTreeSet::new())?);
            }
        }
        Ok(SourceState {
            key_idx,
            seen,
            references,
            own,
        })
    }
}

/// Duplicate keys (against the lake's other files and everything accepted before) and
/// references to other sources, over each file's accepted columns. A row that fails moves from
/// accepted to rejected.
///
/// `locate` finds, by their text, where keys the index may hold stand in the lake (see
/// [`KeyIndex`]).
fn cross_checks(
    contract: &Contract,
    state: &mut SourceState,
    files: &mut [CheckedFile],
    cache: &HashMap<(String, String), ValueSet>,
    locate: &dyn Fn(&BTreeSet<String>) -> Result<KeyPlaces, IngestError>,
) -> Result<(), IngestError> {
    let table_err = |cause| IngestError::Table {
        source_id: contract.id.clone(),
        cause,
    };
    let lake_name = |i: usize| {
        contract.columns[i]
            .lake_name()
            .expect("keys and references are kept")
    };
    // A parent may come after its child in the same chunk, so own values go in first.
    for (col, values) in state.own.iter_mut() {
        let name = lake_name(contract.column_index(col).expect("checked at load"));
        for f in files.iter() {
            for_each_item(&f.accepted, &name, |_, v| {
                values.insert(v);
            })
            .map_err(table_err)?;
        }
    }
    let SourceState {
        key_idx,
        seen,
        references,
        own,
    } = state;
    let key_of = |df: &DataFrame| -> Result<Vec<String>, IngestError> {
        let keys: Vec<StringChunked> = key_idx
            .iter()
            .map(|&i| text_column(df, &lake_name(i)))
            .collect::<Result<_, _>>()
            .map_err(table_err)?;
        Ok((0..df.height())
            .map(|r| {
                let key: Vec<&str> = keys.iter().map(|k| k.get(r).unwrap_or_default()).collect();
                key.join(" | ")
            })
            .collect())
    };
    // The keys of earlier files and runs these files repeat, with where they stand: looked up
    // in the lake only for the keys whose digest the index holds.
    let rels: Vec<String> = files.iter().map(|f| f.input.rel.clone()).collect();
    let mut file_keys = Vec::with_capacity(files.len());
    let mut maybe_seen = BTreeSet::new();
    for f in files.iter() {
        let keys = key_of(&f.accepted)?;
        maybe_seen.extend(keys.iter().filter(|k| seen.may_contain(k)).cloned());
        file_keys.push(keys);
    }
    let before = if maybe_seen.is_empty() {
        KeyPlaces::new()
    } else {
        locate(&maybe_seen)?
    };
    // Keys first accepted in these files: (file, row).
    let mut here: HashMap<String, (usize, u64)> = HashMap::new();
    for (n, (f, keys)) in files.iter_mut().zip(file_keys).enumerate() {
        let df = &f.accepted;
        let height = df.height();
        // References column by column; each row's errors then in the order the row-level
        // checks give them: the key first, then the references in column order.
        let mut ref_errors: Vec<Vec<CellError>> = vec![Vec::new(); height];
        for (i, s, col) in references.iter() {
            let set = if *s == contract.id {
                &own[col]
            } else {
                &cache[&(s.clone(), col.clone())]
            };
            for_each_item(df, &lake_name(*i), |r, text| {
                if !set.contains(text) {
                    ref_errors[r].push(CellError {
                        column: contract.columns[*i].name.clone(),
                        value: Some(text.to_string()),
                        code: ReasonCode::Reference,
                        reason: format!("not found in `{s}.{col}`"),
                    });
                }
            })
            .map_err(table_err)?;
        }
        let numbers = df
            .column(lake::SOURCE_ROW)
            .and_then(|c| c.i64().cloned())
            .map_err(table_err)?;
        let mut keep = Vec::with_capacity(height);
        let mut rejected = Vec::new();
        for ((r, refs), key) in ref_errors.into_iter().enumerate().zip(keys) {
            let number = numbers.get(r).unwrap_or_default();
            let mut errors = Vec::new();
            let first = before.get(&key).cloned().or_else(|| {
                here.get(&key)
                    .map(|&(file, row)| format!("{} row {row}", rels[file]))
            });
            if let Some(first) = first {
                errors.push(CellError {
                    column: contract.key.join(", "),
                    value: Some(key.clone()),
                    code: ReasonCode::DuplicateKey,
                    reason: format!("duplicate key: also in {first}"),
                });
            }
            errors.extend(refs);
            keep.push(errors.is_empty());
            if errors.is_empty() {
                seen.insert(&key);
                here.insert(key, (n, number as u64));
            } else {
                rejected.push((r, number as u64, errors));
            }
        }
        if rejected.is_empty() {
            continue;
        }
        let records = reference_records(contract, df, rejected.iter().map(|(r, _, _)| *r))
            .map_err(table_err)?;
        for ((_, number, errors), record) in rejected.into_iter().zip(records) {
            f.rejected.push(RejectedRow {
                number,
                errors,
                record,
            });
        }
        let mask = BooleanChunked::from_slice("keep".into(), &keep);
        f.accepted = df.filter(&mask).map_err(table_err)?;
        f.rejected.sort_by_key(|r| r.number);
    }
    Ok(())
}

/// `df`'s column `name` as text (how keys and references compare, in the lake as here).
fn text_column(df: &DataFrame, name: &str) -> PolarsResult<StringChunked> {
    df.column(name)?.cast(&DataType::String)?.str().cloned()
}

/// Calls `f(row, text)` for each value of column `name`: a list column's items one by one.
fn for_each_item(df: &DataFrame, name: &str, mut f: impl FnMut(usize, &str)) -> PolarsResult<()> {
    let column = df.column(name)?;
    if let DataType::List(_) = column.dtype() {
        for (r, items) in column.list()?.into_iter().enumerate() {
            let Some(items) = items else { continue };
            let items = items.cast(&DataType::String)?;
            for v in items.str()?.into_iter().flatten() {
                f(r, v);
            }
        }
    } else {
        for (r, v) in text_column(df, name)?.into_iter().enumerate() {
            if let Some(v) = v {
                f(r, v);
            }
        }
    }
    Ok(())
}

/// The records of rows `rows` of `df`, for the quarantine, from values already stripped of
/// personal data: each kept column as text (a list's items joined with `|`).
fn reference_records(
    contract: &Contract,
    df: &DataFrame,
    rows: impl Iterator<Item = usize>,
) -> PolarsResult<Vec<String>> {
    let rows: Vec<usize> = rows.collect();
    let mut maps = vec![serde_json::Map::new(); rows.len()];
    for col in &contract.columns {
        let Some(name) = col.lake_name() else {
            continue;
        };
        let mut texts: Vec<Option<String>> = vec![None; df.height()];
        let column = df.column(&name)?;
        if column.dtype() == &DataType::Float64 {
            // As the row-level checks print a number (`83`, not polars' `83.0`).
            for (t, v) in texts.iter_mut().zip(column.f64()?) {
                *t = v.map(|v| v.to_string());
            }
        } else {
            for_each_item(df, &name, |r, v| match &mut texts[r] {
                Some(t) => {
                    t.push('|');
                    t.push_str(v);
                }
                t => *t = Some(v.to_string()),
            })?;
        }
        for (map, &r) in maps.iter_mut().zip(&rows) {
            map.insert(
                name.clone(),
                texts[r]
                    .take()
                    .map_or(serde_json::Value::Null, serde_json::Value::String),
            );
        }
    }
    Ok(maps
        .into_iter()
        .map(|m| serde_json::Value::Object(m).to_string())
        .collect())
}

/// Every partition file of a source as this run sees it, including partitions only staged so
/// far; read one at a time, so that only one partition's columns are held at once.
fn partition_files(lake: &Lake, staging: &Staging, source: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = lake
        .partitions(source)
        .into_iter()
        .filter_map(|key| staging.current(&lake.partition_path(source, key)))
        .collect();
    // Partitions created by this run are staged only.
    out.extend(staging.staged_new(&lake.source_dir(source)));
    out
}

fn lake_values_except(
    lake: &Lake,
    staging: &Staging,
    source: &str,
    column: &str,
    except_files: &BTreeSet<String>,
) -> Result<ValueSet, IngestError> {
    let mut set = ValueSet::default();
    for path in partition_files(lake, staging, source) {
        let df = lake::read_parquet_columns(&path, &[lake::SOURCE_FILE, column])?;
        let files = df
            .column(lake::SOURCE_FILE)
            .ok()
            .and_then(|c| c.str().ok().cloned());
        let Ok(col) = df.column(column) else { continue };
        let col = col
            .cast(&DataType::String)
            .map_err(|cause| IngestError::Table {
                source_id: source.to_string(),
                cause,
            })?;
        let col = col.str().expect("cast to string");
        for (i, v) in col.into_iter().enumerate() {
            let excluded = files
                .as_ref()
                .and_then(|f| f.get(i))
                .is_some_and(|f| except_files.contains(f));
            if let (Some(v), false) = (v, excluded) {
                set.insert(v);
            }
        }
    }
    Ok(set)
}

/// The values of a referenced column (an NCO code, a centre's BIN, a record number), for the
/// reference check: each kept as a 128-bit XXH3 digest of its text, not as the text, so that a
/// national-scale column of millions of values takes 16 bytes a value instead of a heap string
/// (the sets dominated ingest's memory). Two different values share a digest with probability
/// about n² / 2¹²⁹ for n values (below 10⁻²³ at 50 M), far below any other cause of error.
#[derive(Default)]
pub(crate) struct ValueSet(HashSet<u128>);

impl ValueSet {
    pub(crate) fn insert(&mut self, value: &str) {
        self.0.insert(digest(value));
    }

    pub(crate) fn contains(&self, value: &str) -> bool {
        self.0.contains(&digest(value))
    }
}

fn digest(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// Every key a source holds (the lake's other files, then this run's accepted rows), for the
/// duplicate check: each as a 64-bit XXH3 digest of its text, 8 bytes a key, so that the index
/// of a national-scale source stays small (keys as 128-bit digests with the place each was
/// first seen took 24 bytes a key, over 1 GB at 50 M keys). A digest only says a key *may*
/// have been seen: the keys it picks out are looked up in the lake's partitions by their text
/// ([`locate_keys`]), which also gives where each was first seen, so two keys sharing a digest
/// never make a duplicate. Duplicates are rare, so such look-ups are too.
#[derive(Default)]
struct KeyIndex(HashSet<u64>);

impl KeyIndex {
    fn insert(&mut self, key: &str) {
        self.0.insert(key_digest(key));
    }

    fn may_contain(&self, key: &str) -> bool {
        self.0.contains(&key_digest(key))
    }
}

fn key_digest(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

/// Where each of `keys` stands in a source's lake partitions as this run sees them, as
/// "file row N"; a key not found there is absent from the result.
type KeyPlaces = HashMap<String, String>;

/// Calls `f(key, file, row)` for every row of a source's partitions as this run sees them:
/// a partition this run has staged holds only rows to keep (the replaced files' rows were
/// dropped when it was staged); in one it has not touched yet, the rows of `replaced` files
/// are about to be replaced and are skipped. A key is its columns' texts joined by " | ".
/// `with_place`: also read each row's file and row number (else `f` gets "" and 0).
fn for_each_lake_key(
    contract: &Contract,
    lake: &Lake,
    staging: &Staging,
    replaced: &BTreeSet<String>,
    with_place: bool,
    mut f: impl FnMut(&str, &str, u64),
) -> Result<(), IngestError> {
    let key_names: Vec<String> = contract
        .key
        .iter()
        .filter_map(|k| contract.column(k).and_then(|c| c.lake_name()))
        .collect();
    let mut paths: Vec<(PathBuf, bool)> = lake
        .partitions(&contract.id)
        .into_iter()
        .filter_map(|key| {
            let target = lake.partition_path(&contract.id, key);
            let staged = staging.is_staged(&target);
            staging.current(&target).map(|p| (p, staged))
        })
        .collect();
    paths.extend(
        staging
            .staged_new(&lake.source_dir(&contract.id))
            .into_iter()
            .map(|p| (p, true)),
    );
    for (path, staged) in paths {
        let skip_replaced = !staged && !replaced.is_empty();
        let mut columns: Vec<&str> = key_names.iter().map(String::as_str).collect();
        if with_place || skip_replaced {
            columns.push(lake::SOURCE_FILE);
        }
        if with_place {
            columns.push(lake::SOURCE_ROW);
        }
        let df = lake::read_parquet_columns(&path, &columns)?;
        let keys: Result<Vec<StringChunked>, PolarsError> = key_names
            .iter()
            .map(|k| {
                df.column(k)
                    .and_then(|c| c.cast(&DataType::String))
                    .and_then(|c| c.str().cloned())
            })
            .collect();
        let Ok(keys) = keys else { continue };
        let files = df
            .column(lake::SOURCE_FILE)
            .ok()
            .and_then(|c| c.str().ok().cloned());
        let rows = df
            .column(lake::SOURCE_ROW)
            .ok()
            .and_then(|c| c.i64().ok().cloned());
        let mut key = String::new();
        for i in 0..df.height() {
            let file = files.as_ref().and_then(|f| f.get(i)).unwrap_or_default();
            if skip_replaced && replaced.contains(file) {
                continue;
            }
            key.clear();
            for (n, k) in keys.iter().enumerate() {
                if n > 0 {
                    key.push_str(" | ");
                }
                key.push_str(k.get(i).unwrap_or_default());
            }
            let row = rows.as_ref().and_then(|r| r.get(i)).unwrap_or_default();
            f(&key, file, row as u64);
        }
    }
    Ok(())
}

/// The digests of every key of the source's lake partitions but the `replaced` files' rows.
fn lake_keys(
    contract: &Contract,
    lake: &Lake,
    staging: &Staging,
    replaced: &BTreeSet<String>,
) -> Result<KeyIndex, IngestError> {
    let mut seen = KeyIndex::default();
    for_each_lake_key(contract, lake, staging, replaced, false, |key, _, _| {
        seen.insert(key)
    })?;
    Ok(seen)
}

/// Where `wanted` keys stand in the source's partitions as this run sees them (the lake's
/// other files and the rows this run has staged), by their text: see [`KeyIndex`].
fn locate_keys(
    contract: &Contract,
    lake: &Lake,
    staging: &Staging,
    replaced: &BTreeSet<String>,
    wanted: &BTreeSet<String>,
) -> Result<KeyPlaces, IngestError> {
    let mut places = KeyPlaces::new();
    for_each_lake_key(contract, lake, staging, replaced, true, |key, file, row| {
        if wanted.contains(key) && !places.contains_key(key) {
            places.insert(key.to_string(), format!("{file} row {row}"));
        }
    })?;
    Ok(places)
}

/// The lake partition of each row of `df` (accepted rows of one file).
fn partitions_of(contract: &Contract, df: &DataFrame) -> PolarsResult<Vec<PartitionKey>> {
    let by = contract
        .partition_by
        .as_deref()
        .and_then(|b| contract.column(b))
        .and_then(|c| c.lake_name());
    let all = || vec![PartitionKey::All; df.height()];
    let Some(by) = by else { return Ok(all()) };
    if contract.partition == Partition::None {
        return Ok(all());
    }
    let column = df.column(&by)?;
    let year_month: Vec<Option<(i32, u32)>> = match column.dtype() {
        DataType::Date => column
            .date()?
            .as_date_iter()
            .map(|d| d.map(|d| (d.year(), d.month())))
            .collect(),
        DataType::Int64 => column
            .i64()?
            .into_iter()
            .map(|y| y.map(|y| (y as i32, 1)))
            .collect(),
        _ => return Ok(all()),
    };
    Ok(year_month
        .into_iter()
        .map(|ym| match (ym, contract.partition) {
            (None, _) | (_, Partition::None) => PartitionKey::All,
            (Some((y, _)), Partition::Year) => PartitionKey::Year(y),
            (Some((y, m)), Partition::Month) => PartitionKey::Month(y, m),
        })
        .collect())
}

/// One file's accepted rows as the lake keeps them: `lake_columns`, then the file, the row
/// number and the flags.
fn batch_frame(
    contract: &Contract,
    file: &str,
    checked: &CheckedColumns,
) -> Result<DataFrame, PolarsError> {
    let height = checked.numbers.len();
    let mut columns: Vec<Column> = Vec::new();
    for (i, name, dtype) in lake::lake_columns(contract) {
        let series = match &checked.columns[i] {
            Some(cells) => cells_series(&name, &dtype, cells)?,
            None => Series::full_null(name.into(), height, &dtype),
        };
        columns.push(series.into());
    }
    let numbers: Vec<i64> = checked.numbers.iter().map(|n| *n as i64).collect();
    let flags: Vec<Option<String>> = checked
        .flags
        .iter()
        .map(|f| (!f.is_empty()).then(|| f.join(",")))
        .collect();
    columns.push(Column::new_scalar(
        lake::SOURCE_FILE.into(),
        Scalar::new(DataType::String, AnyValue::StringOwned(file.into())),
        height,
    ));
    columns.push(Series::new(lake::SOURCE_ROW.into(), numbers).into());
    columns.push(Series::new(lake::FLAGS.into(), flags).into());
    DataFrame::new(columns)
}

/// A checked column as a series of the lake's type `dtype`.
fn cells_series(name: &str, dtype: &DataType, cells: &Cells) -> Result<Series, PolarsError> {
    let name: PlSmallStr = name.into();
    let series = match cells {
        Cells::Int(c) => Series::new(name, c),
        Cells::Float(c) => Series::new(name, c),
        Cells::Bool(c) => Series::new(name, c),
        Cells::Str(c) => Series::new(name, c),
        Cells::Date(c) => Series::new(
            name,
            c.iter()
                .map(|d| d.map(|d| (d - epoch()).num_days() as i32))
                .collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)?,
        Cells::List(c) => {
            let values: Vec<Value> = c
                .iter()
                .map(|items| items.clone().map_or(Value::Null, Value::List))
                .collect();
            values_series(name.as_str(), dtype, values.iter())?
        }
    };
    if series.dtype() == dtype {
        Ok(series)
    } else {
        series.cast(dtype)
    }
}

fn epoch() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
}

fn values_series<'a>(
    name: &str,
    dtype: &DataType,
    values: impl Iterator<Item = &'a Value>,
) -> Result<Series, PolarsError> {
    let name: PlSmallStr = name.into();
    Ok(match dtype {
        DataType::Int64 => Series::new(
            name,
            values
                .map(|v| match v {
                    Value::Int(i) => Some(*i),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        DataType::Float64 => Series::new(
            name,
            values
                .map(|v| match v {
                    Value::Float(f) => Some(*f),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        DataType::Boolean => Series::new(
            name,
            values
                .map(|v| match v {
                    Value::Bool(b) => Some(*b),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        DataType::Date => Series::new(
            name,
            values
                .map(|v| match v {
                    Value::Date(d) => Some((*d - epoch()).num_days() as i32),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)?,
        DataType::List(inner) => {
            let items: Vec<Option<Series>> = values
                .map(|v| match v {
                    Value::List(items) => values_series("", inner, items.iter()).ok(),
                    _ => None,
                })
                .collect();
            let mut list: ListChunked = items.into_iter().collect();
            list.rename(name);
            let s = list.into_series();
            let target = DataType::List(inner.clone());
            if s.dtype() == &target {
                s
            } else {
                s.cast(&target)?
            }
        }
        _ => Series::new(
            name,
            values
                .map(|v| match v {
                    Value::Str(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
    })
}

/// Rewrites every partition touched by this chunk: the rows already there from other files,
/// plus the chunk's accepted rows, sorted so that identical inputs give identical files.
/// `old_partitions` are where the replaced files' earlier rows are, to be taken out.
fn write_source(
    contract: &Contract,
    lake: &Lake,
    staging: &mut Staging,
    replaced: &BTreeSet<String>,
    old_partitions: &BTreeSet<PartitionKey>,
    files: &[CheckedFile],
) -> Result<BTreeMap<String, BTreeSet<PartitionKey>>, IngestError> {
    let table_err = |cause| IngestError::Table {
        source_id: contract.id.clone(),
        cause,
    };
    let mut new_rows: BTreeMap<PartitionKey, Vec<DataFrame>> = BTreeMap::new();
    let mut per_file: BTreeMap<String, BTreeSet<PartitionKey>> = BTreeMap::new();
    for f in files {
        let keys = partitions_of(contract, &f.accepted).map_err(table_err)?;
        let mut rows: BTreeMap<PartitionKey, Vec<IdxSize>> = BTreeMap::new();
        for (r, k) in keys.into_iter().enumerate() {
            rows.entry(k).or_default().push(r as IdxSize);
        }
        let whole = rows.len() == 1;
        for (k, idx) in rows {
            // A file's rows usually fall in one partition: then the frame is taken whole.
            let part = if whole {
                f.accepted.clone()
            } else {
                f.accepted
                    .take(&IdxCa::from_vec("rows".into(), idx))
                    .map_err(table_err)?
            };
            new_rows.entry(k).or_default().push(part);
            per_file.entry(f.input.rel.clone()).or_default().insert(k);
        }
    }
    let mut touched: BTreeSet<PartitionKey> = new_rows.keys().copied().collect();
    touched.extend(
        old_partitions
            .iter()
            .filter(|k| !staging.is_staged(&lake.partition_path(&contract.id, **k))),
    );
    let nothing = BTreeSet::new();
    let expected: Vec<String> = lake::lake_columns(contract)
        .into_iter()
        .map(|(_, n, _)| n)
        .chain([lake::SOURCE_FILE, lake::SOURCE_ROW, lake::FLAGS].map(String::from))
        .collect();
    let mut sort_by: Vec<PlSmallStr> = contract
        .key
        .iter()
        .filter_map(|k| contract.column(k).and_then(|c| c.lake_name()))
        .map(PlSmallStr::from)
        .collect();
    sort_by.push(lake::SOURCE_FILE.into());
    sort_by.push(lake::SOURCE_ROW.into());

    for key in touched {
        let target = lake.partition_path(&contract.id, key);
        // A staged partition was already cleared of the replaced files by an earlier chunk.
        let replaced = if staging.is_staged(&target) {
            &nothing
        } else {
            replaced
        };
        let existing = match staging.current(&target) {
            Some(p) => Some(lake::read_parquet(&p)?),
            None => None,
        };
        let kept = match existing {
            Some(df) => {
                let names: Vec<String> = df
                    .get_column_names()
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                if names != expected {
                    return Err(LakeError::SchemaChanged {
                        path: target.clone(),
                        source_id: contract.id.clone(),
                        detail: format!("has [{}]", names.join(", ")),
                        dir: lake.source_dir(&contract.id),
                    }
                    .into());
                }
                let mask: BooleanChunked = df
                    .column(lake::SOURCE_FILE)
                    .map_err(table_err)?
                    .str()
                    .map_err(table_err)?
                    .into_iter()
                    .map(|f| Some(!f.is_some_and(|f| replaced.contains(f))))
                    .collect();
                let untouched = mask.all();
                if untouched && !new_rows.contains_key(&key) {
                    continue;
                }
                Some(df.filter(&mask).map_err(table_err)?)
            }
            None => None,
        };
        let fresh = match new_rows.remove(&key) {
            Some(parts) => {
                let mut parts = parts.into_iter();
                let mut frame = parts.next().expect("a partition has rows");
                for p in parts {
                    frame.vstack_mut(&p).map_err(table_err)?;
                }
                // One chunk per file otherwise: the sort and the Parquet writer prefer one.
                frame.as_single_chunk_par();
                Some(frame)
            }
            None => None,
        };
        let combined = match (kept, fresh) {
            (Some(mut a), Some(b)) => {
                a.vstack_mut(&b).map_err(table_err)?;
                a
            }
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => continue,
        };
        if combined.height() == 0 {
            staging.delete(&target);
            continue;
        }
        let mut sorted = combined
            .sort(sort_by.clone(), SortMultipleOptions::default())
            .map_err(table_err)?;
        staging.write_parquet(&target, &mut sorted)?;
    }
    Ok(per_file)
}

/// Opens the source's quarantine for this run: a new file, written chunk by chunk, that starts
/// with the rows the lake's quarantine keeps (those of files not re-read now).
fn open_quarantine(
    contract: &Contract,
    lake: &Lake,
    staging: &mut Staging,
    replaced: &BTreeSet<String>,
    pseudonymiser: &Pseudonymiser,
) -> Result<lake::StagedParquet, IngestError> {
    let table_err = |cause| IngestError::Table {
        source_id: contract.id.clone(),
        cause,
    };
    let target = lake.quarantine_path(&contract.id);
    let nothing = BTreeSet::new();
    let replaced = if staging.is_staged(&target) {
        &nothing
    } else {
        replaced
    };
    let empty = quarantine_frame(contract, &[], pseudonymiser).map_err(table_err)?;
    let kept = match staging.current(&target) {
        Some(p) => {
            let df = lake::read_parquet(&p)?;
            let names: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|s| s.to_string())
                .collect();
            // A quarantine written by an earlier version (without `reason_code`, say) cannot
            // be completed: the rows of the files this run skips as unchanged are not re-read.
            if names != quarantine::COLUMNS {
                return Err(LakeError::QuarantineChanged {
                    path: target.clone(),
                    found: names.join(", "),
                    lake: lake.root().to_path_buf(),
                }
                .into());
            }
            let mask: BooleanChunked = df
                .column("file")
                .map_err(table_err)?
                .str()
                .map_err(table_err)?
                .into_iter()
                .map(|f| Some(!f.is_some_and(|f| replaced.contains(f))))
                .collect();
            Some(df.filter(&mask).map_err(table_err)?)
        }
        None => None,
    };
    let mut writer = staging.parquet_writer(&target, empty.schema())?;
    if let Some(kept) = kept {
        writer.write(&kept)?;
    }
    Ok(writer)
}

/// One chunk's quarantined rows in the quarantine's columns, sorted by file and row. The
/// source's quarantine is written chunk after chunk (old rows kept first), so it is sorted by
/// file and row within each ingest run's part. Every text it stores passes the one IIN mask,
/// whichever check produced it.
fn quarantine_frame(
    contract: &Contract,
    files: &[CheckedFile],
    pseudonymiser: &Pseudonymiser,
) -> PolarsResult<DataFrame> {
    let masked = |text: &str| pseudonymiser.mask_iins(text).into_owned();
    let rows: Vec<(&str, &RejectedRow)> = files
        .iter()
        .flat_map(|f| f.rejected.iter().map(move |r| (f.input.rel.as_str(), r)))
        .collect();
    fn first(r: &RejectedRow) -> &CellError {
        &r.errors[0]
    }
    let fresh = df!(
        "source" => rows.iter().map(|_| contract.id.as_str()).collect::<Vec<_>>(),
        "file" => rows.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
        "row" => rows.iter().map(|(_, r)| r.number as i64).collect::<Vec<_>>(),
        "column" => rows.iter().map(|(_, r)| first(r).column.as_str()).collect::<Vec<_>>(),
        "value" => rows.iter().map(|(_, r)| first(r).value.as_deref().map(masked)).collect::<Vec<Option<String>>>(),
        "reason" => rows.iter().map(|(_, r)| masked(&first(r).reason)).collect::<Vec<_>>(),
        "reason_code" => rows.iter().map(|(_, r)| first(r).code.as_str()).collect::<Vec<_>>(),
        "error_count" => rows.iter().map(|(_, r)| r.errors.len() as i64).collect::<Vec<_>>(),
        "all_errors" => rows.iter().map(|(_, r)| {
            masked(&r.errors
                .iter()
                .map(|e| if e.column.is_empty() { e.reason.clone() } else { format!("{}: {}", e.column, e.reason) })
                .collect::<Vec<_>>()
                .join("; "))
        }).collect::<Vec<_>>(),
        "record" => rows.iter().map(|(_, r)| masked(&r.record)).collect::<Vec<_>>(),
    )?;
    fresh.sort(["file", "row"], SortMultipleOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One NCO file's rows after the row-level checks, as `check_file` would leave them.
    fn nco_file(catalog: &Catalog, rows: &[[&str; 5]]) -> CheckedFile {
        let contract = catalog.contract("nco").unwrap();
        let headers: Vec<String> = ["code", "level", "parent_code", "name_kk", "name_ru"]
            .map(String::from)
            .to_vec();
        let p = Pseudonymiser::sample();
        let (validator, header) = Validator::new(catalog, contract, &headers, &p);
        let raw: Vec<read::RawRow> = rows
            .iter()
            .enumerate()
            .map(|(i, cells)| read::RawRow {
                number: i as u64 + 2,
                cells: cells
                    .iter()
                    .map(|c| (!c.is_empty()).then(|| c.to_string()))
                    .collect(),
                defect: None,
            })
            .collect();
        let (checked, rejected) = validator.check_rows(&raw, &BTreeMap::new());
        assert!(rejected.is_empty(), "the rows pass the row-level checks");
        let accepted = batch_frame(contract, "nco/nco.csv", &checked).unwrap();
        CheckedFile {
            input: InputFile {
                rel: "nco/nco.csv".into(),
                path: PathBuf::from("nco/nco.csv"),
                sha256: String::new(),
                bytes: 0,
            },
            table_format: read::Format::Csv,
            encoding: Some(read::Encoding::Utf8),
            rows_read: rows.len() as u64,
            excluded: shape::Excluded::new(),
            accepted,
            rejected: Vec::new(),
            header,
        }
    }

    /// The codes of the rows the cross checks reject, by row number.
    fn cross_checked(rows: &[[&str; 5]]) -> Vec<(u64, Vec<(String, ReasonCode)>)> {
        let catalog =
            Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines")).unwrap();
        let contract = catalog.contract("nco").unwrap();
        let mut state = SourceState {
            key_idx: vec![contract.column_index("code").unwrap()],
            seen: KeyIndex::default(),
            references: vec![(
                contract.column_index("parent_code").unwrap(),
                "nco".into(),
                "code".into(),
            )],
            own: HashMap::from([("code".to_string(), ValueSet::default())]),
        };
        let mut files = [nco_file(&catalog, rows)];
        cross_checks(contract, &mut state, &mut files, &HashMap::new(), &|_| {
            Ok(KeyPlaces::new())
        })
        .unwrap();
        files[0]
            .rejected
            .iter()
            .map(|r| {
                let codes = r
                    .errors
                    .iter()
                    .map(|e| (e.column.clone(), e.code))
                    .collect();
                (r.number, codes)
            })
            .collect()
    }

    #[test]
    fn a_key_seen_before_is_duplicate_key() {
        let got = cross_checked(&[
            ["2", "major", "", "Мамандар", "Специалисты"],
            ["2", "major", "", "Мамандар", "Специалисты"],
        ]);
        assert_eq!(
            got,
            vec![(3, vec![("code".to_string(), ReasonCode::DuplicateKey)])]
        );
    }

    /// The keys `cross_checks` rejects as duplicates of an index that holds `seen`'s digests,
    /// when the lake look-up finds `found` (key, place).
    fn duplicates_with(seen: &[&str], found: &[(&str, &str)]) -> Vec<String> {
        let catalog =
            Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines")).unwrap();
        let contract = catalog.contract("nco").unwrap();
        let mut index = KeyIndex::default();
        for k in seen {
            index.insert(k);
        }
        let mut state = SourceState {
            key_idx: vec![contract.column_index("code").unwrap()],
            seen: index,
            references: Vec::new(),
            own: HashMap::new(),
        };
        let mut files = [nco_file(
            &catalog,
            &[
                ["2", "major", "", "Мамандар", "Специалисты"],
                ["3", "major", "", "Техниктер", "Техники"],
            ],
        )];
        let found: KeyPlaces = found
            .iter()
            .map(|(k, p)| (k.to_string(), p.to_string()))
            .collect();
        let asked = std::cell::RefCell::new(BTreeSet::new());
        cross_checks(contract, &mut state, &mut files, &HashMap::new(), &|keys| {
            asked.borrow_mut().extend(keys.iter().cloned());
            Ok(found.clone())
        })
        .unwrap();
        // Only keys the index may hold are looked up.
        assert!(asked.borrow().iter().all(|k| seen.contains(&k.as_str())));
        files[0]
            .rejected
            .iter()
            .map(|r| r.errors[0].reason.clone())
            .collect()
    }

    #[test]
    fn a_key_of_an_earlier_file_is_named_where_the_lake_holds_it() {
        assert_eq!(
            duplicates_with(&["2"], &[("2", "nco/old.csv row 7")]),
            ["duplicate key: also in nco/old.csv row 7"]
        );
    }

    #[test]
    fn a_digest_the_lake_does_not_hold_as_text_is_no_duplicate() {
        // The index holds the digest of "3", but the look-up by text finds no such key (as
        // when two keys share a digest): the row is accepted.
        assert!(duplicates_with(&["3"], &[]).is_empty());
        assert!(duplicates_with(&[], &[]).is_empty());
    }

    #[test]
    fn a_parent_that_does_not_exist_is_reference() {
        let got = cross_checked(&[
            ["2", "major", "", "Мамандар", "Специалисты"],
            ["25", "sub_major", "2", "АКТ", "ИКТ"],
            ["31", "sub_major", "3", "Техниктер", "Техники"],
        ]);
        assert_eq!(
            got,
            vec![(4, vec![("parent_code".to_string(), ReasonCode::Reference)])]
        );
    }
}
