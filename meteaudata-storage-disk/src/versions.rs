//! Versions on disk. The latest version of a key stays `<stem>.parquet` (+ sidecar), where
//! Python meteaudata reads it; older versions are hard links (copies where the file system has
//! none) of the files they were, in `.meteaudata-versions/<stem>/<n>.parquet` (+
//! `<n>_meta.yaml`), a folder Python's `*.parquet` glob never enters.
//!
//! Each file we write records its version in its footer (`meteaudata:version`: number,
//! content hash, points, time). A file without one (Python wrote it, or a release before
//! versions) counts as the version after the highest archived one; its hash is computed by
//! reading it and its time is its modification time.
//!
//! A save archives the current file (a link, fsynced) before the rename that commits the
//! new one, all under the key's lock: a save killed in between leaves an archived copy of
//! the current version, which listings ignore (its number is the current one's), so a killed
//! save adds no version; two writers take turns and each adds one.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use meteaudata_core::storage::versions::{removable, version_not_found};
use meteaudata_core::storage::{Retention, StorageKey, Stored, VersionInfo};
use meteaudata_core::{Error, ErrorKind, Result};
use meteaudata_parquet::layout::{DATA_SUFFIX, META_SUFFIX};
use meteaudata_parquet::stem_store::{self, Found, StemFiles};
use meteaudata_parquet::{FileSource, Footer};

use crate::atomic::sync_dir;
use crate::backend::DiskBackend;

/// The folder of older versions, in the store's directory.
pub(crate) const VERSIONS_DIR: &str = ".meteaudata-versions";

/// The archived versions of one stem: `<n>.parquet` and `<n>_meta.yaml`.
struct Archive {
    dir: PathBuf,
}

impl StemFiles for Archive {
    type Data = FileSource;

    fn data(&self, stem: &str) -> Result<Option<Arc<FileSource>>> {
        let path = self.dir.join(format!("{stem}{DATA_SUFFIX}"));
        match FileSource::open(&path) {
            Ok(f) => Ok(Some(Arc::new(f))),
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn sidecar(&self, stem: &str) -> Result<Option<String>> {
        let path = self.dir.join(format!("{stem}{META_SUFFIX}"));
        match fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Archived versions are never changed.
    fn put_sidecar(&self, stem: &str, _text: &str) -> Result<()> {
        Err(Error::Unsupported(format!(
            "{}: archived versions are not rewritten",
            self.location(stem)
        )))
    }

    fn location(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
}

/// A version and where its files are.
struct Kept {
    info: VersionInfo,
    /// `None` for the current version (the store's own files).
    archived: Option<String>,
}

fn io<T>(path: &Path, r: std::io::Result<T>) -> Result<T> {
    r.map_err(|e| Error::io(path, e))
}

/// Links `from` to `to` (a copy where links are not supported); an existing `to` is kept (a
/// save killed after archiving left it, and it is the same version).
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        return Ok(());
    }
    match fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) => {
            let tmp = to.with_extension("copying");
            io(&tmp, fs::copy(from, &tmp))?;
            io(&tmp, fs::File::open(&tmp).and_then(|f| f.sync_all()))?;
            io(to, fs::rename(&tmp, to))
        }
    }
}

/// Whether `a` and `b` are one file: one inode (a hard link) where the system says, else the
/// same length and modification time (a copy keeps the time).
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        ma.len() == mb.len() && ma.modified().ok() == mb.modified().ok()
    }
}

impl DiskBackend {
    pub(crate) fn versions_root(&self) -> PathBuf {
        self.base_path().join(VERSIONS_DIR)
    }

    fn archive_of(&self, stem: &str) -> Archive {
        Archive {
            dir: self.versions_root().join(stem),
        }
    }

    /// The archived version numbers of `stem`, ascending.
    fn archived_numbers(&self, stem: &str) -> Result<Vec<u64>> {
        let dir = self.archive_of(stem).dir;
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut out = Vec::new();
        for e in entries {
            let name = io(&dir, e)?.file_name().to_string_lossy().into_owned();
            if let Some(n) = name
                .strip_suffix(DATA_SUFFIX)
                .and_then(|n| n.parse::<u64>().ok())
            {
                out.push(n);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// What a data file is as a version: its footer's entry, or for a file without one,
    /// `number`, the hash of its content and its modification time.
    fn describe(
        &self,
        data: Arc<FileSource>,
        footer: &Footer,
        path: &Path,
        number: u64,
    ) -> Result<VersionInfo> {
        let location = path.display().to_string();
        if let Some(info) = footer.version_info(&location)? {
            return Ok(info);
        }
        let (series, _) = meteaudata_parquet::read_series(data, None, None)?;
        let created = io(path, fs::metadata(path).and_then(|m| m.modified()))?;
        Ok(VersionInfo::new(
            number,
            series.content_hash()?,
            series.len() as u64,
            created.into(),
        ))
    }

    /// The number of the file of `stem` whose footer is `footer`: the one it records, or for
    /// a file without one (Python wrote it), the number after the archived ones (`archived`,
    /// ascending) — unless the highest archived one is this very file, which a save killed
    /// after archiving it leaves behind: then that is its number.
    fn current_number(&self, stem: &str, footer: &Footer, archived: &[u64]) -> Result<u64> {
        let path = self.data_path(stem);
        Ok(match footer.version_info(&path.display().to_string())? {
            Some(info) => info.version,
            None => match archived.last() {
                None => 1,
                Some(&last) => {
                    let copy = self
                        .archive_of(stem)
                        .dir
                        .join(format!("{last}{DATA_SUFFIX}"));
                    if same_file(&path, &copy) {
                        last
                    } else {
                        last + 1
                    }
                }
            },
        })
    }

    /// Where the versions of `key` are: its current file, that file's number, and the
    /// archived numbers below it (higher ones are copies a killed save left of the current
    /// version), ascending.
    fn numbers(&self, key: &StorageKey) -> Result<(Found<FileSource>, u64, Vec<u64>)> {
        let found = stem_store::locate(&self.files(), key)?.ok_or_else(|| self.missing(key))?;
        let mut archived = self.archived_numbers(&found.stem)?;
        let current = self.current_number(&found.stem, &found.footer, &archived)?;
        archived.retain(|&n| n < current);
        Ok((found, current, archived))
    }

    /// The archived version `n` of `key` (in `archive`): its file, footer and path; `Corrupt`
    /// when the file holds another key.
    fn archived(
        &self,
        key: &StorageKey,
        archive: &Archive,
        n: u64,
    ) -> Result<Option<(Arc<FileSource>, Footer, PathBuf)>> {
        let name = n.to_string();
        let Some(data) = archive.data(&name)? else {
            return Ok(None);
        };
        let path = archive.dir.join(format!("{name}{DATA_SUFFIX}"));
        let footer = meteaudata_parquet::read_footer(data.clone())?;
        if let Some(k) = &footer.key {
            if k != key.as_str() {
                return Err(Error::Corrupt {
                    location: path.display().to_string(),
                    message: format!("an archived version of {key} holds {k}"),
                });
            }
        }
        Ok(Some((data, footer, path)))
    }

    /// Every kept version of `key`, oldest first (the last is the current file).
    fn kept(&self, key: &StorageKey) -> Result<Vec<Kept>> {
        let (found, current, archived) = self.numbers(key)?;
        let archive = self.archive_of(&found.stem);
        let path = self.data_path(&found.stem);
        let mut out = Vec::new();
        for n in archived {
            let Some((data, footer, apath)) = self.archived(key, &archive, n)? else {
                continue;
            };
            let mut info = self.describe(data, &footer, &apath, n)?;
            info.version = n;
            out.push(Kept {
                info,
                archived: Some(n.to_string()),
            });
        }
        out.push(Kept {
            info: self.describe(found.data, &found.footer, &path, current)?,
            archived: None,
        });
        Ok(out)
    }

    /// Under the key's lock, before a save of `key` commits: archives the current file as
    /// its version and returns the number of the version the save makes. A key without a
    /// file gets version 1, and what an interrupted delete left of its versions goes.
    pub(crate) fn prepare_version(&self, key: &StorageKey) -> Result<u64> {
        let found = match stem_store::locate(&self.files(), key) {
            Ok(Some(found)) => found,
            Ok(None) => {
                let stem = self.place(key)?;
                self.remove_versions(&stem)?;
                return Ok(1);
            }
            // A damaged current file is no version to keep (it would be read as one): the
            // save replaces it and takes the number after the archived ones.
            Err(e) if e.kind() == ErrorKind::Corrupt => {
                let stem = self.place(key)?;
                tracing::warn!(%key, error = %e, "a save replaces a damaged file; it is not kept as a version");
                return Ok(self.archived_numbers(&stem)?.last().map_or(1, |n| n + 1));
            }
            Err(e) => return Err(e),
        };
        let numbers = self.archived_numbers(&found.stem)?;
        let current = self.current_number(&found.stem, &found.footer, &numbers)?;
        let path = self.data_path(&found.stem);
        let archive = self.archive_of(&found.stem);
        io(&archive.dir, fs::create_dir_all(&archive.dir))?;
        link_or_copy(&path, &archive.dir.join(format!("{current}{DATA_SUFFIX}")))?;
        link_or_copy(
            &self.meta_path(&found.stem),
            &archive.dir.join(format!("{current}{META_SUFFIX}")),
        )?;
        sync_dir(&archive.dir);
        sync_dir(&self.versions_root());
        Ok(current + 1)
    }

    /// Removes the archived versions of `stem` (all of them).
    pub(crate) fn remove_versions(&self, stem: &str) -> Result<()> {
        let dir = self.archive_of(stem).dir;
        match fs::remove_dir_all(&dir) {
            Ok(()) => {
                sync_dir(&self.versions_root());
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&dir, e)),
        }
    }

    pub(crate) fn list_versions_of(&self, key: &StorageKey) -> Result<Vec<VersionInfo>> {
        Ok(self.kept(key)?.into_iter().map(|k| k.info).collect())
    }

    /// From the version numbers alone: the versions' descriptions (which read and hash files
    /// without a version entry) only name the kept ones when `version` is not among them.
    pub(crate) fn load_version_of(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        let (found, current, archived) = self.numbers(key)?;
        if version == current {
            return self.load_stem(key, None);
        }
        let archive = self.archive_of(&found.stem);
        let kept = if archived.contains(&version) {
            self.archived(key, &archive, version)?
        } else {
            None
        };
        let Some((data, footer, _)) = kept else {
            return Err(version_not_found(
                key,
                version,
                &self.list_versions_of(key)?,
            ));
        };
        stem_store::read_stored(&archive, &version.to_string(), data, &footer, None)
    }

    /// Under the key's lock: removes the archived versions `retention` does not keep.
    pub(crate) fn prune_versions_of(
        &self,
        key: &StorageKey,
        retention: Retention,
    ) -> Result<Vec<u64>> {
        let kept = self.kept(key)?;
        let infos: Vec<VersionInfo> = kept.iter().map(|k| k.info.clone()).collect();
        let gone = removable(self, key, &infos, retention)?;
        let found = stem_store::locate(&self.files(), key)?.ok_or_else(|| self.missing(key))?;
        let archive = self.archive_of(&found.stem);
        for k in kept.iter().filter(|k| gone.contains(&k.info.version)) {
            let Some(name) = &k.archived else { continue };
            for suffix in [DATA_SUFFIX, META_SUFFIX] {
                let path = archive.dir.join(format!("{name}{suffix}"));
                match fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::io(&path, e)),
                }
            }
        }
        sync_dir(&archive.dir);
        Ok(gone)
    }

    /// Bytes of every archived version.
    pub(crate) fn versions_size(&self) -> Result<u64> {
        let root = self.versions_root();
        let mut total = 0;
        let stems = match fs::read_dir(&root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(Error::io(&root, e)),
        };
        for stem in stems {
            let stem = io(&root, stem)?.path();
            for f in io(&stem, fs::read_dir(&stem))? {
                let f = io(&stem, f)?;
                total += io(&f.path(), f.metadata())?.len();
            }
        }
        Ok(total)
    }
}
