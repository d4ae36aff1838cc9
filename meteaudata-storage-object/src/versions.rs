//! Versions in an object store, in the disk backend's layout. The latest version of a key
//! stays `<prefix>/<stem>.parquet` (+ sidecar), where Python meteaudata, polars or the disk
//! backend (on a synced copy) read it; older versions are server-side copies of the objects
//! they were, in `<prefix>/.meteaudata-versions/<stem>/<n>.parquet`, a folder that Python's
//! `*.parquet` glob and our key listings never enter. A file that carries no metadata in its
//! footer (Python wrote it) is archived with its sidecar, `<n>_meta.yaml`; ours need none.
//!
//! Each data object we write records its version in its footer (`meteaudata:version`:
//! number, content hash, points, time), so listings read numbers and hashes from footers
//! (ranged GETs), never from whole objects. An object without one (Python wrote it, or a
//! release before versions) counts as the version after the highest archived one; its hash is
//! computed by reading it, and its time is when the store last wrote it (for an archived one:
//! when it was archived).
//!
//! A save copies the current object to its archived name (only if that name is free) before
//! it replaces the object, so a save killed in between leaves an archived copy of the current
//! version, which listings ignore (its number is the current one's): a killed save adds no
//! version and never touches the previous one. How two saves of one key are kept apart
//! depends on the store (see [`ObjectBackend`]): a conditional put (`If-Match` the object
//! that was archived) on stores that have one, a lock file per key on `file://`.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use meteaudata_core::storage::versions::{removable, version_not_found};
use meteaudata_core::storage::{Retention, StorageKey, Stored, VersionInfo};
use meteaudata_core::{Error, Result};
use meteaudata_parquet::layout::{DATA_SUFFIX, META_SUFFIX};
use meteaudata_parquet::stem_store::{self, StemFiles};
use meteaudata_parquet::{Footer, ReadAt};
use object_store::path::{Path, PathPart};
use object_store::{GetOptions, ObjectStore, ObjectStoreExt};

use crate::backend::{Listed, ObjectBackend};
use crate::error::{is_conflict, is_not_found, is_unsupported, missing};
use crate::source::ObjectSource;

/// The folder of older versions, under the prefix (the disk backend's name).
pub(crate) const VERSIONS_DIR: &str = ".meteaudata-versions";

/// Archived objects whose footers a listing of versions fetches at once.
const FOOTER_FETCHES: usize = 32;

/// Times a load of a version reads the key again after it changed during the read.
const READ_ATTEMPTS: usize = 5;

/// A key's current data object as a save found it: what the save archives, and what its
/// conditional put must still find in place.
#[derive(Clone)]
pub(crate) struct Base {
    /// The stem of the key's objects.
    pub(crate) stem: String,
    /// The data object, opened (its footer fetched, with its version tag).
    pub(crate) data: Arc<ObjectSource>,
    /// Its footer.
    pub(crate) footer: Footer,
}

impl Base {
    /// The version the object's footer records, if it records one.
    fn info(&self) -> Result<Option<VersionInfo>> {
        self.footer.version_info(self.data.location())
    }
}

/// An archived version opened: its object, its footer and the version that records.
type Opened = (Arc<ObjectSource>, Footer, Option<VersionInfo>);

/// A kept version: its description and whether it is archived (else it is the current
/// object).
struct Kept {
    info: VersionInfo,
    archived: bool,
}

/// The archived versions of one stem, as [`stem_store`] sees them (stems are numbers).
struct Archive<'a> {
    backend: &'a ObjectBackend,
    dir: Path,
}

impl Archive<'_> {
    fn object(&self, name: &str) -> Result<Path> {
        self.backend.child(&self.dir, name)
    }
}

impl StemFiles for Archive<'_> {
    type Data = ObjectSource;

    fn data(&self, stem: &str) -> Result<Option<Arc<ObjectSource>>> {
        self.backend
            .open_object(&self.object(&format!("{stem}{DATA_SUFFIX}"))?)
    }

    fn sidecar(&self, stem: &str) -> Result<Option<String>> {
        self.backend
            .get_text(&self.object(&format!("{stem}{META_SUFFIX}"))?)
    }

    /// Archived versions are never changed.
    fn put_sidecar(&self, stem: &str, _text: &str) -> Result<()> {
        Err(Error::Unsupported(format!(
            "{}: archived versions are not rewritten",
            self.location(stem)
        )))
    }

    fn location(&self, name: &str) -> String {
        self.backend.shown(&self.dir, name)
    }
}

/// What a copy to a name that must be free did.
enum Copied {
    /// The copy is there.
    Done,
    /// The name holds an object already.
    Exists,
    /// The source is gone.
    SourceGone,
}

impl ObjectBackend {
    /// `<prefix>/.meteaudata-versions`.
    pub(crate) fn versions_root(&self) -> Result<Path> {
        self.child(self.prefix(), VERSIONS_DIR)
    }

    /// `<prefix>/.meteaudata-versions/<stem>`.
    fn archive_dir(&self, stem: &str) -> Result<Path> {
        self.child(&self.versions_root()?, stem)
    }

    fn archive_of(&self, stem: &str) -> Result<Archive<'_>> {
        Ok(Archive {
            backend: self,
            dir: self.archive_dir(stem)?,
        })
    }

    /// `parent/name`, with `name` checked.
    pub(crate) fn child(&self, parent: &Path, name: &str) -> Result<Path> {
        let part = PathPart::parse(name).map_err(|e| {
            Error::invalid_input(format!(
                "{}: no object can be named {name:?}: {e}",
                self.url()
            ))
        })?;
        Ok(parent.clone().join(part))
    }

    /// The archived data objects of `stem`, by number.
    fn archived(&self, stem: &str) -> Result<BTreeMap<u64, Listed>> {
        let dir = self.archive_dir(stem)?;
        Ok(self
            .list_dir(&dir)?
            .into_iter()
            .filter_map(|l| {
                let n = l.name.strip_suffix(DATA_SUFFIX)?.parse::<u64>().ok()?;
                Some((n, l))
            })
            .collect())
    }

    /// The current data object of `key`, if it holds a value (a damaged object under one of
    /// its names is `Corrupt`, as for loads).
    pub(crate) fn base(&self, key: &StorageKey) -> Result<Option<Base>> {
        Ok(self.locate(key)?.map(|found| Base {
            stem: found.stem,
            data: found.data,
            footer: found.footer,
        }))
    }

    /// The current data object of `key`; `NotFound` when there is none.
    fn find_base(&self, key: &StorageKey) -> Result<Base> {
        self.base(key)?.ok_or_else(|| missing(key, self.url()))
    }

    /// The version number of `base`: the one its footer records; for an object that records
    /// none, the number after the archived ones (`archived`, listed here when not given),
    /// unless the highest archived one is a copy of this very object (a save killed after
    /// archiving it), whose number it keeps.
    pub(crate) fn number_of(
        &self,
        base: &Base,
        archived: Option<&BTreeMap<u64, Listed>>,
    ) -> Result<u64> {
        if let Some(info) = base.info()? {
            return Ok(info.version);
        }
        let listed;
        let archived = match archived {
            Some(a) => a,
            None => {
                listed = self.archived(&base.stem)?;
                &listed
            }
        };
        let Some((&last, l)) = archived.iter().next_back() else {
            return Ok(1);
        };
        if l.size == base.data.len() {
            let copy = self.open_object(&self.child(&self.archive_dir(&base.stem)?, &l.name)?)?;
            if copy.is_some_and(|c| c.tail() == base.data.tail()) {
                return Ok(last);
            }
        }
        Ok(last + 1)
    }

    /// The number a save of `stem` takes over a damaged object (which is no version to
    /// keep): the one after the archived ones.
    pub(crate) fn number_after_archived(&self, stem: &str) -> Result<u64> {
        Ok(self.archived(stem)?.keys().next_back().map_or(1, |n| n + 1))
    }

    /// Copies `from` to `to` only if `to` is free.
    fn copy_new(&self, from: &Path, to: &Path) -> Result<Copied> {
        let (s, f, t) = (Arc::clone(self.store()), from.clone(), to.clone());
        match self
            .bridge()
            .run(async move { s.copy_if_not_exists(&f, &t).await })
        {
            Ok(()) => Ok(Copied::Done),
            Err(e) if is_conflict(&e) => Ok(Copied::Exists),
            Err(e) if is_not_found(&e) => Ok(Copied::SourceGone),
            // A store that cannot copy only to a free name (S3 configured without
            // `aws_copy_if_not_exists`): look first. Two saves can then both copy, but each
            // copies the object it archives unless it was replaced meanwhile, which makes its
            // conditional put fail.
            Err(e) if is_unsupported(&e) => {
                if self.open_object(to)?.is_some() {
                    return Ok(Copied::Exists);
                }
                self.copy_over(from, to)
            }
            Err(e) => Err(self.err(to, e)),
        }
    }

    /// Copies `from` over `to`.
    fn copy_over(&self, from: &Path, to: &Path) -> Result<Copied> {
        let (s, f, t) = (Arc::clone(self.store()), from.clone(), to.clone());
        match self.bridge().run(async move { s.copy(&f, &t).await }) {
            Ok(()) => Ok(Copied::Done),
            Err(e) if is_not_found(&e) => Ok(Copied::SourceGone),
            Err(e) => Err(self.err(to, e)),
        }
    }

    /// Whether the object at `to` is a copy of `base` (same version entry; for objects that
    /// record none, same size and last bytes).
    fn is_copy_of(&self, base: &Base, to: &Path) -> Result<bool> {
        let Some(copy) = self.open_object(to)? else {
            return Ok(false);
        };
        let Ok(footer) = meteaudata_parquet::read_footer(Arc::clone(&copy) as Arc<dyn ReadAt>)
        else {
            return Ok(false);
        };
        Ok(match base.info()? {
            Some(info) => footer.version_info(copy.location()).ok().flatten() == Some(info),
            None => {
                footer.version.is_none()
                    && copy.len() == base.data.len()
                    && copy.tail() == base.data.tail()
            }
        })
    }

    /// Before a save replaces `base` (version `number`): copies it to its archived name,
    /// unless a copy of it is there already (another save of the same version, or one
    /// killed before its put). `Conflict` when the object is gone (deleted or renamed
    /// meanwhile: the save starts again).
    ///
    /// The copy is of the object as it is now: if another writer replaced it after it was
    /// read, the copy holds that writer's version under this number. Such a copy is never
    /// listed (its footer records another number) and the save's conditional put then fails.
    pub(crate) fn archive(&self, base: &Base, number: u64) -> Result<()> {
        let archive = self.archive_of(&base.stem)?;
        let name = number.to_string();
        if base.footer.metadata.is_none() {
            // Python's file: its metadata is its sidecar, archived first.
            let from = self.meta_object(&base.stem)?;
            self.copy_new(&from, &archive.object(&format!("{name}{META_SUFFIX}"))?)?;
        }
        let from = base.data.path().clone();
        let to = archive.object(&format!("{name}{DATA_SUFFIX}"))?;
        match self.copy_new(&from, &to)? {
            Copied::Done => Ok(()),
            Copied::Exists if self.is_copy_of(base, &to)? => Ok(()),
            Copied::Exists => {
                // Left by a delete that raced a save of the key (the only way another object
                // gets this name): the current object takes its place.
                tracing::warn!(object = %to, "replacing an archived object that is not the version it is named after");
                match self.copy_over(&from, &to)? {
                    Copied::SourceGone => Err(self.changed(&base.stem)),
                    _ => Ok(()),
                }
            }
            Copied::SourceGone => Err(self.changed(&base.stem)),
        }
    }

    /// The `Conflict` of a save whose key changed under it.
    pub(crate) fn changed(&self, stem: &str) -> Error {
        Error::Conflict(format!(
            "{}: {stem}{DATA_SUFFIX} was replaced or deleted by another writer meanwhile",
            self.url()
        ))
    }

    /// The archived version `n` of `key` (in `archive`), opened with its footer; `None` when
    /// it is not kept (no object, or an object that records another number: the copy a
    /// writer made of a version that had just been replaced). `Corrupt` when it cannot be
    /// read or holds another key.
    fn open_archived(
        &self,
        key: &StorageKey,
        archive: &Archive<'_>,
        n: u64,
        data: Option<Arc<ObjectSource>>,
    ) -> Result<Option<Opened>> {
        let data = match data {
            Some(d) => d,
            None => match archive.data(&n.to_string())? {
                Some(d) => d,
                None => return Ok(None),
            },
        };
        let footer = meteaudata_parquet::read_footer(Arc::clone(&data) as Arc<dyn ReadAt>)?;
        if let Some(k) = &footer.key {
            if k != key.as_str() {
                return Err(Error::Corrupt {
                    location: data.location().to_string(),
                    message: format!("an archived version of {key} holds {k}"),
                });
            }
        }
        let info = footer.version_info(data.location())?;
        if info.as_ref().is_some_and(|i| i.version != n) {
            tracing::debug!(object = %data.location(), "skipping a copy that is not the version it is named after");
            return Ok(None);
        }
        Ok(Some((data, footer, info)))
    }

    /// A version's description from an object without a version entry: the hash of its
    /// content (read whole), its points, and `created`.
    fn describe_unrecorded(
        &self,
        data: &ObjectSource,
        number: u64,
        created: meteaudata_core::chrono::DateTime<meteaudata_core::chrono::Utc>,
    ) -> Result<VersionInfo> {
        let whole = self
            .whole_object(data.path(), Some(data))?
            .ok_or_else(|| self.gone(data))?;
        let (series, _) = meteaudata_parquet::read_series(whole, None, None)?;
        Ok(VersionInfo::new(
            number,
            series.content_hash()?,
            series.len() as u64,
            created,
        ))
    }

    /// Every kept version of `key`, oldest first (the last is the current object), and the
    /// stem of its objects.
    fn kept(&self, key: &StorageKey) -> Result<(String, Vec<Kept>)> {
        // The current object first, then the archive: every version older than the one read
        // was archived before it was replaced, so the two agree whatever saves run meanwhile.
        let base = self.find_base(key)?;
        let archived = self.archived(&base.stem)?;
        let current = self.number_of(&base, Some(&archived))?;
        let archive = self.archive_of(&base.stem)?;
        let older: Vec<(u64, Listed)> =
            archived.into_iter().filter(|(n, _)| *n < current).collect();
        let paths = older
            .iter()
            .map(|(n, _)| archive.object(&format!("{n}{DATA_SUFFIX}")))
            .collect::<Result<Vec<_>>>()?;
        let store = Arc::clone(self.store());
        let fetch = paths.clone();
        let tails = self.bridge().run(async move {
            futures::stream::iter(fetch)
                .map(|p| crate::source::fetch_tail(Arc::clone(&store), p))
                .buffered(FOOTER_FETCHES)
                .collect::<Vec<_>>()
                .await
        });
        let mut out = Vec::new();
        for (((n, listed), path), tail) in older.into_iter().zip(paths).zip(tails) {
            // Pruned since the listing.
            let Some(tail) = tail.map_err(|e| self.err(&path, e))? else {
                continue;
            };
            let data = Arc::new(self.source_from_tail(&path, tail));
            let Some((data, _, info)) = self.open_archived(key, &archive, n, Some(data))? else {
                continue;
            };
            let info = match info {
                Some(info) => info,
                None => self.describe_unrecorded(&data, n, listed.modified)?,
            };
            out.push(Kept {
                info,
                archived: true,
            });
        }
        let info = match base.info()? {
            Some(info) => info,
            None => self.describe_unrecorded(&base.data, current, base.data.modified())?,
        };
        out.push(Kept {
            info,
            archived: false,
        });
        Ok((base.stem, out))
    }

    pub(crate) fn list_versions_of(&self, key: &StorageKey) -> Result<Vec<VersionInfo>> {
        Ok(self.kept(key)?.1.into_iter().map(|k| k.info).collect())
    }

    /// From the version numbers alone (the descriptions, which read and hash objects without a
    /// version entry, only name the kept ones when `version` is not among them). The current
    /// object is read only if it is still the one numbered (`If-Match`); if it was replaced
    /// meanwhile, the version is looked for again (archived by then).
    pub(crate) fn load_version_of(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        for _ in 0..READ_ATTEMPTS {
            let base = self.find_base(key)?;
            let current = self.number_of(&base, None)?;
            if version == current {
                let Some(whole) = self.whole_object(base.data.path(), Some(&base.data))? else {
                    continue;
                };
                return stem_store::read_stored(
                    &self.files(),
                    &base.stem,
                    whole,
                    &base.footer,
                    None,
                );
            }
            let archive = self.archive_of(&base.stem)?;
            let kept = if version < current {
                self.open_archived(key, &archive, version, None)?
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
            let whole = self
                .whole_object(data.path(), Some(&data))?
                .ok_or_else(|| self.gone(&data))?;
            return stem_store::read_stored(&archive, &version.to_string(), whole, &footer, None);
        }
        Err(Error::Conflict(format!(
            "{key}: replaced {READ_ATTEMPTS} times while version {version} was read"
        )))
    }

    /// Removes the archived versions `retention` (and no snapshot) keeps.
    pub(crate) fn prune_versions_of(
        &self,
        key: &StorageKey,
        retention: Retention,
    ) -> Result<Vec<u64>> {
        let (stem, kept) = self.kept(key)?;
        let infos: Vec<VersionInfo> = kept.iter().map(|k| k.info.clone()).collect();
        let gone = removable(self, key, &infos, retention)?;
        let archive = self.archive_of(&stem)?;
        for k in kept
            .iter()
            .filter(|k| k.archived && gone.contains(&k.info.version))
        {
            let name = k.info.version.to_string();
            // The data object first: without it, the sidecar is no version.
            self.delete_object(&archive.object(&format!("{name}{DATA_SUFFIX}"))?)?;
            self.delete_object(&archive.object(&format!("{name}{META_SUFFIX}"))?)?;
        }
        Ok(gone)
    }

    /// Removes every object under `dir` (any depth).
    fn remove_under(&self, dir: &Path) -> Result<()> {
        let (s, d) = (Arc::clone(self.store()), dir.clone());
        let removed = self.bridge().run(async move {
            let paths = s.list(Some(&d)).map_ok(|m| m.location).boxed();
            s.delete_stream(paths)
                .try_for_each(|_| futures::future::ready(Ok(())))
                .await
        });
        match removed {
            Ok(()) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(self.err(dir, e)),
        }
    }

    /// Removes the archived versions of `stem` (all of them).
    pub(crate) fn remove_versions(&self, stem: &str) -> Result<()> {
        self.remove_under(&self.archive_dir(stem)?)
    }

    /// Removes every archived version of every key.
    pub(crate) fn remove_all_versions(&self) -> Result<()> {
        self.remove_under(&self.versions_root()?)
    }

    /// Bytes of every archived version.
    pub(crate) fn versions_size(&self) -> Result<u64> {
        let (s, d) = (Arc::clone(self.store()), self.versions_root()?);
        let root = d.clone();
        let sizes = self.bridge().run(async move {
            s.list(Some(&d))
                .try_fold(0u64, |sum, m| futures::future::ready(Ok(sum + m.size)))
                .await
        });
        match sizes {
            Ok(n) => Ok(n),
            Err(e) if is_not_found(&e) => Ok(0),
            Err(e) => Err(self.err(&root, e)),
        }
    }

    /// The `Conflict` of an object replaced or deleted while it was read.
    fn gone(&self, data: &ObjectSource) -> Error {
        Error::Conflict(format!(
            "{}: replaced or deleted while it was read",
            data.location()
        ))
    }

    fn get_options(expected: Option<&ObjectSource>) -> GetOptions {
        GetOptions {
            if_match: expected.and_then(|e| e.version().e_tag.clone()),
            ..GetOptions::default()
        }
    }

    /// The object at `path` fetched whole, in memory; with `expected`, only if it is still
    /// that object (`None` when it was replaced or deleted since; without `expected`, a
    /// missing object is `None` too).
    pub(crate) fn whole_object(
        &self,
        path: &Path,
        expected: Option<&ObjectSource>,
    ) -> Result<Option<Arc<dyn ReadAt>>> {
        let options = Self::get_options(expected);
        let (s, p) = (Arc::clone(self.store()), path.clone());
        let got = self
            .bridge()
            .run(async move { s.get_opts(&p, options).await?.bytes().await });
        let bytes = match got {
            Ok(b) => b,
            Err(e) if is_not_found(&e) || is_conflict(&e) => return Ok(None),
            Err(e) => return Err(self.err(path, e)),
        };
        self.count_read(bytes.len() as u64);
        let location = self.shown_path(path);
        Ok(Some(Arc::new(meteaudata_parquet::BytesSource::new(
            bytes, location,
        ))))
    }
}
