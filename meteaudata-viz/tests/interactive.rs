//! Interactive figures against Python meteaudata's: the plotly figures Python meteaudata
//! 0.12.1 made of the same data (`tests/fixtures/python/*.figure.json`, from the spec's
//! samples; their input data is read back from their RAW traces) must be contained in ours:
//! every field Python sets, with the same value (we add hover templates, colours, a range
//! slider and the template's background).

use meteaudata_core::chrono::{NaiveDate, TimeDelta};
use meteaudata_core::{Dataset, Index, ProcessOptions, Series, Signal};
use meteaudata_processing as mp;
use meteaudata_viz::{
    interactive_dataset, interactive_series, interactive_signal, PlotOptions, PlotlyJs,
};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let text = match name {
        "01" => include_str!("fixtures/python/01_timeseries_raw.figure.json"),
        "04" => include_str!("fixtures/python/04_signal_subplots_normalized.figure.json"),
        "05" => include_str!("fixtures/python/05_dataset_subplots.figure.json"),
        _ => unreachable!(),
    };
    serde_json::from_str(text).unwrap()
}

/// The values of the trace named `name` of a Python figure (`null`: NaN).
fn values(figure: &Value, name: &str) -> Vec<f64> {
    let trace = figure["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap();
    trace["y"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// A signal whose RAW series is 48 half-hourly values from 2024-01-01 (as in the samples).
fn signal(name: &str, units: &str, raw: Vec<f64>) -> Signal {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let index = Index::date_range(start, raw.len(), TimeDelta::minutes(30), None)
        .unwrap()
        .with_frequency("30min");
    Signal::new(name, units)
        .unwrap()
        .with_series(Series::from_f64("RAW", index, raw).unwrap())
        .unwrap()
}

/// Every field of `python` is in `ours` with the same value (numbers to 1e-9; a trace's
/// `xaxis: "x"` / `yaxis: "y"` may be left out, plotly's default).
fn assert_contained(python: &Value, ours: &Value, path: &str) {
    match (python, ours) {
        (Value::Object(p), Value::Object(o)) => {
            for (k, v) in p {
                let here = format!("{path}.{k}");
                match o.get(k) {
                    Some(w) => assert_contained(v, w, &here),
                    None if (k == "xaxis" && v == "x") || (k == "yaxis" && v == "y") => {}
                    None => panic!("{here}: missing (Python: {v})"),
                }
            }
        }
        (Value::Array(p), Value::Array(o)) => {
            assert_eq!(p.len(), o.len(), "{path}: lengths");
            for (i, (v, w)) in p.iter().zip(o).enumerate() {
                assert_contained(v, w, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(p), Value::Number(o)) => {
            let (p, o) = (p.as_f64().unwrap(), o.as_f64().unwrap());
            assert!(
                (p - o).abs() <= 1e-9 * p.abs().max(1.0),
                "{path}: {p} vs {o}"
            );
        }
        _ => assert_eq!(python, ours, "{path}"),
    }
}

#[test]
fn a_raw_series_is_pythons_figure() {
    let python = fixture("01");
    let sig = signal("Temperature", "°C", values(&python, "RAW#1"));
    let ours =
        interactive_series(sig.get("Temperature#1_RAW#1").unwrap(), &PlotOptions::new()).unwrap();
    assert_contained(&python, ours.figure(), "");
    // Hover: time, value and unit.
    let hover = ours.figure()["data"][0]["hovertemplate"].as_str().unwrap();
    assert!(hover.contains("%{x}") && hover.contains("%{y}"), "{hover}");
    // One chart: a range slider under its time axis.
    assert_eq!(
        ours.figure()["layout"]["xaxis"]["rangeslider"]["visible"],
        true
    );
}

#[test]
fn signal_subplots_are_pythons_figure() {
    let python = fixture("04");
    let mut sig = signal("Temperature", "°C", values(&python, "Temperature#1_RAW#1"));
    let raw = "Temperature#1_RAW#1";
    sig.process(&[raw], &mp::linear_interpolation(), ProcessOptions::new())
        .unwrap();
    sig.process(
        &[raw],
        &mp::normalize_index_to_numeric_delta("h").unwrap(),
        ProcessOptions::new(),
    )
    .unwrap();
    let ours = interactive_signal(
        &sig,
        &[raw, "Temperature#1_NORM#1", "Temperature#1_LIN-INT#1"],
        &PlotOptions::new(),
    )
    .unwrap();
    assert_contained(&python, ours.figure(), "");
    let hover = ours.figure()["data"][0]["hovertemplate"].as_str().unwrap();
    assert!(hover.contains(" °C"), "{hover}");
}

#[test]
fn dataset_rows_are_pythons_figure() {
    let python = fixture("05");
    let mut t = signal("Temperature", "°C", values(&python, "Temperature#1_RAW#1"));
    t.process(
        &["Temperature#1_RAW#1"],
        &mp::linear_interpolation(),
        ProcessOptions::new(),
    )
    .unwrap();
    let mut ph = signal("pH", "pH units", values(&python, "pH#1_RAW#1"));
    ph.process(
        &["pH#1_RAW#1"],
        &mp::resample("2h").unwrap(),
        ProcessOptions::new(),
    )
    .unwrap();
    ph.process(
        &["pH#1_RESAMPLED#1"],
        &mp::linear_interpolation(),
        ProcessOptions::new(),
    )
    .unwrap();
    let ds = Dataset::new("tank_monitoring")
        .unwrap()
        .with_signals([t, ph])
        .unwrap();
    let ours = interactive_dataset(
        &ds,
        &["Temperature#1", "pH#1"],
        &[
            "Temperature#1_RAW#1",
            "Temperature#1_LIN-INT#1",
            "pH#1_RAW#1",
            "pH#1_RESAMPLED#1",
            "pH#1_LIN-INT#1",
        ],
        &PlotOptions::new(),
    )
    .unwrap();
    assert_contained(&python, ours.figure(), "");
}

#[test]
fn pages_load_plotly_as_asked() {
    let python = fixture("01");
    let sig = signal("Temperature", "°C", values(&python, "RAW#1"));
    let plot =
        interactive_series(sig.get("Temperature#1_RAW#1").unwrap(), &PlotOptions::new()).unwrap();
    let inline = plot.to_html_page(&PlotlyJs::Inline);
    assert!(
        inline
            .as_str()
            .contains("plotly.js (basic - minified) v3.0.1"),
        "plotly.js's basic bundle is embedded"
    );
    assert!(!inline.as_str().contains("<script src="));
    assert!(
        inline.as_str().len() < 1_100_000,
        "{}",
        inline.as_str().len()
    );
    // One script element holds it all: nothing in it ends the element early.
    assert_eq!(inline.as_str().matches("</script>").count(), 3);
    let cdn = plot.to_html_page(&PlotlyJs::Cdn);
    assert!(cdn
        .as_str()
        .contains("<script src=\"https://cdn.plot.ly/plotly-basic-3.0.1.min.js\""));
    assert!(cdn.as_str().len() < 20_000);
    let file = plot.to_html_page(&PlotlyJs::File("js/plotly.min.js".into()));
    assert!(file
        .as_str()
        .contains("<script src=\"js/plotly.min.js\"></script>"));
    // A title with `</script>` cannot end the figure's script.
    let page = interactive_series(
        sig.get("Temperature#1_RAW#1").unwrap(),
        &PlotOptions::new().title("x</script><b>"),
    )
    .unwrap()
    .to_html_page(&PlotlyJs::Cdn);
    assert_eq!(page.as_str().matches("</script>").count(), 3); // the CDN script, the figure data and the drawing script
}

/// 10⁶ points (raw markers and an interpolated line) make an offline page under 10 MB.
#[test]
fn a_million_points_make_an_offline_page_under_ten_megabytes() {
    let n = 1_000_000usize;
    let raw: Vec<f64> = (0..n)
        .map(|i| {
            if i % 101 == 0 {
                f64::NAN
            } else {
                (i as f64 / 5000.0).sin() * 3.0 + ((i * 7919) % 1000) as f64 / 1000.0
            }
        })
        .collect();
    let mut sig = signal("Flow", "m3/h", raw);
    sig.process(
        &["Flow#1_RAW#1"],
        &mp::linear_interpolation(),
        ProcessOptions::new(),
    )
    .unwrap();
    let plot = interactive_signal(&sig, &sig.all_time_series(), &PlotOptions::new()).unwrap();
    let page = plot.to_html_page(&PlotlyJs::Inline);
    assert!(
        page.as_str().len() < 10_000_000,
        "{} bytes",
        page.as_str().len()
    );
    // The raw markers were thinned, and their legend entry says so.
    let name = plot.figure()["data"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(name.contains(" of 990099 points"), "{name}");
    // Too many points are sent for the range slider (which draws them all again).
    let sent: usize = plot.figure()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["x"].as_array().unwrap().len())
        .sum();
    assert!(sent > meteaudata_viz::interactive::SLIDER_POINTS, "{sent}");
    // At most the markers' budget (plus the lowest and highest) and four points a column.
    use meteaudata_viz::interactive::{INTERACTIVE_COLUMNS, INTERACTIVE_MARKERS};
    assert!(
        sent <= INTERACTIVE_MARKERS + 2 + 4 * INTERACTIVE_COLUMNS,
        "{sent}"
    );
    assert!(plot.figure()["layout"]["xaxis"]
        .get("rangeslider")
        .is_none());
    eprintln!("page of 10^6 points: {} bytes", page.as_str().len());
}
