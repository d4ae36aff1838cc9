//! Series are drawn in processing order, also after a round trip through a store (which
//! lists them by key, alphabetically).

use meteaudata_core::chrono::{NaiveDate, TimeDelta};
use meteaudata_core::storage::{MemoryBackend, SharedBackend};
use meteaudata_core::{Dataset, Index, ProcessOptions, Series, Signal};
use meteaudata_processing::{replace_ranges, subset};
use meteaudata_viz::{plot_dataset, processing_order, PlotOptions};
use std::sync::Arc;

/// `n` hourly timestamps from 2024-01-01.
fn hours(n: usize) -> Index {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    Index::date_range(start, n, TimeDelta::hours(1), None).unwrap()
}

/// The `data-name` of each trace of `svg`, in drawing order.
fn trace_names(svg: &str) -> Vec<String> {
    svg.split(r#"<g class="trace" data-name=""#)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_replaced_range_is_drawn_over_the_slice_it_came_from() {
    let raw = Series::from_f64("RAW", hours(100), (0..100).map(f64::from).collect()).unwrap();
    let mut signal = Signal::new("Flow", "m3/h")
        .unwrap()
        .with_series(raw)
        .unwrap();
    signal
        .process(
            &["Flow#1_RAW#1"],
            &subset("2024-01-01 10:00", "2024-01-04 18:00"),
            ProcessOptions::new(),
        )
        .unwrap();
    signal
        .process(
            &["Flow#1_SLICE#1"],
            &replace_ranges([("2024-01-02 16:00", "2024-01-03 12:00")], "maintenance"),
            ProcessOptions::new(),
        )
        .unwrap();
    let mut ds = Dataset::new("plant")
        .unwrap()
        .with_signals([signal])
        .unwrap();
    let backend: SharedBackend = Arc::new(MemoryBackend::new());
    ds.set_backend(Arc::clone(&backend), false);
    ds.save_all().unwrap();

    let loaded = Dataset::load_from_backend(&backend, "plant").unwrap();
    let signal = loaded.signal("Flow#1").unwrap();
    // The store lists keys alphabetically: insertion order puts the replaced series first.
    assert_eq!(
        signal.all_time_series(),
        ["Flow#1_RAW#1", "Flow#1_REPLACED-RANGES#1", "Flow#1_SLICE#1"]
    );
    let order = ["Flow#1_RAW#1", "Flow#1_SLICE#1", "Flow#1_REPLACED-RANGES#1"];
    assert_eq!(processing_order(signal), order);
    let svg = plot_dataset(
        &loaded,
        &["Flow#1"],
        &["RAW", "SLICE", "REPLACED-RANGES"],
        &PlotOptions::new(),
    )
    .unwrap()
    .to_svg_string();
    assert_eq!(trace_names(&svg), order);
}
