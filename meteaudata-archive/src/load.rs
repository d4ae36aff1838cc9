//! Loading signals and datasets from a directory or a zip, finding their names when the caller
//! does not give them.

use meteaudata_core::{Dataset, Error, Result, Signal};
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

use crate::dataset_archive::read_dataset;
use crate::limits::ZipLimits;
use crate::signal_archive::{data_dir, metadata_file, read_signal};
use crate::zip_io::{extract, is_zip};

/// An opened archive: a directory, or a zip extracted into a private temporary directory
/// (removed on drop).
struct Source {
    root: PathBuf,
    zip: Option<(PathBuf, TempDir)>,
}

impl Source {
    fn open(path: &Path, limits: &ZipLimits) -> Result<Source> {
        if path.is_dir() {
            return Ok(Source {
                root: path.to_path_buf(),
                zip: None,
            });
        }
        if !path.exists() {
            return Err(Error::not_found(
                "archive",
                path.display().to_string(),
                Vec::<String>::new(),
            ));
        }
        if !is_zip(path) {
            return Err(Error::invalid_input(format!(
                "{} is neither a directory nor a zip archive",
                path.display()
            )));
        }
        let dir = extract(path, limits)?;
        Ok(Source {
            root: dir.path().to_path_buf(),
            zip: Some((path.to_path_buf(), dir)),
        })
    }

    /// Rewrites paths inside the extraction folder as `<zip>!/<entry>` in an error.
    fn relabel(&self, err: Error) -> Error {
        let Some((zip, dir)) = &self.zip else {
            return err;
        };
        let from = format!("{}/", dir.path().display());
        let to = format!("{}!/", zip.display());
        let fix = |s: String| s.replace(&from, &to);
        match err {
            Error::Parse { what, message } => Error::Parse {
                what: fix(what),
                message: fix(message),
            },
            Error::Corrupt { location, message } => Error::Corrupt {
                location: fix(location),
                message: fix(message),
            },
            Error::NotFound {
                what,
                name,
                available,
            } => Error::NotFound {
                what,
                name: fix(name),
                available,
            },
            Error::Io { path, source } => Error::Io {
                path: fix(path),
                source,
            },
            other => other,
        }
    }

    /// Names `X` with both `X_metadata.yaml` and `X_data/` at the root, sorted.
    fn candidates(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let entries = fs::read_dir(&self.root).map_err(|e| Error::io(&self.root, e))?;
        for e in entries {
            let e = e.map_err(|err| Error::io(&self.root, err))?;
            let file = e.file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_suffix("_metadata.yaml") {
                if self.root.join(data_dir(name)).is_dir() {
                    out.push(name.to_string());
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn read_yaml(&self, name: &str) -> Result<(String, PathBuf)> {
        let path = self.root.join(metadata_file(name));
        let text = fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::not_found(
                "metadata file",
                path.display().to_string(),
                self.candidates()
                    .unwrap_or_default()
                    .iter()
                    .map(|c| metadata_file(c)),
            ),
            _ => Error::io(&path, e),
        })?;
        let text = String::from_utf8(text)
            .map_err(|_| Error::parse(path.display().to_string(), "not UTF-8 text"))?;
        Ok((text, path))
    }
}

/// Which kind of document a metadata file holds.
#[derive(Deserialize)]
struct Kind {
    time_series: Option<IgnoredAny>,
    signals: Option<IgnoredAny>,
}

fn kind_of(yaml: &str, file: &Path) -> Result<Kind> {
    serde_yaml::from_str(yaml).map_err(|e| Error::parse(file.display().to_string(), e))
}

/// Loads a signal from a directory or a zip written by [`save_signal`](crate::save_signal) or
/// by Python meteaudata (`Signal.save`).
///
/// `name` is the numbered signal name (`Temperature#1`); with `None` the archive must hold
/// exactly one signal, whose name is then read from its files. Series come back in the order
/// of the metadata document, under the keys it records.
pub fn load_signal(path: impl AsRef<Path>, name: Option<&str>) -> Result<Signal> {
    load_signal_with(path, name, &ZipLimits::default())
}

/// [`load_signal`] with the limits a zip archive must keep to (see [`ZipLimits`]).
pub fn load_signal_with(
    path: impl AsRef<Path>,
    name: Option<&str>,
    limits: &ZipLimits,
) -> Result<Signal> {
    let src = Source::open(path.as_ref(), limits)?;
    load_signal_from(&src, name).map_err(|e| src.relabel(e))
}

fn load_signal_from(src: &Source, name: Option<&str>) -> Result<Signal> {
    let name = match name {
        Some(n) => n.to_string(),
        None => only_one(src, "signal", |k| k.time_series.is_some())?,
    };
    crate::sink::check_component(&name, "signal name")?;
    let (yaml, file) = src.read_yaml(&name)?;
    let kind = kind_of(&yaml, &file)?;
    if kind.time_series.is_none() && kind.signals.is_some() {
        return Err(Error::invalid_input(format!(
            "{} describes a dataset; load it with load_dataset",
            file.display()
        )));
    }
    let data = src.root.join(data_dir(&name));
    if !data.is_dir() {
        return Err(Error::not_found(
            "signal data folder",
            data.display().to_string(),
            Vec::<String>::new(),
        ));
    }
    read_signal(&yaml, &file, &data)
}

/// The one name at the root whose document satisfies `pick`.
fn only_one(src: &Source, what: &'static str, pick: impl Fn(&Kind) -> bool) -> Result<String> {
    let mut found = Vec::new();
    for c in src.candidates()? {
        let (yaml, file) = src.read_yaml(&c)?;
        if pick(&kind_of(&yaml, &file)?) {
            found.push(c);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::not_found(
            what,
            format!(
                "(no <name>_metadata.yaml with a <name>_data folder in {})",
                src.zip
                    .as_ref()
                    .map_or(src.root.display(), |(z, _)| z.display())
            ),
            Vec::<String>::new(),
        )),
        _ => Err(Error::invalid_input(format!(
            "the archive holds several {what}s ({found:?}); pass the name of one"
        ))),
    }
}

/// Loads a dataset from a directory or a zip written by [`save_dataset`](crate::save_dataset)
/// or by Python meteaudata (`Dataset.save`). The dataset's name is read from the archive.
pub fn load_dataset(path: impl AsRef<Path>) -> Result<Dataset> {
    load_dataset_with(path, &ZipLimits::default())
}

/// [`load_dataset`] with the limits a zip archive must keep to (see [`ZipLimits`]).
pub fn load_dataset_with(path: impl AsRef<Path>, limits: &ZipLimits) -> Result<Dataset> {
    let src = Source::open(path.as_ref(), limits)?;
    load_dataset_from(&src, None).map_err(|e| src.relabel(e))
}

/// Like [`load_dataset`], for an archive that holds several datasets: `name` picks one.
pub fn load_dataset_named(path: impl AsRef<Path>, name: &str) -> Result<Dataset> {
    let src = Source::open(path.as_ref(), &ZipLimits::default())?;
    load_dataset_from(&src, Some(name)).map_err(|e| src.relabel(e))
}

fn load_dataset_from(src: &Source, name: Option<&str>) -> Result<Dataset> {
    let name = match name {
        Some(n) => n.to_string(),
        None => only_one(src, "dataset", |k| k.signals.is_some())?,
    };
    crate::sink::check_component(&name, "dataset name")?;
    let (yaml, file) = src.read_yaml(&name)?;
    let kind = kind_of(&yaml, &file)?;
    if kind.signals.is_none() {
        return Err(Error::invalid_input(format!(
            "{} does not describe a dataset (no `signals`)",
            file.display()
        )));
    }
    read_dataset(&yaml, &file, &src.root)
}
