//! Crash-safe writes: every output is written to a hidden temporary file in its own folder
//! (`.<name>.tmp`), synced, renamed over the target and the folder synced, so a reader (or the
//! next run after a crash or a power cut) finds the old file or the new one, never half of one.
//!
//! Failpoints, for the crash tests only: `NQS_FAILPOINT=<n>` aborts the process (as a crash
//! would) at the n-th write-or-rename step; `NQS_FAILPOINT=enospc:<n>` makes that step fail
//! with a "no space left on device" error (`StorageFull`); `NQS_FAILPOINT=list` prints every
//! step to stderr as `nqs-failpoint <n> <kind> <path>`. Unset, a step costs one load of a
//! cached `None`.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Failpoint {
    Abort(usize),
    Enospc(usize),
    List,
}

fn failpoint() -> Option<Failpoint> {
    static FP: OnceLock<Option<Failpoint>> = OnceLock::new();
    *FP.get_or_init(|| {
        let v = std::env::var("NQS_FAILPOINT").ok()?;
        let v = v.trim();
        if v == "list" {
            Some(Failpoint::List)
        } else if let Some(n) = v.strip_prefix("enospc:") {
            n.parse().ok().map(Failpoint::Enospc)
        } else {
            v.parse().ok().map(Failpoint::Abort)
        }
    })
}

static STEPS: AtomicUsize = AtomicUsize::new(0);

/// One write-or-rename step on `path`: where a failpoint may crash the process or fail.
pub fn step(kind: &str, path: &Path) -> std::io::Result<()> {
    let Some(fp) = failpoint() else {
        return Ok(());
    };
    let n = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
    match fp {
        Failpoint::List => {
            eprintln!("nqs-failpoint {n} {kind} {}", path.display());
            Ok(())
        }
        Failpoint::Abort(at) if at == n => std::process::abort(),
        Failpoint::Enospc(at) if at == n => Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "No space left on device (injected by NQS_FAILPOINT)",
        )),
        _ => Ok(()),
    }
}

/// The hidden temporary file beside `path` that its new content is written to first.
pub fn tmp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Syncs a folder, so that the renames and creations in it survive a power cut.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)?.sync_all()
}

/// Syncs `tmp`, renames it over `path` and syncs `path`'s folder.
/// On failure the temporary file is removed.
pub fn rename_durable(tmp: &Path, path: &Path) -> std::io::Result<()> {
    let moved = File::open(tmp)
        .and_then(|f| f.sync_all())
        .and_then(|()| step("rename", path))
        .and_then(|()| std::fs::rename(tmp, path));
    if moved.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    moved?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Writes `bytes` to `path` through a synced temporary file and a durable rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}

/// For a writer another library drives (DuckDB's `COPY ... TO`): the temporary path to write
/// to, after the write step's failpoint. Finish with [`rename_durable`]`(tmp, path)`.
pub fn prepare(path: &Path) -> std::io::Result<PathBuf> {
    let tmp = tmp_path(path);
    step("write", path)?;
    if tmp.exists() {
        std::fs::remove_file(&tmp)?;
    }
    Ok(tmp)
}

/// A file being written at its temporary path; [`AtomicFile::commit`] puts it in place, and
/// dropping it uncommitted removes the temporary file. Implements `Write` and `Seek` for
/// streaming writers (Parquet, XLSX).
pub struct AtomicFile {
    file: Option<File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl AtomicFile {
    pub fn create(path: &Path) -> std::io::Result<AtomicFile> {
        let tmp = tmp_path(path);
        let file = File::create(&tmp)?;
        Ok(AtomicFile {
            file: Some(file),
            tmp,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Syncs the content and renames it into place (then syncs the folder).
    pub fn commit(mut self) -> std::io::Result<()> {
        let file = self.file.take().expect("an open file");
        step("write", &self.path)?;
        file.sync_all()?;
        drop(file);
        step("rename", &self.path)?;
        std::fs::rename(&self.tmp, &self.path)?;
        sync_dir(self.path.parent().unwrap_or(Path::new(".")))
    }

    fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("an open file")
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() || self.tmp.exists() {
            self.file = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file().flush()
    }
}

impl std::io::Seek for AtomicFile {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.file().seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
    }
}
