//! `meteaudata replay`: re-run the recorded history of every derived series from its raw
//! inputs and compare with what is stored.

use anyhow::{anyhow, Result};
use meteaudata::arrow_array::Array;
use meteaudata::naming::SeriesName;
use meteaudata::{Dataset, ProcessingType, Series};
use std::collections::HashMap;

use crate::ops::{from_step, Op};
use crate::progress::Progress;

/// The verdict for one series.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Recomputed and equal.
    Match,
    /// Recomputed and equal, from inputs loaded at the versions the steps pinned (which).
    MatchPinned(String),
    /// An input's content is not what a step recorded when it ran (which, both hashes).
    Changed(String),
    /// Recomputed and different (why).
    Mismatch(String),
    /// Could not be recomputed: a function that is not a built-in.
    Skipped(String),
    /// Could not be recomputed: an input is missing or a step failed.
    Failed(String),
}

impl Verdict {
    /// Whether this verdict makes the replay fail.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Verdict::Mismatch(_) | Verdict::Failed(_) | Verdict::Changed(_)
        )
    }
}

struct Replayer<'a> {
    dataset: &'a Dataset,
    memo: HashMap<String, Result<Series, Verdict>>,
    /// Replace a changed input by its stored version with the pinned hash (`--pinned`).
    pinned: bool,
    /// The pinned versions used, by series computed with them.
    used: HashMap<String, Vec<String>>,
}

fn series_of<'a>(d: &'a Dataset, name: &str) -> Option<&'a meteaudata::TimeSeries> {
    let p = SeriesName::parse(name);
    d.signals()
        .get(&p.signal)
        .and_then(|s| s.time_series().get(name))
}

/// The last step that computed something (export renames only relabel).
fn last_step(ts: &meteaudata::TimeSeries) -> Option<&meteaudata::ProcessingStep> {
    ts.processing_steps
        .iter()
        .rev()
        .find(|s| s.step_type != ProcessingType::ExportRename)
}

impl Replayer<'_> {
    /// The series `name` recomputed from raw data (raw series are taken as stored).
    fn compute(&mut self, name: &str, depth: usize) -> Result<Series, Verdict> {
        if let Some(r) = self.memo.get(name) {
            return r.clone();
        }
        let result = self.compute_uncached(name, depth);
        self.memo.insert(name.to_string(), result.clone());
        result
    }

    fn compute_uncached(&mut self, name: &str, depth: usize) -> Result<Series, Verdict> {
        if depth > 64 {
            return Err(Verdict::Failed(format!(
                "{name}: history deeper than 64 steps or circular"
            )));
        }
        let ts = series_of(self.dataset, name)
            .ok_or_else(|| Verdict::Failed(format!("input {name} is not in the dataset")))?;
        let stored = ts
            .series()
            .map_err(|e| Verdict::Failed(format!("{name}: {e}")))?;
        let Some(step) = last_step(ts) else {
            return Ok(stored.clone());
        };
        let op = from_step(step)
            .map_err(|e| Verdict::Failed(format!("{name}: {e}")))?
            .ok_or_else(|| {
                Verdict::Skipped(format!(
                    "{name}: function {:?} is not a built-in",
                    step.function_info.name
                ))
            })?;
        let mut inputs = Vec::new();
        let mut used = Vec::new();
        for input in &step.input_series_names {
            let mut s = self.compute(input, depth + 1)?;
            if let Some(u) = self.used.get(input) {
                used.extend(u.iter().cloned());
            }
            if let Some(pin) = step
                .pins
                .as_ref()
                .and_then(|p| p.inputs.iter().find(|p| &p.name == input))
            {
                let now = s
                    .content_hash()
                    .map_err(|e| Verdict::Failed(format!("{input}: {e}")))?;
                if now != pin.hash {
                    if !self.pinned {
                        return Err(Verdict::Changed(format!(
                            "{name}: input {input} changed since the step ran (recorded {}, now {now}; --pinned replays the recorded version)",
                            pin.hash
                        )));
                    }
                    let (old, version) =
                        self.pinned_version(input, &pin.hash, pin.version, &now)?;
                    used.push(format!("{input} version {version}"));
                    s = old;
                }
            }
            s.set_name(input);
            inputs.push(s);
        }
        if !used.is_empty() {
            self.used.insert(name.to_string(), used);
        }
        let fail = |e: meteaudata::Error| {
            Verdict::Failed(format!(
                "{name}: re-running {}: {e}",
                step.function_info.name
            ))
        };
        match op {
            Op::Univariate(t) => {
                let out = t.apply(&inputs).map_err(fail)?;
                out.into_iter().next().map(|o| o.series).ok_or_else(|| {
                    Verdict::Failed(format!("{name}: the transform returned nothing"))
                })
            }
            Op::Multivariate(t) => {
                let mut signals = Vec::new();
                for input in &step.input_series_names {
                    let p = SeriesName::parse(input);
                    let mut sig = self
                        .dataset
                        .signal(&p.signal)
                        .map_err(|e| Verdict::Failed(e.to_string()))?
                        .clone();
                    if let Some(s) = inputs.iter().find(|s| s.name() == input) {
                        sig.get_mut(input)
                            .map_err(|e| Verdict::Failed(e.to_string()))?
                            .set_series(s.clone());
                    }
                    signals.push(sig);
                }
                let out = t.apply(&signals, &step.input_series_names).map_err(fail)?;
                let first = out.into_iter().next().ok_or_else(|| {
                    Verdict::Failed(format!("{name}: the transform returned no signal"))
                })?;
                let ts = first.time_series().values().next().ok_or_else(|| {
                    Verdict::Failed(format!("{name}: the new signal has no series"))
                })?;
                ts.series()
                    .cloned()
                    .map_err(|e| Verdict::Failed(e.to_string()))
            }
        }
    }
}

impl Replayer<'_> {
    /// The stored version of `input` whose content hash is `hash` (and its number): the
    /// version the step recorded when it still has that hash, else the newest that has it.
    /// What is loaded is hashed again: a damaged version is a failure, never replayed.
    fn pinned_version(
        &self,
        input: &str,
        hash: &meteaudata::ContentHash,
        recorded: Option<u64>,
        now: &meteaudata::ContentHash,
    ) -> Result<(Series, u64), Verdict> {
        let changed = |why: String| {
            Verdict::Changed(format!(
                "{input} changed since the step ran (recorded {hash}, now {now}) and {why}"
            ))
        };
        let backend = self
            .dataset
            .backend()
            .ok_or_else(|| changed("this target keeps no versions".into()))?;
        let p = SeriesName::parse(input);
        let key =
            meteaudata::storage::StorageKey::for_series(self.dataset.name(), &p.signal, input)
                .map_err(|e| Verdict::Failed(format!("{input}: {e}")))?;
        let versions = backend.list_versions(&key).map_err(|e| {
            if e.kind() == meteaudata::ErrorKind::Unsupported {
                changed(format!(
                    "the {} backend keeps no versions",
                    backend.backend_type()
                ))
            } else {
                Verdict::Failed(format!("{input}: versions: {e}"))
            }
        })?;
        let v = versions
            .iter()
            .find(|v| Some(v.version) == recorded && &v.hash == hash)
            .or_else(|| versions.iter().rev().find(|v| &v.hash == hash))
            .ok_or_else(|| {
                let kept: Vec<String> = versions.iter().map(|v| v.version.to_string()).collect();
                changed(format!(
                    "no kept version has the recorded hash (versions kept: {})",
                    kept.join(", ")
                ))
            })?;
        let (series, _) = backend
            .load_version(&key, v.version)
            .map_err(|e| Verdict::Failed(format!("{input} version {}: {e}", v.version)))?;
        let loaded = series
            .content_hash()
            .map_err(|e| Verdict::Failed(format!("{input} version {}: {e}", v.version)))?;
        if &loaded != hash {
            return Err(Verdict::Failed(format!(
                "{input} version {} is damaged: it records hash {hash}, its points hash to {loaded}",
                v.version
            )));
        }
        Ok((series, v.version))
    }
}

/// Compares values (NaN equal to NaN, relative tolerance 1e-9) and index labels.
pub fn compare(recomputed: &Series, stored: &Series) -> Option<String> {
    if recomputed.len() != stored.len() {
        return Some(format!(
            "{} points recomputed, {} stored",
            recomputed.len(),
            stored.len()
        ));
    }
    for i in 0..stored.len() {
        let (a, b) = (recomputed.index().label(i), stored.index().label(i));
        if a != b {
            return Some(format!("label {i}: recomputed {a}, stored {b}"));
        }
    }
    match (recomputed.f64_values(), stored.f64_values()) {
        (Some(a), Some(b)) => {
            for i in 0..a.len() {
                let (x, y) = (
                    if a.is_null(i) { f64::NAN } else { a.value(i) },
                    if b.is_null(i) { f64::NAN } else { b.value(i) },
                );
                let same = (x.is_nan() && y.is_nan())
                    || x == y
                    || (x - y).abs() <= 1e-9 * x.abs().max(y.abs());
                if !same {
                    return Some(format!(
                        "value {i} at {}: recomputed {x}, stored {y}",
                        stored.index().label(i)
                    ));
                }
            }
            None
        }
        _ => {
            if recomputed.values().to_data() == stored.values().to_data() {
                None
            } else {
                Some("values differ".into())
            }
        }
    }
}

/// Replays every derived series of `dataset`; returns (series name, verdict) in order. Each
/// input a step pinned by content must still have that content; with `pinned`, an input that
/// changed is replaced by its stored version with the recorded hash.
pub fn replay(
    dataset: &Dataset,
    progress: &Progress,
    pinned: bool,
) -> Result<Vec<(String, Verdict)>> {
    let derived: Vec<String> = dataset
        .signals()
        .values()
        .flat_map(|s| s.time_series().iter())
        .filter(|(_, ts)| last_step(ts).is_some())
        .map(|(k, _)| k.clone())
        .collect();
    // Counted in points: the points of the series checked so far.
    let total: u64 = derived
        .iter()
        .filter_map(|n| series_of(dataset, n))
        .map(|ts| ts.series().map_or(0, |s| s.len() as u64))
        .sum();
    let bar = progress.points(total, "replaying");
    let mut r = Replayer {
        dataset,
        memo: HashMap::new(),
        pinned,
        used: HashMap::new(),
    };
    let mut out = Vec::new();
    for name in derived {
        let ts = series_of(dataset, &name).ok_or_else(|| anyhow!("{name} vanished"))?;
        let verdict = match r.compute(&name, 0) {
            Ok(recomputed) => match compare(&recomputed, ts.series()?) {
                None => match r.used.get(&name) {
                    Some(used) => Verdict::MatchPinned(format!("from {}", used.join(", "))),
                    None => Verdict::Match,
                },
                Some(why) => Verdict::Mismatch(why),
            },
            Err(v) => v,
        };
        bar.inc(ts.series().map_or(0, |s| s.len() as u64));
        out.push((name, verdict));
    }
    bar.finish_and_clear();
    Ok(out)
}
