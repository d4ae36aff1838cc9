//! Method syntax: `signal.save_archive(..)`, `Signal::load_archive(..)` and the same for
//! datasets.

use meteaudata_core::{Dataset, Result, Signal};
use std::path::{Path, PathBuf};

use crate::ExportOptions;

/// Archive methods on [`Signal`].
///
/// ```
/// use meteaudata_archive::{ExportOptions, SignalArchiveExt};
/// use meteaudata_core::{Index, Series, Signal};
/// let dir = tempfile::tempdir()?;
/// let s = Signal::new("A", "mg/L")?.with_series(Series::from_f64("RAW", Index::range(2), vec![1.0, 2.0])?)?;
/// let zip = s.save_archive(dir.path(), &ExportOptions::new())?;
/// assert_eq!(Signal::load_archive(&zip, None)?, s);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait SignalArchiveExt: Sized {
    /// See [`save_signal`](crate::save_signal).
    fn save_archive(&self, dest: impl AsRef<Path>, options: &ExportOptions) -> Result<PathBuf>;
    /// See [`load_signal`](crate::load_signal).
    fn load_archive(path: impl AsRef<Path>, name: Option<&str>) -> Result<Self>;
}

impl SignalArchiveExt for Signal {
    fn save_archive(&self, dest: impl AsRef<Path>, options: &ExportOptions) -> Result<PathBuf> {
        crate::save_signal(self, dest, options)
    }
    fn load_archive(path: impl AsRef<Path>, name: Option<&str>) -> Result<Self> {
        crate::load_signal(path, name)
    }
}

/// Archive methods on [`Dataset`].
pub trait DatasetArchiveExt: Sized {
    /// See [`save_dataset`](crate::save_dataset).
    fn save_archive(&self, dest: impl AsRef<Path>, options: &ExportOptions) -> Result<PathBuf>;
    /// See [`load_dataset`](crate::load_dataset).
    fn load_archive(path: impl AsRef<Path>) -> Result<Self>;
}

impl DatasetArchiveExt for Dataset {
    fn save_archive(&self, dest: impl AsRef<Path>, options: &ExportOptions) -> Result<PathBuf> {
        crate::save_dataset(self, dest, options)
    }
    fn load_archive(path: impl AsRef<Path>) -> Result<Self> {
        crate::load_dataset(path)
    }
}
