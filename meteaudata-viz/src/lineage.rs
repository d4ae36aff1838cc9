//! The lineage graph model: which series each series was made from, and by which step.
//!
//! Nodes are series; an edge goes from each input of a series' **last** step to that series,
//! labelled with the step's function and parameters. The walk starts at one series (or at every
//! series of a signal or dataset) and follows inputs back to raw data. Each edge and node
//! appears once, however many paths lead to it. An input that is not in the container (a series
//! of another signal, when only a signal is given) is an **external** node; a series without
//! steps is a **raw** node; a single raw series is a graph of one node and no edges.
//!
//! ```
//! use meteaudata_core::{Index, ProcessOptions, Series, Signal};
//! use meteaudata_viz::lineage::{Lineage, NodeKind};
//! # use meteaudata_core::chrono::{NaiveDate, TimeDelta};
//! # let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let index = Index::date_range(start, 12, TimeDelta::minutes(30), None)?.with_frequency("30min");
//! let mut signal = Signal::new("pH", "pH units")?
//!     .with_series(Series::from_f64("RAW", index, vec![7.0; 12])?)?;
//! signal.process(&["pH#1_RAW#1"], &meteaudata_processing::resample("2h")?, ProcessOptions::new())?;
//! signal.process(&["pH#1_RESAMPLED#1"], &meteaudata_processing::linear_interpolation(), ProcessOptions::new())?;
//!
//! let graph = Lineage::of_series(&signal, "pH#1_LIN-INT#1")?;
//! assert_eq!(graph.nodes().len(), 3);
//! assert_eq!(graph.node("pH#1_RAW#1").unwrap().kind, NodeKind::Raw);
//! let edge = &graph.edges()[1];
//! assert_eq!((edge.from.as_str(), edge.to.as_str()), ("pH#1_RAW#1", "pH#1_RESAMPLED#1"));
//! assert_eq!(edge.label(), "resample(frequency=2h)");
//! assert!(graph.to_dot().contains("\"pH#1_RAW#1\" -> \"pH#1_RESAMPLED#1\""));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use std::collections::{BTreeSet, HashSet};

use meteaudata_core::{Dataset, Error, ProcessingType, Result, Signal, TimeSeries};

use crate::escape::truncate;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A series without processing steps (measured data).
    Raw,
    /// A series made by processing.
    Processed,
    /// An input named by a step but not in the container the graph was built from.
    External,
}

impl NodeKind {
    /// `raw`, `processed` or `external`.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Raw => "raw",
            NodeKind::Processed => "processed",
            NodeKind::External => "external",
        }
    }
}

/// A series in the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct LineageNode {
    /// Full series name.
    pub name: String,
    /// Raw, processed or external.
    pub kind: NodeKind,
    /// Creation time (ISO text), unknown for external nodes.
    pub created_on: Option<String>,
    /// The whole history: function name and step type of every step, oldest first.
    pub steps: Vec<(String, ProcessingType)>,
    /// When the last step ran (ISO text); `None` for raw and external nodes.
    pub last_run: Option<String>,
    /// Fill colour.
    pub color: &'static str,
}

/// One step, from one of its inputs to the series it made.
#[derive(Debug, Clone, PartialEq)]
pub struct LineageEdge {
    /// Input series.
    pub from: String,
    /// Output series.
    pub to: String,
    /// Function name of the step.
    pub function: String,
    /// Step type.
    pub step_type: ProcessingType,
    /// Parameters as `key=value` texts (values cut to 40 characters).
    pub parameters: Vec<String>,
}

impl LineageEdge {
    /// `function(key=value, ...)`, or the bare function name without parameters.
    pub fn label(&self) -> String {
        if self.parameters.is_empty() {
            self.function.clone()
        } else {
            format!("{}({})", self.function, self.parameters.join(", "))
        }
    }
}

/// Colour of raw nodes.
pub const RAW_COLOR: &str = "#2ca02c";
/// Colour of external nodes.
pub const EXTERNAL_COLOR: &str = "#adb5bd";
/// Colours of processed nodes, cycled in name order.
pub const PROCESSED_COLORS: [&str; 6] = [
    "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

/// A lineage graph: nodes sorted by name, edges in walk order (each once).
#[derive(Debug, Clone, PartialEq)]
pub struct Lineage {
    title: String,
    nodes: Vec<LineageNode>,
    edges: Vec<LineageEdge>,
}

impl Lineage {
    /// The lineage of series `name` within `signal` (inputs from other signals are external).
    pub fn of_series(signal: &Signal, name: &str) -> Result<Lineage> {
        let lookup = |n: &str| signal.time_series().get(n);
        if lookup(name).is_none() {
            return Err(Error::not_found("series", name, signal.all_time_series()));
        }
        Ok(build(name.to_string(), [name.to_string()], lookup))
    }

    /// The lineage of series `name` within `dataset`, across signals.
    pub fn of_series_in_dataset(dataset: &Dataset, name: &str) -> Result<Lineage> {
        let lookup = |n: &str| find_in_dataset(dataset, n);
        if lookup(name).is_none() {
            let all: Vec<&str> = dataset
                .signals()
                .values()
                .flat_map(|s| s.all_time_series())
                .collect();
            return Err(Error::not_found("series", name, all));
        }
        Ok(build(name.to_string(), [name.to_string()], lookup))
    }

    /// The lineage of every series of `signal`.
    pub fn of_signal(signal: &Signal) -> Lineage {
        let starts: Vec<String> = signal.time_series().keys().cloned().collect();
        build(signal.name().to_string(), starts, |n| {
            signal.time_series().get(n)
        })
    }

    /// The lineage of every series of `dataset`.
    pub fn of_dataset(dataset: &Dataset) -> Lineage {
        let starts: Vec<String> = dataset
            .signals()
            .values()
            .flat_map(|s| s.time_series().keys().cloned())
            .collect();
        build(dataset.name().to_string(), starts, |n| {
            find_in_dataset(dataset, n)
        })
    }

    /// Sets the title shown above the graph (default: the series, signal or dataset name).
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The nodes, sorted by name.
    pub fn nodes(&self) -> &[LineageNode] {
        &self.nodes
    }

    /// The node named `name`.
    pub fn node(&self, name: &str) -> Option<&LineageNode> {
        self.nodes
            .binary_search_by(|n| n.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.nodes[i])
    }

    /// The edges, each (input, output) pair once.
    pub fn edges(&self) -> &[LineageEdge] {
        &self.edges
    }
}

fn find_in_dataset<'a>(dataset: &'a Dataset, name: &str) -> Option<&'a TimeSeries> {
    let signal = meteaudata_core::naming::SeriesName::parse(name).signal;
    if let Some(ts) = dataset
        .signals()
        .get(&signal)
        .and_then(|s| s.time_series().get(name))
    {
        return Some(ts);
    }
    dataset
        .signals()
        .values()
        .find_map(|s| s.time_series().get(name))
}

fn build<'a, I, F>(title: String, starts: I, lookup: F) -> Lineage
where
    I: IntoIterator<Item = String>,
    F: Fn(&str) -> Option<&'a TimeSeries>,
{
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut edge_keys: HashSet<(String, String)> = HashSet::new();
    let mut edges = Vec::new();
    for start in starts {
        let mut stack = vec![start];
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(step) = lookup(&name).and_then(|ts| ts.processing_steps.last()) else {
                continue;
            };
            // Push in reverse so the first input is walked first.
            for input in step.input_series_names.iter().rev() {
                if !seen.contains(input) {
                    stack.push(input.clone());
                }
            }
            for input in &step.input_series_names {
                if edge_keys.insert((input.clone(), name.clone())) {
                    edges.push(LineageEdge {
                        from: input.clone(),
                        to: name.clone(),
                        function: step.function_info.name.clone(),
                        step_type: step.step_type,
                        parameters: step
                            .parameters
                            .iter()
                            .flat_map(|p| p.iter())
                            .map(|(k, v)| format!("{k}={}", truncate(&v.to_string(), 40)))
                            .collect(),
                    });
                }
            }
        }
    }
    let mut processed = 0usize;
    let nodes = seen
        .into_iter()
        .map(|name| match lookup(&name) {
            None => LineageNode {
                name,
                kind: NodeKind::External,
                created_on: None,
                steps: Vec::new(),
                last_run: None,
                color: EXTERNAL_COLOR,
            },
            Some(ts) => {
                let steps: Vec<(String, ProcessingType)> = ts
                    .processing_steps
                    .iter()
                    .map(|s| (s.function_info.name.clone(), s.step_type))
                    .collect();
                let (kind, color) = if steps.is_empty() {
                    (NodeKind::Raw, RAW_COLOR)
                } else {
                    processed += 1;
                    (
                        NodeKind::Processed,
                        PROCESSED_COLORS[(processed - 1) % PROCESSED_COLORS.len()],
                    )
                };
                LineageNode {
                    name,
                    kind,
                    created_on: Some(ts.created_on.to_string()),
                    last_run: ts
                        .processing_steps
                        .last()
                        .map(|s| s.run_datetime.to_string()),
                    steps,
                    color,
                }
            }
        })
        .collect();
    Lineage {
        title,
        nodes,
        edges,
    }
}
