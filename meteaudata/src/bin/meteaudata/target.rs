//! Where data lives: a backend (disk directory or database URL) or an archive (zip or folder).

use anyhow::{bail, Context, Result};
use meteaudata::storage::{SharedBackend, StorageConfig};
use meteaudata::{archive, create_backend, Dataset};
use std::path::{Path, PathBuf};

/// A place the tool reads datasets from or writes them to.
pub enum Target {
    /// A storage backend.
    Backend {
        /// The backend.
        backend: SharedBackend,
        /// What the user wrote.
        spec: String,
        /// Whether the backend is an in-memory copy of the series Python meteaudata wrote
        /// in its own SQL tables (nothing can be written back to them).
        python_copy: bool,
    },
    /// An archive: a `.zip` file, or a folder given as `archive:PATH`.
    Archive(PathBuf),
}

impl Target {
    /// Reads a target spec: `sqlite://…`, `postgresql://…`, `mysql://…` → SQL; `s3://…`,
    /// `az://…`, `abfs://…`, `gs://…`, `file://…`, `memory://…` → object store; `memory:` →
    /// memory; `*.zip` or `archive:PATH` → archive; anything else → a disk backend directory.
    pub fn parse(spec: &str) -> Result<Target> {
        let lower = spec.to_ascii_lowercase();
        let config = if [
            "sqlite:",
            "postgres:",
            "postgresql:",
            "mysql:",
            "mysql+",
            "mariadb:",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
        {
            StorageConfig::sql(spec)
        } else if StorageConfig::is_object_url(spec) {
            StorageConfig::object(spec)
        } else if lower == "memory:" {
            StorageConfig::memory()
        } else if let Some(path) = spec.strip_prefix("archive:") {
            return Ok(Target::Archive(PathBuf::from(path)));
        } else if lower.ends_with(".zip") {
            return Ok(Target::Archive(PathBuf::from(spec)));
        } else if let Some((scheme, _)) = spec.split_once("://") {
            bail!("unknown URL scheme {scheme:?} in {spec:?}: use a directory, sqlite://, postgresql://, mysql://, s3://, az://, gs://, file://, memory:// or a .zip archive");
        } else {
            StorageConfig::disk(spec)
        };
        let backend = create_backend(&config).with_context(|| format!("cannot open {spec}"))?;
        Ok(Target::Backend {
            backend,
            spec: spec.to_string(),
            python_copy: false,
        })
    }

    /// Reads a target spec that must already hold data (a source): a disk directory, a
    /// SQLite file or an archive that does not exist is a `NotFound` error instead of an empty
    /// store created on the spot.
    pub fn existing(spec: &str) -> Result<Target> {
        let missing = |path: &Path| -> Result<()> {
            if path.exists() {
                return Ok(());
            }
            Err(meteaudata::Error::NotFound {
                what: "store",
                name: spec.to_string(),
                available: format!(" (no file or directory {})", path.display()),
            }
            .into())
        };
        // Checked before connecting: opening a SQLite file creates it.
        if let Some(file) = sqlite_file(spec) {
            missing(&file)?;
        }
        let target = Target::parse(spec)?;
        if let Some(copy) = python_tables(&target, spec)? {
            return Ok(copy);
        }
        match &target {
            Target::Archive(p) => missing(p)?,
            Target::Backend { backend, .. } if backend.backend_type() == "disk" => {
                missing(Path::new(spec))?
            }
            Target::Backend { .. } => {}
        }
        Ok(target)
    }

    /// Like [`Target::existing`], for commands that write back to the target: a database
    /// holding only Python meteaudata's tables is an error telling to convert it first.
    pub fn existing_writable(spec: &str) -> Result<Target> {
        let target = Target::existing(spec)?;
        if matches!(
            target,
            Target::Backend {
                python_copy: true,
                ..
            }
        ) {
            bail!(
                "{spec} holds only Python meteaudata's SQL tables, which this command cannot write back to; convert them first: meteaudata convert {spec} DESTINATION"
            );
        }
        Ok(target)
    }

    /// Every dataset the target holds.
    pub fn datasets(&self) -> Result<Vec<Dataset>> {
        match self {
            Target::Backend { backend, spec, .. } => {
                let names = Dataset::list_in_backend(backend)
                    .with_context(|| format!("cannot list {spec}"))?;
                names
                    .iter()
                    .map(|n| {
                        Dataset::load_from_backend(backend, n)
                            .with_context(|| format!("cannot load dataset {n:?} from {spec}"))
                    })
                    .collect()
            }
            Target::Archive(path) => Ok(vec![load_archive(path)?]),
        }
    }

    /// One dataset: the one named, or the only one.
    pub fn dataset(&self, name: Option<&str>) -> Result<Dataset> {
        match (self, name) {
            (Target::Backend { backend, spec, .. }, Some(n)) => {
                Dataset::load_from_backend(backend, n)
                    .with_context(|| format!("cannot load dataset {n:?} from {spec}"))
            }
            _ => {
                let mut all = self.datasets()?;
                match (all.len(), name) {
                    (0, _) => bail!("{} holds no dataset", self.describe()),
                    (_, Some(n)) => match all.iter().position(|d| d.name() == n) {
                        Some(i) => Ok(all.swap_remove(i)),
                        None => bail!("{} holds no dataset {n:?}", self.describe()),
                    },
                    (1, None) => Ok(all.swap_remove(0)),
                    (_, None) => bail!(
                        "{} holds several datasets ({}): choose one with --dataset",
                        self.describe(),
                        all.iter()
                            .map(|d| d.name().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
            }
        }
    }

    /// Writes a dataset (every series; an archive is replaced whole).
    pub fn save(&self, dataset: &mut Dataset) -> Result<()> {
        match self {
            Target::Backend { backend, spec, .. } => {
                dataset.set_backend(backend.clone(), false);
                dataset.save_all().with_context(|| {
                    format!("cannot save dataset {:?} to {spec}", dataset.name())
                })?;
                Ok(())
            }
            Target::Archive(path) => save_archive(dataset, path),
        }
    }

    /// The target as the user wrote it.
    pub fn describe(&self) -> String {
        match self {
            Target::Backend { spec, .. } => spec.clone(),
            Target::Archive(p) => p.display().to_string(),
        }
    }
}

fn load_archive(path: &Path) -> Result<Dataset> {
    match archive::load_dataset(path) {
        Ok(d) => Ok(d),
        Err(dataset_err) => match archive::load_signal(path, None) {
            // A signal archive becomes a dataset named after the file.
            Ok(signal) => {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().replace('#', "-"))
                    .unwrap_or_else(|| "default".into());
                Ok(Dataset::new(&name)?.with_signals([signal])?)
            }
            Err(_) => {
                Err(dataset_err).with_context(|| format!("cannot load archive {}", path.display()))
            }
        },
    }
}

fn save_archive(dataset: &Dataset, path: &Path) -> Result<()> {
    let options = archive::ExportOptions::new().zip(
        path.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip")),
    );
    if options.is_zip() {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        // Written in a private folder beside the target, then renamed onto it: nothing else in
        // the user's directory is touched.
        let scratch = tempfile::Builder::new()
            .prefix(".meteaudata-")
            .tempdir_in(dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        let written = archive::save_dataset(dataset, scratch.path(), &options)
            .with_context(|| format!("cannot write archive {}", path.display()))?;
        std::fs::rename(&written, path)
            .with_context(|| format!("cannot move the archive to {}", path.display()))?;
    } else {
        archive::save_dataset(dataset, path, &options)
            .with_context(|| format!("cannot write archive folder {}", path.display()))?;
    }
    Ok(())
}

/// For a SQL database that holds no series of ours but series written by Python meteaudata's
/// SQL backend (`time_series_metadata`, `time_series_data`): those series, read into memory,
/// as a target of their own. The database is left as it is.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn python_tables(target: &Target, spec: &str) -> Result<Option<Target>> {
    use meteaudata::storage::StorageBackend;
    let Target::Backend { backend, .. } = target else {
        return Ok(None);
    };
    let is_sql = meteaudata::storage_sql::ConnectionTarget::parse(spec).is_ok();
    if !is_sql || !backend.list_keys()?.is_empty() {
        return Ok(None);
    }
    let sql = meteaudata::storage_sql::SqlBackend::connect(spec)?;
    let keys = sql.python_keys()?;
    if keys.is_empty() {
        return Ok(None);
    }
    eprintln!(
        "note: {spec} holds {} series written by Python meteaudata's SQL backend; reading them from its tables",
        keys.len()
    );
    let copy = meteaudata::storage::MemoryBackend::new();
    for key in &keys {
        let (series, metadata) = sql
            .load_python(key)
            .with_context(|| format!("cannot read Python's series {key} from {spec}"))?;
        copy.save(key, &series, &metadata)?;
    }
    Ok(Some(Target::Backend {
        backend: std::sync::Arc::new(copy),
        spec: spec.to_string(),
        python_copy: true,
    }))
}

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
fn python_tables(_: &Target, _: &str) -> Result<Option<Target>> {
    Ok(None)
}

/// The file of a `sqlite:///` URL (not `:memory:`), read by the SQL backend's own parser.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn sqlite_file(spec: &str) -> Option<PathBuf> {
    use meteaudata::storage_sql::{ConnectionTarget, Database};
    ConnectionTarget::parse(spec)
        .ok()
        .filter(|t| t.database == Database::Sqlite && t.target != ":memory:")
        .map(|t| PathBuf::from(t.target))
}

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
fn sqlite_file(_: &str) -> Option<PathBuf> {
    None
}
