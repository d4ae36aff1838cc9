//! A long markers-only series is thinned by a stride, not to the extremes of each pixel
//! column: uniform noise still looks uniform, and the legend says how many points are shown.

use meteaudata_core::chrono::{NaiveDate, TimeDelta};
use meteaudata_core::{Index, Series, TimeSeries};
use meteaudata_viz::{plot_series, PlotOptions, MAX_MARKERS};

/// The y pixel positions of the markers of `svg`.
fn marker_ys(svg: &str) -> Vec<f64> {
    svg.split("<use href=\"#mk-diamond\" x=\"")
        .skip(1)
        .filter_map(|rest| {
            let y = rest.split("y=\"").nth(1)?.split('"').next()?;
            y.parse().ok()
        })
        .collect()
}

#[test]
fn uniform_noise_keeps_its_look_and_the_legend_says_it_was_thinned() {
    let n = 1_000_000usize;
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let index = Index::date_range(start, n, TimeDelta::seconds(1), None).unwrap();
    // Uniform noise in [0, 1) from a linear congruential generator.
    let mut state: u64 = 42;
    let values: Vec<f64> = (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect();
    let ts = TimeSeries::new(Series::from_f64("Noise#1_RAW#1", index, values).unwrap());
    let svg = plot_series(&ts, &PlotOptions::new())
        .unwrap()
        .to_svg_string();

    // The legend line sits in the legend too: only the trace's markers count.
    let trace = svg
        .split("<g class=\"trace\"")
        .nth(1)
        .expect("a trace")
        .split("</g>\n</g>")
        .next()
        .unwrap();
    let ys = marker_ys(trace);
    let stride = n.div_ceil(MAX_MARKERS);
    // Every k-th point, plus the lowest and the highest where the stride missed them.
    assert!((n.div_ceil(stride)..=n.div_ceil(stride) + 2).contains(&ys.len()));
    // Uniform data: each third of the y range holds about a third of the markers. (The
    // extremes of each column, as lines are decimated, left about 17 % in the middle third.)
    let (lo, hi) = ys
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), y| {
            (l.min(*y), h.max(*y))
        });
    let third = (hi - lo) / 3.0;
    let middle = ys
        .iter()
        .filter(|y| **y > lo + third && **y < hi - third)
        .count() as f64
        / ys.len() as f64;
    assert!((0.29..0.38).contains(&middle), "{middle}");
    assert!(svg.contains(&format!("{} of {n} points shown (1 in {stride})", ys.len())));
}

#[test]
fn short_series_are_not_thinned() {
    let ts = TimeSeries::new(
        Series::from_f64(
            "A#1_RAW#1",
            Index::range(1000),
            (0..1000).map(f64::from).collect(),
        )
        .unwrap(),
    );
    let svg = plot_series(&ts, &PlotOptions::new())
        .unwrap()
        .to_svg_string();
    assert!(!svg.contains("thinned-note"));
    assert_eq!(
        svg.matches("<use href=\"#mk-diamond\" x=").count(),
        1000 + 1
    );
}
