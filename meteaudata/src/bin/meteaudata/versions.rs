//! `meteaudata versions`: the kept versions of one stored series.

use anyhow::{bail, Context, Result};
use meteaudata::naming::SeriesName;
use meteaudata::storage::{StorageKey, VersionInfo};
use meteaudata::Dataset;

use crate::target::Target;

/// The versions of `series` (a full name) in `target`, oldest first, with the key they are
/// stored under.
pub fn versions(
    target: &Target,
    dataset: Option<&str>,
    series: &str,
) -> Result<(StorageKey, Vec<VersionInfo>)> {
    let Target::Backend { backend, spec, .. } = target else {
        bail!(
            "{} is an archive, which holds one version of each series; versions are kept by backends",
            target.describe()
        );
    };
    let dataset = match dataset {
        Some(d) => d.to_string(),
        None => {
            let names =
                Dataset::list_in_backend(backend).with_context(|| format!("cannot list {spec}"))?;
            match names.as_slice() {
                [one] => one.clone(),
                [] => bail!("{spec} holds no dataset"),
                _ => bail!(
                    "{spec} holds several datasets ({}): choose one with --dataset",
                    names.join(", ")
                ),
            }
        }
    };
    let name = SeriesName::parse(series);
    let key = StorageKey::for_series(&dataset, &name.signal, series)?;
    let versions = backend
        .list_versions(&key)
        .with_context(|| format!("cannot list the versions of {key} in {spec}"))?;
    Ok((key, versions))
}

/// One line per version: number, hash, points, time (RFC 3339, UTC).
pub fn table(key: &StorageKey, versions: &[VersionInfo]) -> String {
    let mut out = format!(
        "{key}\n{:>7}  {:<64}  {:>12}  created\n",
        "version", "hash", "points"
    );
    for v in versions {
        out.push_str(&format!(
            "{:>7}  {}  {:>12}  {}\n",
            v.version,
            v.hash,
            v.points,
            v.created
                .to_rfc3339_opts(meteaudata::chrono::SecondsFormat::Micros, true)
        ));
    }
    out
}

/// The version of each series an export takes: `SERIES=N` pairs, and for the others the
/// latest saved at or before `as_of` (when given).
pub struct Pick {
    /// `SERIES=N` pairs.
    pub exact: Vec<(String, u64)>,
    /// Versions saved at or before this time.
    pub as_of: Option<meteaudata::chrono::DateTime<meteaudata::chrono::Utc>>,
}

impl Pick {
    /// Whether anything other than the latest versions is asked for.
    pub fn is_latest(&self) -> bool {
        self.exact.is_empty() && self.as_of.is_none()
    }
}

/// Reads `--as-of`: RFC 3339, or `YYYY-MM-DD[ HH:MM[:SS]]` taken as UTC.
pub fn parse_time(text: &str) -> Result<meteaudata::chrono::DateTime<meteaudata::chrono::Utc>> {
    use meteaudata::chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, f) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    bail!("--as-of {text:?}: expected RFC 3339 (2026-12-06T10:00:00Z) or YYYY-MM-DD [HH:MM[:SS]] (UTC)")
}

/// Replaces, in `dataset` (read from `backend`), each series by the version `pick` asks
/// for. With `as_of`, series saved only after it are removed. Returns what was done, one line
/// per series changed.
pub fn apply(
    dataset: &mut Dataset,
    backend: &meteaudata::storage::SharedBackend,
    pick: &Pick,
) -> Result<Vec<String>> {
    let mut done = Vec::new();
    let mut unknown: Vec<&str> = pick.exact.iter().map(|(s, _)| s.as_str()).collect();
    let names: Vec<(String, String)> = dataset
        .signals()
        .iter()
        .flat_map(|(sig, s)| {
            s.time_series()
                .keys()
                .map(move |k| (sig.clone(), k.clone()))
        })
        .collect();
    for (signal, series) in names {
        let exact = pick
            .exact
            .iter()
            .find(|(s, _)| *s == series)
            .map(|(_, n)| *n);
        unknown.retain(|s| *s != series);
        if exact.is_none() && pick.as_of.is_none() {
            continue;
        }
        let key = StorageKey::for_series(dataset.name(), &signal, &series)?;
        let versions = backend
            .list_versions(&key)
            .with_context(|| format!("cannot list the versions of {key}"))?;
        let chosen = match (exact, pick.as_of) {
            (Some(n), _) => Some(n),
            (None, Some(t)) => versions
                .iter()
                .rev()
                .find(|v| v.created <= t)
                .map(|v| v.version),
            (None, None) => None,
        };
        let sig = dataset.signal_mut(&signal)?;
        match chosen {
            None => {
                sig.remove(&series)?;
                done.push(format!("{series}: left out (saved after --as-of)"));
            }
            Some(n) if versions.last().is_some_and(|v| v.version == n) => {}
            Some(n) => {
                let (data, meta) = backend
                    .load_version(&key, n)
                    .with_context(|| format!("cannot load version {n} of {key}"))?;
                *sig.get_mut(&series)? = meta.into_time_series(data);
                done.push(format!("{series}: version {n}"));
            }
        }
    }
    if let Some(s) = unknown.first() {
        bail!("--version {s}=…: {} has no series {s}", dataset.name());
    }
    Ok(done)
}
