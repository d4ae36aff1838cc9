//! Snapshots in an object store: one JSON document per snapshot
//! ([`Snapshot::to_json`]) at `<prefix>/.meteaudata-snapshots/<name>.json`, the disk backend's
//! layout (a prefix synced to a folder keeps its snapshots).
//!
//! A snapshot is one conditional put (`PutMode::Create`, `If-None-Match: *`): a reader sees it
//! whole or not at all, and of two writers taking one name, the store lets one through; the
//! other gets `Conflict`. Snapshots are kept where versions are
//! ([`ObjectBackend`]'s `versions` capability): a store that cannot isolate versioned saves
//! keeps no snapshots either.

use meteaudata_core::storage::snapshots::{
    check_snapshot_name, snapshot_not_found, snapshot_taken, snapshots_unsupported,
};
use meteaudata_core::storage::Snapshot;
use meteaudata_core::{Error, Result};
use object_store::path::Path;
use object_store::{PutMode, PutOptions, PutPayload};

use crate::backend::ObjectBackend;
use crate::error::{is_conflict, is_unsupported};

/// The folder of snapshots, under the prefix.
pub(crate) const SNAPSHOTS_DIR: &str = ".meteaudata-snapshots";

const SUFFIX: &str = ".json";

impl ObjectBackend {
    fn snapshots_dir(&self) -> Result<Path> {
        self.child(self.prefix(), SNAPSHOTS_DIR)
    }

    fn snapshot_object(&self, name: &str) -> Result<Path> {
        check_snapshot_name(name)?;
        self.child(&self.snapshots_dir()?, &format!("{name}{SUFFIX}"))
    }

    /// `Unsupported` where versions are not kept.
    fn snapshots_kept(&self) -> Result<()> {
        if self.keeps_versions() {
            Ok(())
        } else {
            Err(snapshots_unsupported("object (without versions here)"))
        }
    }

    pub(crate) fn save_snapshot_object(&self, snapshot: &Snapshot) -> Result<()> {
        self.snapshots_kept()?;
        let path = self.snapshot_object(snapshot.name())?;
        let (s, p) = (std::sync::Arc::clone(self.store()), path.clone());
        let payload = PutPayload::from(snapshot.to_json());
        let put = self.bridge().run(async move {
            s.put_opts(&p, payload, PutOptions::from(PutMode::Create))
                .await
        });
        match put {
            Ok(_) => Ok(()),
            Err(e) if is_conflict(&e) => Err(snapshot_taken(snapshot.name())),
            Err(e) if is_unsupported(&e) => Err(Error::Unsupported(format!(
                "{}: this store cannot put an object only if its name is free, so it keeps no snapshots",
                self.url()
            ))),
            Err(e) => Err(self.err(&path, e)),
        }
    }

    pub(crate) fn load_snapshot_object(&self, name: &str) -> Result<Snapshot> {
        self.snapshots_kept()?;
        let path = self.snapshot_object(name)?;
        match self.get_text(&path)? {
            Some(text) => Snapshot::from_json(&text, &self.shown_path(&path), name),
            None => Err(snapshot_not_found(name, &self.snapshot_object_names()?)),
        }
    }

    /// The snapshot names, sorted (other objects in the folder are not snapshots).
    pub(crate) fn snapshot_object_names(&self) -> Result<Vec<String>> {
        self.snapshots_kept()?;
        let mut names: Vec<String> = self
            .list_dir(&self.snapshots_dir()?)?
            .into_iter()
            .filter_map(|l| {
                let name = l.name.strip_suffix(SUFFIX)?;
                check_snapshot_name(name).is_ok().then(|| name.to_string())
            })
            .collect();
        names.sort();
        Ok(names)
    }

    pub(crate) fn delete_snapshot_object(&self, name: &str) -> Result<()> {
        self.snapshots_kept()?;
        let path = self.snapshot_object(name)?;
        // Stores delete missing objects without a word: look first.
        if self.get_text(&path)?.is_none() {
            return Err(snapshot_not_found(name, &self.snapshot_object_names()?));
        }
        self.delete_object(&path)
    }

    /// Removes every snapshot (`clear`).
    pub(crate) fn remove_all_snapshots(&self) -> Result<()> {
        for l in self.list_dir(&self.snapshots_dir()?)? {
            self.delete_object(&self.child(&self.snapshots_dir()?, &l.name)?)?;
        }
        Ok(())
    }
}
