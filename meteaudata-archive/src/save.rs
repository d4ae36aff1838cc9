//! Saving signals and datasets.

use meteaudata_core::{Dataset, Result, Signal};
use std::path::{Path, PathBuf};

use crate::dataset_archive::write_dataset;
use crate::options::ExportOptions;
use crate::signal_archive::{data_dir, metadata_file, write_signal};
use crate::sink::check_component;
use crate::zip_io::publish_zip;

/// Saves `signal` into the directory `dest` (created if missing) and returns what to pass to
/// [`load_signal`](crate::load_signal):
///
/// * with [`ExportOptions::zip`] (the default), `dest/<signal>.zip`, replacing an older zip of
///   that name atomically (written to a temporary file in `dest`, then renamed);
/// * otherwise `dest` itself, which receives `<signal>_metadata.yaml` and `<signal>_data/`,
///   moved in from a temporary folder once complete. When either already exists nothing is
///   written and the error is a [`Conflict`](meteaudata_core::ErrorKind::Conflict).
///
/// The signal is not changed (export renames are recorded in the file only).
pub fn save_signal(
    signal: &Signal,
    dest: impl AsRef<Path>,
    options: &ExportOptions,
) -> Result<PathBuf> {
    options.check()?;
    let dest = dest.as_ref();
    let name = signal.name();
    check_component(name, "signal name")?;
    if options.is_zip() {
        let target = dest.join(format!("{name}.zip"));
        publish_zip(&target, |sink| {
            write_signal(sink, "", signal, options).map(|_| ())
        })?;
        Ok(target)
    } else {
        crate::sink::publish_dir(dest, &[data_dir(name), metadata_file(name)], |sink| {
            write_signal(sink, "", signal, options).map(|_| ())
        })?;
        Ok(dest.to_path_buf())
    }
}

/// Saves `dataset` into the directory `dest` (created if missing) and returns what to pass to
/// [`load_dataset`](crate::load_dataset): `dest/<dataset>.zip` by default (replaced
/// atomically), or, without zip, `dest` holding `<dataset>_metadata.yaml` and
/// `<dataset>_data/` (a [`Conflict`](meteaudata_core::ErrorKind::Conflict) when they exist).
///
/// Export options apply to every signal; [`ValueNames::PerSignal`](crate::ValueNames) picks
/// them by signal.
pub fn save_dataset(
    dataset: &Dataset,
    dest: impl AsRef<Path>,
    options: &ExportOptions,
) -> Result<PathBuf> {
    options.check()?;
    let dest = dest.as_ref();
    let name = dataset.name();
    check_component(name, "dataset name")?;
    if options.is_zip() {
        let target = dest.join(format!("{name}.zip"));
        publish_zip(&target, |sink| write_dataset(sink, dataset, options))?;
        Ok(target)
    } else {
        crate::sink::publish_dir(dest, &[data_dir(name), metadata_file(name)], |sink| {
            write_dataset(sink, dataset, options)
        })?;
        Ok(dest.to_path_buf())
    }
}
