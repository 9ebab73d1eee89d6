//! `nqs publish --year Y`: the reports of a year rendered without the draft mark and sealed,
//! with what they were drawn from, as the year's next edition in the store that
//! [`crate::edition`] reads. It sits above both the report stage (which renders) and the run
//! record (which the edition keeps), so neither has to know about publishing.

use crate::connection::ConnectionError;
use crate::edition::{
    Edition, EditionError, Late, MANIFEST_FILE, RECORD_FILE, Stored, lateness, latest, next_number,
    recommendations_of, staging_dir,
};
use crate::project::Project;
use crate::report::ReportError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The year folder's files an edition keeps besides the PDFs: the figures and findings first
/// (what makes an edition new), then the run record, the figures in SDMX and the dictionary
/// that describes them.
const KEPT: [&str; 6] = [
    "indicators.parquet",
    "findings.json",
    crate::connection::RECORD_FILE,
    crate::sdmx::DATA_FILE,
    crate::sdmx::STRUCTURE_FILE,
    crate::dictionary::MARKDOWN_FILE,
];

/// Why an edition was not published. The store's own errors and the run record's show as they
/// are; a failed rendering is said to be the edition's.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Edition(#[from] EditionError),
    #[error(transparent)]
    RunRecord(#[from] ConnectionError),
    #[error("rendering the edition")]
    Report(#[source] Box<ReportError>),
}

fn sha256_of(path: &Path) -> Result<String, EditionError> {
    use sha2::Digest;
    let bytes = std::fs::read(path).map_err(|source| EditionError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(hex::encode(sha2::Sha256::digest(&bytes)))
}

fn sync(path: &Path) -> Result<(), EditionError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|source| EditionError::Write {
            path: path.to_path_buf(),
            source,
        })
}

/// What `nqs publish` made.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    pub dir: PathBuf,
    pub edition: Edition,
    pub report: crate::report::ReportSummary,
}

/// `nqs publish --year Y`: renders both reports of `year` (from the year's current outputs,
/// without the draft mark, numbered as the next edition) and seals them with their inputs as
/// the next edition. `published` is the day of publication, kept in the record; after the
/// para. 21 deadline the edition needs `late`, the reason, which the record keeps too.
pub fn publish(
    project: &Project,
    year: i32,
    published: chrono::NaiveDate,
    late: Option<&str>,
) -> Result<Published, PublishError> {
    // Judged before anything is rendered: a refused edition leaves no trace.
    let deadline =
        project
            .schedule
            .report_deadline(year)
            .ok_or_else(|| EditionError::Deadline {
                year,
                text: project.schedule.report.deadline.clone(),
            })?;
    let late = lateness(year, deadline, published, late)?;
    let number = next_number(project.output(), year)?;
    let staging = staging_dir(project.output(), year, number);
    // A staging folder left by an interrupted publish is not an edition: start it afresh.
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|source| EditionError::Write {
            path: staging.clone(),
            source,
        })?;
    }
    std::fs::create_dir_all(&staging).map_err(|source| EditionError::Write {
        path: staging.clone(),
        source,
    })?;
    let langs: Vec<String> = crate::report::LANGS.iter().map(|l| l.to_string()).collect();
    let report = crate::report::render_into(project, year, None, &langs, &staging, Some(number))
        .map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            PublishError::Report(Box::new(e))
        })?;
    let stored = seal(project, year, number, &staging, published, late)?;
    let mut report = report;
    for f in &mut report.files {
        f.path = stored
            .dir
            .join(f.path.file_name().expect("a PDF's file name"));
    }
    Ok(Published {
        dir: stored.dir,
        edition: stored.edition,
        report,
    })
}

/// Completes an edition whose PDFs the report stage already rendered into `staging`: copies the
/// year's outputs and the lake's manifest the run froze beside them, writes `edition.json`, syncs, renames the
/// folder to its number and makes it read-only. Refuses (and removes `staging`) when the latest
/// edition holds the same indicators and findings.
pub fn seal(
    project: &Project,
    year: i32,
    number: u32,
    staging: &Path,
    published: chrono::NaiveDate,
    late: Option<Late>,
) -> Result<Stored, PublishError> {
    let year_dir = project.year_dir(year);
    let copy = |from: PathBuf, name: &str| -> Result<(), EditionError> {
        let to = staging.join(name);
        std::fs::copy(&from, &to).map_err(|source| EditionError::Read { path: from, source })?;
        Ok(())
    };
    for name in KEPT {
        copy(year_dir.join(name), name)?;
    }
    // The lake's manifest as the run saw it (`lake_state.json`), not as it stands now: the
    // edition's figures were computed from those files.
    let lake = crate::connection::LakeState::read(project, year)?;
    let manifest_path = staging.join(MANIFEST_FILE);
    let manifest = serde_json::to_vec_pretty(&lake.manifest).unwrap_or_default();
    std::fs::write(&manifest_path, manifest).map_err(|source| EditionError::Write {
        path: manifest_path.clone(),
        source,
    })?;
    let record = crate::connection::RunRecord::read(project, year)?;
    let findings = crate::findings::read_outputs(&year_dir).map_err(EditionError::from)?;
    let mut files = BTreeMap::new();
    let mut names: Vec<String> = std::fs::read_dir(staging)
        .map_err(|source| EditionError::Read {
            path: staging.to_path_buf(),
            source,
        })?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for name in names {
        let path = staging.join(&name);
        sync(&path)?;
        files.insert(name, sha256_of(&path)?);
    }
    if let Some(last) = latest(project.output(), year)?
        && KEPT[..2]
            .iter()
            .all(|n| last.edition.files.get(*n) == files.get(*n))
    {
        let _ = std::fs::remove_dir_all(staging);
        return Err(PublishError::Edition(EditionError::Unchanged {
            year,
            number: last.edition.number,
            published: last.edition.published,
        }));
    }
    let edition = Edition {
        year,
        number,
        as_of: record.as_of,
        published,
        files,
        recommendations: recommendations_of(&findings),
        late,
    };
    let record_path = staging.join(RECORD_FILE);
    let write_err = |source| EditionError::Write {
        path: record_path.clone(),
        source,
    };
    crate::atomic::write_atomic(
        &record_path,
        serde_json::to_string_pretty(&edition)
            .expect("an edition serialises")
            .as_bytes(),
    )
    .map_err(write_err)?;
    sync(&record_path)?;
    let dir = staging
        .parent()
        .expect("the staging folder sits in the year's editions")
        .join(number.to_string());
    crate::atomic::step("rename", &dir)
        .and_then(|()| std::fs::rename(staging, &dir))
        .map_err(|source| EditionError::Write {
            path: dir.clone(),
            source,
        })?;
    sync(dir.parent().expect("an editions folder"))?;
    read_only(&dir)?;
    Ok(Stored { edition, dir })
}

/// Files 0444, the folder 0555: a published edition is not edited by mistake.
fn read_only(dir: &Path) -> Result<(), EditionError> {
    use std::os::unix::fs::PermissionsExt;
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).map_err(|source| {
            EditionError::Write {
                path: p.to_path_buf(),
                source,
            }
        })
    };
    for e in std::fs::read_dir(dir)
        .map_err(|source| EditionError::Read {
            path: dir.to_path_buf(),
            source,
        })?
        .flatten()
    {
        set(&e.path(), 0o444)?;
    }
    set(dir, 0o555)
}
