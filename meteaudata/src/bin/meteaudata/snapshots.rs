//! `meteaudata snapshot`: take, list, show and delete snapshots (named sets of series →
//! version) of a backend, and the datasets `export --snapshot` reads from one.

use anyhow::{bail, Context, Result};
use meteaudata::storage::{Snapshot, StorageKey};
use meteaudata::Dataset;

use crate::target::Target;

/// The backend of `target`, or an error saying why snapshots need one.
fn backend(target: &Target) -> Result<(&meteaudata::storage::SharedBackend, &str)> {
    match target {
        Target::Backend { backend, spec, .. } => Ok((backend, spec)),
        Target::Archive(_) => bail!(
            "{} is an archive, which holds one version of each series; snapshots are kept by backends",
            target.describe()
        ),
    }
}

/// Takes snapshot `name` of every series of `target` (or of the datasets named).
pub fn take(target: &Target, name: &str, datasets: &[String]) -> Result<Snapshot> {
    let (backend, spec) = backend(target)?;
    let keys: Vec<StorageKey> = backend
        .list_keys()
        .with_context(|| format!("cannot list {spec}"))?
        .into_iter()
        .filter(|k| k.parts().count() == 3)
        .filter(|k| {
            datasets.is_empty()
                || k.parts()
                    .next()
                    .is_some_and(|d| datasets.iter().any(|n| n == d))
        })
        .collect();
    if keys.is_empty() {
        match datasets {
            [] => bail!("{spec} holds no series to take a snapshot of"),
            _ => bail!("{spec} holds no series of dataset {}", datasets.join(", ")),
        }
    }
    Snapshot::take(backend.as_ref(), name, &keys)
        .with_context(|| format!("cannot take snapshot {name} of {spec}"))
}

/// Every snapshot of `target`, by name.
pub fn list(target: &Target) -> Result<Vec<Snapshot>> {
    let (backend, spec) = backend(target)?;
    let names = backend
        .list_snapshots()
        .with_context(|| format!("cannot list the snapshots of {spec}"))?;
    names.iter().map(|n| load(target, n)).collect()
}

/// Snapshot `name` of `target`.
pub fn load(target: &Target, name: &str) -> Result<Snapshot> {
    let (backend, spec) = backend(target)?;
    backend
        .load_snapshot(name)
        .with_context(|| format!("cannot read snapshot {name} of {spec}"))
}

/// Deletes snapshot `name` of `target`.
pub fn delete(target: &Target, name: &str) -> Result<()> {
    let (backend, spec) = backend(target)?;
    backend
        .delete_snapshot(name)
        .with_context(|| format!("cannot delete snapshot {name} of {spec}"))
}

/// The datasets snapshot `name` recorded (only `only`, when given), each read at its
/// recorded versions.
pub fn datasets(target: &Target, name: &str, only: Option<&str>) -> Result<Vec<Dataset>> {
    let (backend, spec) = backend(target)?;
    let snapshot = load(target, name)?;
    let names = match only {
        Some(d) => vec![d.to_string()],
        None => snapshot.datasets(),
    };
    names
        .iter()
        .map(|d| {
            Dataset::load_snapshot(backend, &snapshot, d).with_context(|| {
                format!("cannot load dataset {d:?} of snapshot {name} from {spec}")
            })
        })
        .collect()
}

/// One line per snapshot: name, time (UTC), number of series.
pub fn table(snapshots: &[Snapshot]) -> String {
    let mut out = format!("{:<32}  {:<27}  series\n", "snapshot", "created");
    for s in snapshots {
        out.push_str(&format!(
            "{:<32}  {:<27}  {}\n",
            s.name(),
            time(s),
            s.entries().len()
        ));
    }
    out
}

/// One line per series of a snapshot: key, version, points, hash.
pub fn show(s: &Snapshot) -> String {
    let mut out = format!("snapshot {} (created {})\n", s.name(), time(s));
    for (key, e) in s.entries() {
        out.push_str(&format!(
            "{key}  version {}  {} points  {}\n",
            e.version, e.points, e.hash
        ));
    }
    out
}

/// A snapshot as JSON: `{name, created, series: [{key, version, hash, points}]}`.
pub fn json(s: &Snapshot) -> serde_json::Value {
    serde_json::json!({
        "name": s.name(),
        "created": time(s),
        "series": s.entries().iter().map(|(k, e)| serde_json::json!({
            "key": k.as_str(),
            "version": e.version,
            "hash": e.hash.to_string(),
            "points": e.points,
        })).collect::<Vec<_>>(),
    })
}

fn time(s: &Snapshot) -> String {
    s.created()
        .to_rfc3339_opts(meteaudata::chrono::SecondsFormat::Micros, true)
}
