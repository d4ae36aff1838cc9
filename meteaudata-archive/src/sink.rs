//! Where archive files go while they are written, and how they are published: a directory
//! archive is written into a private temporary directory inside the destination and then
//! renamed into place, after checking that nothing of the user's would be replaced.

use meteaudata_core::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Receives the files of an archive, by relative `/`-separated path.
pub(crate) trait Sink {
    /// Adds a file.
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Adds a folder (so that an empty one exists too; Python's loaders list them).
    fn add_dir(&mut self, path: &str) -> Result<()>;
}

/// Checks that a name can be one path component of an archive (no separators, not `.`/`..`,
/// not empty, no NUL).
pub(crate) fn check_component(name: &str, what: &str) -> Result<()> {
    let bad = name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']);
    if bad {
        return Err(Error::InvalidName {
            name: name.to_string(),
            reason: format!("a {what} must be usable as a file name"),
        });
    }
    Ok(())
}

/// Writes files under a directory (a private temporary one, see [`publish_dir`]).
pub(crate) struct DirSink {
    root: PathBuf,
}

impl DirSink {
    pub(crate) fn new(root: &Path) -> Self {
        DirSink {
            root: root.to_path_buf(),
        }
    }
}

impl Sink for DirSink {
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let target = self.root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&target, bytes).map_err(|e| Error::io(&target, e))
    }

    fn add_dir(&mut self, path: &str) -> Result<()> {
        let target = self.root.join(path);
        fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))
    }
}

/// Makes `dest` (with parents) and returns it.
pub(crate) fn ensure_dir(dest: &Path) -> Result<()> {
    fs::create_dir_all(dest).map_err(|e| Error::io(dest, e))?;
    if !dest.is_dir() {
        return Err(Error::invalid_input(format!(
            "{} is not a directory",
            dest.display()
        )));
    }
    Ok(())
}

/// Writes a directory archive: `build` fills a private temporary directory inside `dest`,
/// then each of `entries` (top-level names, the metadata file last) is renamed into `dest`.
/// Nothing is written when one of them already exists (a
/// [`Conflict`](meteaudata_core::ErrorKind::Conflict)); on any error the temporary directory
/// is removed.
pub(crate) fn publish_dir(
    dest: &Path,
    entries: &[String],
    build: impl FnOnce(&mut dyn Sink) -> Result<()>,
) -> Result<()> {
    ensure_dir(dest)?;
    let existing: Vec<&String> = entries
        .iter()
        .filter(|e| dest.join(e).symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Conflict(format!(
            "{} already holds {:?}; remove it or save elsewhere (nothing was written)",
            dest.display(),
            existing
        )));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".meteaudata-save-")
        .tempdir_in(dest)
        .map_err(|e| Error::io(dest, e))?;
    build(&mut DirSink::new(tmp.path()))?;
    for e in entries {
        let from = tmp.path().join(e);
        let to = dest.join(e);
        if to.symlink_metadata().is_ok() {
            return Err(Error::Conflict(format!(
                "{} appeared while saving; nothing more was moved",
                to.display()
            )));
        }
        fs::rename(&from, &to).map_err(|err| Error::io(&to, err))?;
    }
    Ok(())
}
