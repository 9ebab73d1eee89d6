//! How long the raw extracts are kept: `pipelines/retention.toml` declares the period, and
//! `nqs retention --inbox DIR` lists the files of the inbox that are past it.
//!
//! The extracts hold names and IINs, which the lake never does: once the lake holds a file's
//! rows, the file is needed only to rebuild the lake under a new pseudonym key. The period is
//! counted from the ingest that last read the file (its record in `lake/_runs/`), so a file the
//! lake does not hold yet — not ingested, or changed since — is never listed as past it. nqs
//! lists; deleting personal data is the operator's act, recorded as the law expects.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The settings file, in the pipelines folder.
pub const FILE: &str = "retention.toml";

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error(
        "no retention period is declared: {} is missing; declare how long raw extracts are kept after ingest ([raw_extracts] keep_months = 72)",
        path.display()
    )]
    Missing { path: PathBuf },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {message} (expected [raw_extracts] keep_months = <months, at least 1>)", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error(
        "{} names no ingest record for run {run_id} (lake/_runs/{run_id}.json): the lake is incomplete; ingest the inbox again",
        path.display()
    )]
    NoRun { path: PathBuf, run_id: String },
    #[error(transparent)]
    Lake(#[from] crate::lake::LakeError),
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    pub raw_extracts: RawExtracts,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawExtracts {
    /// Months a raw extract is kept after the ingest that last read it.
    pub keep_months: u32,
}

impl Retention {
    pub fn load(pipelines: &Path) -> Result<Retention, RetentionError> {
        let path = pipelines.join(FILE);
        if !path.is_file() {
            return Err(RetentionError::Missing { path });
        }
        let text = std::fs::read_to_string(&path).map_err(|source| RetentionError::Read {
            path: path.clone(),
            source,
        })?;
        let r: Retention = toml::from_str(&text).map_err(|e| RetentionError::Invalid {
            path: path.clone(),
            message: e.message().to_string(),
        })?;
        if r.raw_extracts.keep_months == 0 {
            return Err(RetentionError::Invalid {
                path,
                message: "keep_months is 0".into(),
            });
        }
        Ok(r)
    }

    /// The last day a file ingested on `ingested` is kept.
    pub fn kept_until(&self, ingested: NaiveDate) -> NaiveDate {
        ingested
            .checked_add_months(Months::new(self.raw_extracts.keep_months))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// An inbox file the lake holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Kept {
    /// The path under the inbox, as the manifest names it.
    pub file: String,
    pub source: String,
    /// The day of the ingest that last read it.
    pub ingested: NaiveDate,
    pub kept_until: NaiveDate,
}

/// `nqs retention`: the inbox's files against the declared period, as of a day.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionSummary {
    pub keep_months: u32,
    pub as_of: NaiveDate,
    pub inbox: PathBuf,
    /// Past the period (kept_until < as_of): to delete.
    pub past: Vec<Kept>,
    /// Within it.
    pub within: Vec<Kept>,
    /// Files the lake does not hold as they are (not ingested yet, changed since, or claimed
    /// by no contract): not counted, but they may hold personal data too.
    pub not_in_lake: Vec<String>,
}

/// Every inbox file, judged against the period as of `as_of`.
pub fn assess(
    project: &crate::project::Project,
    inbox: &Path,
    as_of: NaiveDate,
) -> Result<RetentionSummary, RetentionError> {
    let retention = Retention::load(project.pipelines())?;
    let lake = crate::lake::Lake::new(&project.lake_dir());
    let manifest = lake.manifest()?;
    let mut run_days: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut summary = RetentionSummary {
        keep_months: retention.raw_extracts.keep_months,
        as_of,
        inbox: inbox.to_path_buf(),
        past: Vec::new(),
        within: Vec::new(),
        not_in_lake: Vec::new(),
    };
    for (rel, path) in files_under(inbox)? {
        let Some(entry) = manifest.files.get(&rel) else {
            summary.not_in_lake.push(rel);
            continue;
        };
        if sha256_of(&path)? != entry.sha256 {
            summary.not_in_lake.push(rel);
            continue;
        }
        let ingested = match run_days.get(&entry.run_id) {
            Some(d) => *d,
            None => {
                let d = run_day(lake.root(), &entry.run_id)?;
                run_days.insert(entry.run_id.clone(), d);
                d
            }
        };
        let kept = Kept {
            file: rel,
            source: entry.source.clone(),
            ingested,
            kept_until: retention.kept_until(ingested),
        };
        if kept.kept_until < as_of {
            summary.past.push(kept);
        } else {
            summary.within.push(kept);
        }
    }
    Ok(summary)
}

/// The day an ingest run started, from its record (`started_at`, RFC 3339, UTC).
fn run_day(lake: &Path, run_id: &str) -> Result<NaiveDate, RetentionError> {
    let path = lake.join("_runs").join(format!("{run_id}.json"));
    let no_run = || RetentionError::NoRun {
        path: lake.join(crate::lake::MANIFEST_NAME),
        run_id: run_id.to_string(),
    };
    let text = std::fs::read_to_string(&path).map_err(|_| no_run())?;
    let record: serde_json::Value = serde_json::from_str(&text).map_err(|_| no_run())?;
    record["started_at"]
        .as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.date_naive())
        .ok_or_else(no_run)
}

/// Every file under `dir` (hidden ones too: an extract is personal whatever its name), with
/// its path relative to `dir` spelt with `/`, sorted.
fn files_under(dir: &Path) -> Result<Vec<(String, PathBuf)>, RetentionError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| RetentionError::Read {
            path: d.clone(),
            source,
        })?;
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push((rel.join("/"), p));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn sha256_of(path: &Path) -> Result<String, RetentionError> {
    use sha2::Digest;
    let bytes = std::fs::read(path).map_err(|source| RetentionError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(hex::encode(sha2::Sha256::digest(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_period_counts_calendar_months_from_the_ingest() {
        let r = Retention {
            raw_extracts: RawExtracts { keep_months: 72 },
        };
        assert_eq!(r.kept_until(d("2020-01-10")), d("2026-01-10"));
        // The end of a month stays the end of the month it lands in.
        let r = Retention {
            raw_extracts: RawExtracts { keep_months: 1 },
        };
        assert_eq!(r.kept_until(d("2026-01-31")), d("2026-02-28"));
    }

    #[test]
    fn the_project_declares_a_period_and_a_missing_or_zero_one_is_refused() {
        let shipped =
            Retention::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines")).unwrap();
        assert!(shipped.raw_extracts.keep_months > 0);
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Retention::load(dir.path()),
            Err(RetentionError::Missing { .. })
        ));
        std::fs::write(dir.path().join(FILE), "[raw_extracts]\nkeep_months = 0\n").unwrap();
        assert!(matches!(
            Retention::load(dir.path()),
            Err(RetentionError::Invalid { .. })
        ));
        std::fs::write(dir.path().join(FILE), "[raw_extracts]\nkeep_years = 6\n").unwrap();
        assert!(matches!(
            Retention::load(dir.path()),
            Err(RetentionError::Invalid { .. })
        ));
    }
}
