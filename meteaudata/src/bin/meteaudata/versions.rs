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
