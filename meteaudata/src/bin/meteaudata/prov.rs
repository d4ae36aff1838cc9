//! `meteaudata prov`: the lineage of a dataset, or of one series and what it was made from, as
//! a W3C PROV-JSON document (see `meteaudata::prov`).

use anyhow::Result;
use serde_json::Value;
use std::path::Path;

use crate::target::Target;

/// Writes the PROV-JSON document of `series` and its ancestors (or of every series of the
/// dataset) of `target` to `output`, pretty-printed; returns a summary of what it holds
/// (`3 entities, 2 activities, 2 agents`).
pub fn write(
    target: &Target,
    dataset: Option<&str>,
    series: Option<&str>,
    output: &Path,
) -> Result<String> {
    let dataset = target.dataset(dataset)?;
    let doc = match series {
        Some(s) => meteaudata::prov::series_prov(&dataset, s)?,
        None => meteaudata::prov::dataset_prov(&dataset)?,
    };
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    std::fs::write(output, text).map_err(|e| meteaudata::Error::io(output, e))?;
    Ok(summary(&doc))
}

/// How many entities, activities and agents `doc` describes.
fn summary(doc: &Value) -> String {
    let n = |section: &str| {
        doc.get(section)
            .and_then(Value::as_object)
            .map_or(0, |m| m.len())
    };
    let plural =
        |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    [
        plural(n("entity"), "entity", "entities"),
        plural(n("activity"), "activity", "activities"),
        plural(n("agent"), "agent", "agents"),
    ]
    .join(", ")
}
