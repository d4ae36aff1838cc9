//! Snapshots on disk: one JSON document per snapshot (see
//! [`Snapshot::to_json`](meteaudata_core::storage::Snapshot::to_json)) in
//! `.meteaudata-snapshots/<name>.json`, a folder Python meteaudata never reads.
//!
//! A snapshot is written to a temporary file, fsynced, then hard-linked to its name: the link
//! fails if the name is taken, so of two writers racing for one name exactly one wins, and a
//! reader never sees half a document. A snapshot killed before the link leaves only a
//! temporary file, which listings ignore.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use meteaudata_core::storage::snapshots::{
    check_snapshot_name, snapshot_not_found, snapshot_taken,
};
use meteaudata_core::storage::Snapshot;
use meteaudata_core::{Error, Result};

use crate::atomic::{sync_dir, Pending};
use crate::backend::DiskBackend;

/// The folder of snapshots, in the store's directory.
pub(crate) const SNAPSHOTS_DIR: &str = ".meteaudata-snapshots";

const SUFFIX: &str = ".json";

impl DiskBackend {
    pub(crate) fn snapshots_root(&self) -> PathBuf {
        self.base_path().join(SNAPSHOTS_DIR)
    }

    fn snapshot_path(&self, name: &str) -> Result<PathBuf> {
        check_snapshot_name(name)?;
        Ok(self.snapshots_root().join(format!("{name}{SUFFIX}")))
    }

    pub(crate) fn save_snapshot_file(&self, snapshot: &Snapshot) -> Result<()> {
        let dest = self.snapshot_path(snapshot.name())?;
        let dir = self.snapshots_root();
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let (pending, mut file) = Pending::create(&dest).map_err(|e| Error::io(&dir, e))?;
        let tmp = pending.path().to_path_buf();
        file.write_all(snapshot.to_json().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io(&tmp, e))?;
        drop(file);
        match fs::hard_link(&tmp, &dest) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(snapshot_taken(snapshot.name()))
            }
            Err(e) => return Err(Error::io(&dest, e)),
        }
        // The temporary name goes when `pending` drops.
        drop(pending);
        sync_dir(&dir);
        Ok(())
    }

    pub(crate) fn load_snapshot_file(&self, name: &str) -> Result<Snapshot> {
        let path = self.snapshot_path(name)?;
        match fs::read_to_string(&path) {
            Ok(text) => Snapshot::from_json(&text, &path.display().to_string(), name),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(snapshot_not_found(name, &self.snapshot_names()?))
            }
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// The snapshot names, sorted (temporary files and foreign files are not snapshots).
    pub(crate) fn snapshot_names(&self) -> Result<Vec<String>> {
        let dir = self.snapshots_root();
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut names = Vec::new();
        for e in entries {
            let e = e.map_err(|err| Error::io(&dir, err))?;
            let file = e.file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_suffix(SUFFIX) {
                if check_snapshot_name(name).is_ok() {
                    names.push(name.to_string());
                }
            }
        }
        names.sort();
        Ok(names)
    }

    pub(crate) fn delete_snapshot_file(&self, name: &str) -> Result<()> {
        let path = self.snapshot_path(name)?;
        match fs::remove_file(&path) {
            Ok(()) => {
                sync_dir(&self.snapshots_root());
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(snapshot_not_found(name, &self.snapshot_names()?))
            }
            Err(e) => Err(Error::io(&path, e)),
        }
    }
}
