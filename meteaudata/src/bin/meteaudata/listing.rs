//! `meteaudata ls` and `meteaudata inspect`: what a target holds, and how a series was made.

use anyhow::Result;
use meteaudata::{Dataset, ParameterValue, ProcessingStep, TimeSeries};
use serde_json::{json, Value};

/// Points, first and last label (stored series are scanned, a chunk at a time).
fn span(d: &Dataset, ts: &TimeSeries) -> Result<(usize, Option<String>, Option<String>)> {
    let (mut n, mut first, mut last) = (0, None, None);
    for chunk in crate::chunks::chunks(d, ts)? {
        let s = chunk?;
        if s.is_empty() {
            continue;
        }
        if first.is_none() {
            first = Some(s.index().label(0));
        }
        last = Some(s.index().label(s.len() - 1));
        n += s.len();
    }
    Ok((n, first, last))
}

/// `ls`: datasets, signals, series with lengths and time ranges.
pub fn ls(datasets: &[Dataset], as_json: bool) -> Result<String> {
    let mut docs = Vec::new();
    let mut text = String::new();
    for d in datasets {
        text.push_str(&format!("{}  ({} signals)\n", d.name(), d.signals().len()));
        let mut signals = Vec::new();
        for (name, s) in d.signals() {
            text.push_str(&format!("  {name}  [{}]\n", s.units));
            let mut series = Vec::new();
            for (key, ts) in s.time_series() {
                let (n, first, last) = span(d, ts)?;
                let steps = ts.processing_steps.len();
                text.push_str(&format!(
                    "    {key}  {n} points  {} .. {}  {steps} steps\n",
                    first.as_deref().unwrap_or("-"),
                    last.as_deref().unwrap_or("-")
                ));
                series.push(
                    json!({"name": key, "points": n, "first": first, "last": last, "steps": steps}),
                );
            }
            signals.push(json!({"name": name, "units": s.units, "series": series}));
        }
        docs.push(json!({"dataset": d.name(), "signals": signals}));
    }
    if as_json {
        return Ok(serde_json::to_string_pretty(&Value::Array(docs))?);
    }
    Ok(text)
}

fn param_text(v: &ParameterValue) -> String {
    v.to_string()
}

fn step_lines(step: &ProcessingStep, prefix: &str, out: &mut String) {
    let f = &step.function_info;
    out.push_str(&format!(
        "{prefix}{} ({}) by {} {} — {}\n",
        step.suffix, step.step_type, f.name, f.version, step.description
    ));
    out.push_str(&format!("{prefix}  ran {}\n", step.run_datetime));
    if !step.input_series_names.is_empty() {
        out.push_str(&format!(
            "{prefix}  inputs: {}\n",
            step.input_series_names.join(", ")
        ));
    }
    match &step.parameters {
        Some(p) if !p.is_empty() => {
            for (k, v) in p.iter() {
                out.push_str(&format!("{prefix}  {k} = {}\n", param_text(v)));
            }
        }
        _ => {}
    }
    if step.step_distance != 0 {
        out.push_str(&format!("{prefix}  step distance {}\n", step.step_distance));
    }
}

/// Finds a series by full name in any dataset.
pub fn find<'a>(datasets: &'a [Dataset], name: &str) -> Option<(&'a Dataset, &'a TimeSeries)> {
    datasets.iter().find_map(|d| {
        d.signals()
            .values()
            .find_map(|s| s.time_series().get(name))
            .map(|ts| (d, ts))
    })
}

/// `inspect`: the full history of one series as a tree (or JSON).
pub fn inspect(datasets: &[Dataset], name: &str, as_json: bool) -> Result<String> {
    let Some((d, ts)) = find(datasets, name) else {
        let all: Vec<String> = datasets
            .iter()
            .flat_map(|d| {
                d.signals()
                    .values()
                    .flat_map(|s| s.time_series().keys().cloned())
            })
            .collect();
        return Err(meteaudata::Error::not_found("series", name, all).into());
    };
    if as_json {
        let mut meta = serde_json::to_value(ts.metadata())?;
        if let Value::Object(m) = &mut meta {
            m.insert("name".into(), json!(name));
            m.insert("dataset".into(), json!(d.name()));
            let signal = meteaudata::naming::SeriesName::parse(name).signal;
            if let Ok(sig) = d.signal(&signal) {
                m.insert(
                    "signal".into(),
                    json!({"name": sig.name(), "units": sig.units, "provenance": sig.provenance}),
                );
            }
        }
        return Ok(serde_json::to_string_pretty(&meta)?);
    }
    let (n, first, last) = span(d, ts)?;
    let mut out = format!(
        "{name}  (dataset {})\n  {n} points  {} .. {}\n  index {} {}  values {}\n  created {}\n",
        d.name(),
        first.as_deref().unwrap_or("-"),
        last.as_deref().unwrap_or("-"),
        ts.index_metadata().index_type,
        ts.index_metadata().time_zone.as_deref().unwrap_or(""),
        ts.values_dtype(),
        ts.created_on
    );
    if ts.processing_steps.is_empty() {
        out.push_str("  history: raw data (no processing steps)\n");
    } else {
        out.push_str("  history (oldest first):\n");
        for (i, step) in ts.processing_steps.iter().enumerate() {
            let last = i + 1 == ts.processing_steps.len();
            let branch = if last { "  └─ " } else { "  ├─ " };
            let cont = if last { "     " } else { "  │  " };
            let mut lines = String::new();
            step_lines(step, "", &mut lines);
            for (j, l) in lines.lines().enumerate() {
                out.push_str(if j == 0 { branch } else { cont });
                out.push_str(l);
                out.push('\n');
            }
        }
    }
    Ok(out)
}
