//! What the disk and object-store backends share above their files: finding where a key is
//! stored, choosing where to write it, reading its metadata, and keeping Python's sidecars in
//! step with the data files.
//!
//! Both keep a flat set of files named by stems (see [`crate::layout`]): `<stem>.parquet`,
//! the data with the key and the metadata document in its footer, and `<stem>_meta.yaml`, the
//! sidecar Python meteaudata reads. A backend describes its files through [`StemFiles`] (a
//! directory, an object prefix) and calls the functions below, so the two agree on every
//! rule: which of a key's names holds it, that a damaged file under one of its names is
//! replaced by the next save, that files Python wrote take their metadata (and the index
//! frequency Parquet cannot hold) from their sidecar, and that a sidecar left behind by an
//! interrupted save is rewritten from the data file's footer.
//!
//! ```
//! use meteaudata_core::storage::{StorageKey, Stored, TimeRange};
//! use meteaudata_core::{Index, Series, TimeSeries};
//! use meteaudata_parquet::stem_store::{self, Slot, StemFiles};
//! use meteaudata_parquet::{checksum, write_series, BytesSource};
//! use std::collections::HashMap;
//! use std::sync::{Arc, Mutex};
//!
//! /// Files in memory, by name.
//! #[derive(Default)]
//! struct Files(Mutex<HashMap<String, Vec<u8>>>);
//!
//! impl StemFiles for Files {
//!     type Data = BytesSource;
//!     fn data(&self, stem: &str) -> meteaudata_core::Result<Option<Arc<BytesSource>>> {
//!         let name = format!("{stem}.parquet");
//!         let files = self.0.lock().unwrap();
//!         Ok(files.get(&name).map(|b| Arc::new(BytesSource::new(b.clone(), name))))
//!     }
//!     fn sidecar(&self, stem: &str) -> meteaudata_core::Result<Option<String>> {
//!         let files = self.0.lock().unwrap();
//!         Ok(files.get(&format!("{stem}_meta.yaml")).map(|b| String::from_utf8_lossy(b).into()))
//!     }
//!     fn put_sidecar(&self, stem: &str, text: &str) -> meteaudata_core::Result<()> {
//!         let mut files = self.0.lock().unwrap();
//!         files.insert(format!("{stem}_meta.yaml"), text.as_bytes().to_vec());
//!         Ok(())
//!     }
//!     fn location(&self, name: &str) -> String {
//!         format!("memory/{name}")
//!     }
//! }
//!
//! let files = Files::default();
//! let key: StorageKey = "plant/COD#1/RAW#1".parse()?;
//! // A free key is written under Python's name for it.
//! assert_eq!(stem_store::place(&files, &key)?, ("plant_COD#1_RAW#1".to_string(), Slot::Free));
//!
//! let series = Series::from_f64("COD#1_RAW#1", Index::range(3), vec![1.0, 2.0, 3.0])?;
//! let meta = TimeSeries::new(series.clone()).metadata();
//! let mut file = write_series(Vec::new(), &key, &series, &meta)?;
//! let len = file.len() as u64;
//! checksum::seal_tail(&mut file, len)?;
//! files.0.lock().unwrap().insert("plant_COD#1_RAW#1.parquet".into(), file);
//!
//! // Found by its footer; its metadata comes from the footer too.
//! let found = stem_store::locate(&files, &key)?.expect("stored");
//! assert_eq!(found.stem, "plant_COD#1_RAW#1");
//! assert_eq!(stem_store::read_metadata(&files, &found.stem, &found.footer)?, meta);
//! assert_eq!(stem_store::place(&files, &key)?.1, Slot::Ours);
//!
//! // The missing sidecar (a save interrupted before it) is written from the footer.
//! assert_eq!(stem_store::listed_key(&files, &found.stem, Ok(found.footer), false), Some(key));
//! assert!(files.sidecar("plant_COD#1_RAW#1")?.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::layout::{candidate_stems, python_stem, DATA_SUFFIX, META_SUFFIX};
use crate::parquet_read::{read_footer, read_series};
use crate::{Footer, ReadAt};
use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{StorageKey, Stored, TimeRange};
use meteaudata_core::{Error, ErrorKind, Result};
use std::sync::Arc;

/// The files of one store, by stem: what a backend tells the functions of this module.
pub trait StemFiles {
    /// An opened data file.
    type Data: ReadAt + 'static;

    /// The data file of `stem`, opened; `None` when there is none.
    fn data(&self, stem: &str) -> Result<Option<Arc<Self::Data>>>;

    /// The text of the sidecar of `stem`; `None` when there is none.
    fn sidecar(&self, stem: &str) -> Result<Option<String>>;

    /// Replaces the sidecar of `stem` with `text` (whole, as the store allows: a rename on
    /// disk, one put on an object store).
    fn put_sidecar(&self, stem: &str, text: &str) -> Result<()>;

    /// The file named `name` of this store as errors and logs show it (a path, a URL).
    fn location(&self, name: &str) -> String;
}

/// A stored key: the stem of its files, its data file's footer and the opened data file.
pub struct Found<D> {
    /// The stem of its files.
    pub stem: String,
    /// The data file's footer.
    pub footer: Footer,
    /// The data file, opened.
    pub data: Arc<D>,
}

/// What the name chosen by [`place`] holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The key itself (a save overwrites it).
    Ours,
    /// A data file that cannot be read (a save replaces it).
    Damaged,
    /// Nothing (a save creates it, and must not overwrite a file another writer puts there
    /// meanwhile).
    Free,
}

/// Where `key` is stored, if anywhere: the first of its names whose data file's footer says
/// it holds `key`.
pub fn locate<F: StemFiles + ?Sized>(
    files: &F,
    key: &StorageKey,
) -> Result<Option<Found<F::Data>>> {
    for stem in candidate_stems(key) {
        let Some(data) = files.data(&stem)? else {
            continue;
        };
        let footer = read_footer(Arc::clone(&data) as Arc<dyn ReadAt>)?;
        // A file Python wrote records no key: its name is the key with `/` replaced by `_`,
        // which the name guess of `key_of` cannot always undo (`my_plant/COD_in#1/RAW#1`), so
        // the name made from the requested key is accepted too.
        let python_named = footer.key.is_none() && stem == python_stem(key);
        if python_named || footer.key_of(&stem).as_ref() == Some(key) {
            return Ok(Some(Found { stem, footer, data }));
        }
    }
    Ok(None)
}

/// Where `key` should be written: where it is; else the first of its names whose data file is
/// damaged (a save repairs it); else its first free name. `Conflict` when other keys hold
/// every name.
pub fn place<F: StemFiles + ?Sized>(files: &F, key: &StorageKey) -> Result<(String, Slot)> {
    let stems = candidate_stems(key);
    let mut damaged = None;
    let mut free = None;
    for stem in &stems {
        let data = match files.data(stem) {
            Ok(Some(data)) => data,
            Ok(None) => {
                free.get_or_insert_with(|| stem.clone());
                continue;
            }
            // Something that is no data file under its name (a FIFO on disk).
            Err(e) if e.kind() == ErrorKind::Corrupt => {
                damaged.get_or_insert_with(|| stem.clone());
                continue;
            }
            Err(e) => return Err(e),
        };
        match read_footer(data) {
            Ok(footer) if footer.key_of(stem).as_ref() == Some(key) => {
                return Ok((stem.clone(), Slot::Ours));
            }
            Ok(_) => {}
            Err(_) => {
                damaged.get_or_insert_with(|| stem.clone());
            }
        }
    }
    if let Some(stem) = damaged {
        return Ok((stem, Slot::Damaged));
    }
    free.map(|stem| (stem, Slot::Free)).ok_or_else(|| {
        Error::Conflict(format!(
            "{key}: every file name for this key is used by other keys in {}",
            files.location("")
        ))
    })
}

/// The metadata of the key stored under `stem`: the document in its data file's footer, or
/// for files Python wrote, the sidecar (`Corrupt` when it is missing or not valid).
pub fn read_metadata<F: StemFiles + ?Sized>(
    files: &F,
    stem: &str,
    footer: &Footer,
) -> Result<TimeSeriesMetadata> {
    let (text, name) = match &footer.metadata {
        Some(text) => (text.clone(), format!("{stem}{DATA_SUFFIX}")),
        None => {
            let name = format!("{stem}{META_SUFFIX}");
            let text = files.sidecar(stem)?.ok_or_else(|| Error::Corrupt {
                location: files.location(&name),
                message: "the data file holds no metadata and its sidecar is missing".into(),
            })?;
            (text, name)
        }
    };
    TimeSeriesMetadata::from_yaml(&text).map_err(|e| Error::Corrupt {
        location: files.location(&name),
        message: e.to_string(),
    })
}

/// The series stored under `stem` in `data` (whose footer is `footer`), the points in
/// `range`, with the index frequency a Python sidecar records, and its metadata (see
/// [`read_metadata`]).
pub fn read_stored<F: StemFiles + ?Sized>(
    files: &F,
    stem: &str,
    data: Arc<dyn ReadAt>,
    footer: &Footer,
    range: Option<TimeRange>,
) -> Result<Stored> {
    let freq = sidecar_frequency(files, stem, footer);
    let (series, footer) = read_series(data, range, freq.as_deref())?;
    let meta = read_metadata(files, stem, &footer)?;
    Ok((series, meta))
}

/// The index frequency the sidecar of a file Python wrote records (Parquet cannot hold it);
/// `None` for our files (their footer's metadata has it) and when there is none.
pub fn sidecar_frequency<F: StemFiles + ?Sized>(
    files: &F,
    stem: &str,
    footer: &Footer,
) -> Option<String> {
    if footer.metadata.is_some() {
        return None;
    }
    let text = files.sidecar(stem).ok()??;
    TimeSeriesMetadata::from_yaml(&text)
        .ok()?
        .index_metadata?
        .frequency
}

/// Rewrites the sidecar of `stem` from `embedded` (the metadata document its data file
/// carries) when it says something else or is missing: what a save interrupted between the
/// data file and the sidecar leaves. Best effort: a store that cannot be written is left as
/// it is, with a warning.
pub fn repair_sidecar<F: StemFiles + ?Sized>(files: &F, stem: &str, embedded: &str) {
    if files
        .sidecar(stem)
        .is_ok_and(|t| t.as_deref() == Some(embedded))
    {
        return;
    }
    let location = files.location(&format!("{stem}{META_SUFFIX}"));
    match files.put_sidecar(stem, embedded) {
        Ok(()) => {
            tracing::warn!(file = %location, "rewrote a sidecar that did not match its data file (an interrupted save)")
        }
        Err(e) => {
            tracing::warn!(file = %location, error = %e, "a sidecar does not match its data file and cannot be rewritten")
        }
    }
}

/// The key a listing reports for the data file of `stem` whose footer read as `footer`, with
/// its sidecar repaired on the way (unless the listing already knows it is `sidecar_fine`).
/// A damaged file is skipped with a warning: one must not hide the others, and loading it
/// reports the damage.
pub fn listed_key<F: StemFiles + ?Sized>(
    files: &F,
    stem: &str,
    footer: Result<Footer>,
    sidecar_fine: bool,
) -> Option<StorageKey> {
    match footer {
        Ok(footer) => {
            if let (Some(embedded), false) = (&footer.metadata, sidecar_fine) {
                repair_sidecar(files, stem, embedded);
            }
            footer.key_of(stem)
        }
        Err(e) => {
            let location = files.location(&format!("{stem}{DATA_SUFFIX}"));
            tracing::warn!(file = %location, error = %e, "skipping an unreadable data file");
            None
        }
    }
}
