//! One run at a time on an output folder: `nqs ingest`, `run` and `report` all rewrite files
//! there, and two at once would interleave their writes.
//!
//! The lock is an OS file lock on `output/.nqs.lock`, so it dies with its process: a crashed
//! run can never wedge the yearly schedule. The file also records who holds it (process id,
//! command, start time), which is what the second run prints; a record left behind by a
//! process that died is recognised as stale and replaced.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

const LOCK_FILE: &str = ".nqs.lock";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Holder {
    pub pid: u32,
    pub command: String,
    pub started: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "process {} (`{}`, started {})",
            self.pid, self.command, self.started
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{} is in use by {holder}; wait for it to finish (or stop it) and run again",
        path.display()
    )]
    Busy { path: PathBuf, holder: Holder },
    #[error("{}: another nqs run holds this folder (it did not say which); run again when it is done", path.display())]
    BusyUnknown { path: PathBuf },
    #[error("cannot take the lock on {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Held for as long as the value lives.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
    /// The record of a dead process this lock replaced, if any.
    pub stale: Option<Holder>,
}

impl OutputLock {
    pub fn acquire(output: &Path, command: &str) -> Result<OutputLock, LockError> {
        let io = |source| LockError::Io {
            path: output.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(output).map_err(io)?;
        let path = output.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let mut previous = String::new();
        let _ = file.read_to_string(&mut previous);
        let previous: Option<Holder> = serde_json::from_str(previous.trim()).ok();
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(match previous {
                    Some(holder) => LockError::Busy {
                        path: output.to_path_buf(),
                        holder,
                    },
                    None => LockError::BusyUnknown {
                        path: output.to_path_buf(),
                    },
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        // We hold the lock, so whoever wrote a record here is gone: that record is stale.
        let stale = previous.filter(|h| h.pid != std::process::id());
        let me = Holder {
            pid: std::process::id(),
            command: command.to_string(),
            started: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        };
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(
            serde_json::to_string(&me)
                .expect("holder serialises")
                .as_bytes(),
        )
        .map_err(io)?;
        file.flush().map_err(io)?;
        Ok(OutputLock { file, path, stale })
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Emptying the record before unlocking: a file left with content means a crash.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
        let _ = &self.path;
    }
}

/// Whether a process with this id is running (Linux: /proc).
pub fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_in_the_same_folder_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path(), "nqs ingest x").unwrap();
        let err = OutputLock::acquire(dir.path(), "nqs run").unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&std::process::id().to_string()), "{text}");
        assert!(text.contains("nqs ingest x"), "{text}");
        drop(first);
        OutputLock::acquire(dir.path(), "nqs run").unwrap();
    }

    #[test]
    fn a_record_left_by_a_dead_process_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let dead = Holder {
            pid: 999_999_999,
            command: "nqs ingest".into(),
            started: "2026-01-01T00:00:00Z".into(),
        };
        std::fs::write(
            dir.path().join(LOCK_FILE),
            serde_json::to_string(&dead).unwrap(),
        )
        .unwrap();
        let lock = OutputLock::acquire(dir.path(), "nqs run").unwrap();
        assert_eq!(lock.stale, Some(dead));
        assert!(!process_alive(999_999_999));
    }
}
