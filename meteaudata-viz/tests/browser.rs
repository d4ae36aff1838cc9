//! Interactive pages in a real browser: headless Chromium (Debian's `chromium`, or the binary
//! `METEAUDATA_CHROMIUM` names; never downloaded) opens a signal page and a dataset page
//! written with plotly.js inline, and checks that they work: no console error, the traces and
//! their order, a legend click hides its trace, hovering a known point shows its time, value
//! and unit, dragging over the plot zooms the time axis; and a lineage page, where a click on a
//! node highlights its ancestry. Without Chromium the tests say so and
//! pass, except in CI (`CI=true`), where that is a failure.

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use meteaudata_core::chrono::{NaiveDate, TimeDelta};
use meteaudata_core::{Dataset, Index, ProcessOptions, Series, Signal, TimeZone};
use meteaudata_viz::{interactive_dataset, interactive_signal, PlotOptions, PlotlyJs};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("METEAUDATA_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "no Chromium at {} in CI (.ci/run installs Debian's chromium)",
            path.display()
        );
    }
    eprintln!("skipping the browser tests: no Chromium at {} (apt install chromium, or set METEAUDATA_CHROMIUM)", path.display());
    None
}

/// A page open in headless Chromium, and the errors its console reported.
struct Page {
    _browser: Browser,
    tab: Arc<Tab>,
    errors: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Page {
    /// A plot page, once plotly has drawn it.
    fn open(chromium: PathBuf, html: &str) -> Page {
        let page = Page::open_html(chromium, html);
        // Drawn: every trace has its group in the scatter layer.
        page.wait_for(
            "document.querySelectorAll('.cartesianlayer .scatterlayer .trace').length > 0",
        );
        page
    }

    /// Any page, once loaded.
    fn open_html(chromium: PathBuf, html: &str) -> Page {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plot.html");
        std::fs::write(&file, html).unwrap();
        let options = LaunchOptions::default_builder()
            .path(Some(chromium))
            .headless(true)
            .sandbox(false)
            .window_size(Some((1200, 900)))
            .idle_browser_timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let browser = Browser::new(options).unwrap();
        let tab = browser.new_tab().unwrap();
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&errors);
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let message = match event {
                Event::RuntimeExceptionThrown(e) => {
                    Some(format!("{:?}", e.params.exception_details.text))
                }
                Event::RuntimeConsoleAPICalled(e)
                    if e.params.Type == ConsoleAPICalledEventTypeOption::Error =>
                {
                    Some(format!(
                        "{:?}",
                        e.params.args.first().and_then(|a| a.value.clone())
                    ))
                }
                _ => None,
            };
            if let Some(m) = message {
                sink.lock().unwrap().push(m);
            }
        }))
        .unwrap();
        tab.enable_runtime().unwrap();
        tab.navigate_to(&format!("file://{}", file.display()))
            .unwrap();
        tab.wait_until_navigated().unwrap();
        Page {
            _browser: browser,
            tab,
            errors,
            _dir: dir,
        }
    }

    /// The value of a JavaScript expression (returned through JSON).
    fn js(&self, expression: &str) -> Value {
        let wrapped = format!("JSON.stringify((() => {{ return {expression}; }})())");
        let out = self.tab.evaluate(&wrapped, false).unwrap();
        let text = out.value.and_then(|v| v.as_str().map(str::to_string));
        text.map_or(Value::Null, |t| serde_json::from_str(&t).unwrap())
    }

    fn wait_for(&self, condition: &str) {
        for _ in 0..100 {
            if self.js(condition) == Value::Bool(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("never true: {condition}");
    }

    /// Seconds from the start of the navigation to the end of plotly's drawing (the page's
    /// `meteaudata-drawn` performance mark).
    fn drawn_after(&self) -> f64 {
        let mark = "performance.getEntriesByName('meteaudata-drawn')";
        self.wait_for(&format!("{mark}.length === 1"));
        self.js(&format!("{mark}[0].startTime")).as_f64().unwrap() / 1000.0
    }

    fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap().clone()
    }
}

fn half_hours(n: usize, tz: Option<TimeZone>) -> Index {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    Index::date_range(start, n, TimeDelta::minutes(30), tz).unwrap()
}

/// A naive Temperature signal whose RAW series is 0, 1, …, 47.
fn ramp() -> Signal {
    Signal::new("Temperature", "°C")
        .unwrap()
        .with_series(
            Series::from_f64(
                "RAW",
                half_hours(48, None),
                (0..48).map(f64::from).collect(),
            )
            .unwrap(),
        )
        .unwrap()
}

fn temperature() -> Signal {
    let values: Vec<f64> = (0..48).map(|i| 20.0 + f64::from(i) / 8.0).collect();
    let tz: TimeZone = "Europe/Paris".parse().unwrap();
    let mut s = Signal::new("Temperature", "°C")
        .unwrap()
        .with_series(Series::from_f64("RAW", half_hours(48, Some(tz)), values).unwrap())
        .unwrap();
    s.process(
        &["Temperature#1_RAW#1"],
        &meteaudata_processing::resample("2h").unwrap(),
        ProcessOptions::new(),
    )
    .unwrap();
    s
}

#[test]
fn a_signal_page_hovers_hides_and_zooms() {
    let Some(chromium) = chromium() else { return };
    let signal = temperature();
    let html = interactive_signal(&signal, &signal.all_time_series(), &PlotOptions::new())
        .unwrap()
        .to_html_page(&PlotlyJs::Inline);
    let page = Page::open(chromium, html.as_str());
    let gd = "document.getElementById('plot')";
    eprintln!(
        "a page of 60 points: drawn {:.2} s after navigation",
        page.drawn_after()
    );
    // A single time chart of few points gets a range slider.
    assert_eq!(
        page.js("document.querySelectorAll('.rangeslider-container').length"),
        1
    );

    // plotly.js's basic bundle, the version the plotly crate writes figures for.
    assert_eq!(page.js("Plotly.version"), "3.0.1");
    // The traces, in order.
    assert_eq!(
        page.js(&format!("{gd}.data.map(t => t.name)")),
        serde_json::json!(["Temperature#1_RAW#1", "Temperature#1_RESAMPLED#1"])
    );
    assert_eq!(
        page.js("document.querySelectorAll('.cartesianlayer .scatterlayer .trace').length"),
        2
    );

    // Hover the 6th raw point (02:30 in Paris, 20.625 °C).
    page.js(&format!(
        "(Plotly.Fx.hover({gd}, [{{curveNumber: 0, pointNumber: 5}}]), true)"
    ));
    page.wait_for("document.querySelector('.hoverlayer').textContent.length > 0");
    let hover = page.js("document.querySelector('.hoverlayer').textContent");
    let hover = hover.as_str().unwrap();
    assert!(hover.contains("02:30"), "{hover}");
    assert!(hover.contains("Europe/Paris"), "{hover}");
    assert!(hover.contains("20.625"), "{hover}");
    assert!(hover.contains("°C"), "{hover}");

    // Dragging across the plot zooms the time axis.
    let before = page.js(&format!("{gd}._fullLayout.xaxis.range"));
    page.js(&format!(
        "(() => {{
            const drag = {gd}.querySelector('.nsewdrag');
            const r = drag.getBoundingClientRect();
            const y = r.top + r.height / 2, x0 = r.left + r.width * 0.3, x1 = r.left + r.width * 0.6;
            const ev = (type, x, el) => el.dispatchEvent(new MouseEvent(type,
                {{bubbles: true, cancelable: true, clientX: x, clientY: y, buttons: 1}}));
            ev('mousedown', x0, drag); ev('mousemove', x0 + 10, document);
            ev('mousemove', x1, document); ev('mouseup', x1, document);
            return true;
        }})()"
    ));
    page.wait_for(&format!(
        "JSON.stringify({gd}._fullLayout.xaxis.range) !== JSON.stringify({before})"
    ));

    // A click on the first legend entry hides its trace.
    page.tab.find_elements(".legendtoggle").unwrap()[0]
        .click()
        .unwrap();
    page.wait_for(&format!("{gd}.data[0].visible === 'legendonly'"));
    page.wait_for("document.querySelectorAll('.cartesianlayer .scatterlayer .trace').length === 1");

    assert_eq!(page.errors(), Vec::<String>::new());
}

#[test]
fn a_dataset_page_has_a_row_per_signal() {
    let Some(chromium) = chromium() else { return };
    let ph = Signal::new("pH", "pH units")
        .unwrap()
        .with_series(Series::from_f64("RAW", half_hours(48, None), vec![7.0; 48]).unwrap())
        .unwrap();
    let t = ramp();
    let ds = Dataset::new("tank").unwrap().with_signals([t, ph]).unwrap();
    let html = interactive_dataset(
        &ds,
        &["Temperature#1", "pH#1"],
        &["RAW"],
        &PlotOptions::new(),
    )
    .unwrap()
    .to_html_page(&PlotlyJs::Inline);
    let page = Page::open(chromium, html.as_str());
    let gd = "document.getElementById('plot')";
    assert_eq!(
        page.js(&format!(
            "{gd}.data.map(t => [t.name, t.xaxis || 'x', t.yaxis || 'y'])"
        )),
        serde_json::json!([
            ["Temperature#1_RAW#1", "x", "y"],
            ["pH#1_RAW#1", "x2", "y2"]
        ])
    );
    // Two plot areas, one above the other; the page fills the window's width.
    assert_eq!(page.js("document.querySelectorAll('.nsewdrag').length"), 2);
    let width = page
        .js(&format!("{gd}._fullLayout.width"))
        .as_f64()
        .unwrap();
    assert!(width > 1000.0, "{width}");
    assert_eq!(page.errors(), Vec::<String>::new());
}

/// The lineage page: clicking a node highlights its ancestry and fades the rest; clicking it
/// again shows everything.
#[test]
fn a_lineage_page_highlights_the_ancestry_of_a_clicked_node() {
    let Some(chromium) = chromium() else { return };
    let mut s = ramp();
    let p = ProcessOptions::new;
    s.process(
        &["Temperature#1_RAW#1"],
        &meteaudata_processing::resample("2h").unwrap(),
        p(),
    )
    .unwrap();
    s.process(
        &["Temperature#1_RESAMPLED#1"],
        &meteaudata_processing::linear_interpolation(),
        p(),
    )
    .unwrap();
    s.process(
        &["Temperature#1_RAW#1"],
        &meteaudata_processing::predict_from_previous_point(),
        p(),
    )
    .unwrap();
    let html = meteaudata_viz::lineage::Lineage::of_signal(&s).to_html();
    let page = Page::open_html(chromium, html.as_str());
    let faded = "Array.from(document.querySelectorAll('g.node.faded')).map(g => g.getAttribute('data-name')).sort()";
    assert_eq!(page.js(faded), serde_json::json!([]));
    page.js(
        "(document.querySelector('g.node[data-name=\"Temperature#1_LIN-INT#1\"]')
            .dispatchEvent(new MouseEvent('click', {bubbles: true})), true)",
    );
    // LIN-INT comes from RESAMPLED, from RAW: only the prediction fades.
    assert_eq!(
        page.js(faded),
        serde_json::json!(["Temperature#1_PREV-PRED#1"])
    );
    assert_eq!(
        page.js("document.querySelectorAll('g.edge.faded').length"),
        1
    );
    page.js(
        "(document.querySelector('g.node[data-name=\"Temperature#1_LIN-INT#1\"]')
            .dispatchEvent(new MouseEvent('click', {bubbles: true})), true)",
    );
    assert_eq!(page.js(faded), serde_json::json!([]));
    assert_eq!(page.errors(), Vec::<String>::new());
}

/// A page of 10⁶ points (raw markers and an interpolated line), plotly.js inline, draws in
/// the browser without error; how long it took is printed (the figure in docs/compatibility.md,
/// never asserted).
#[test]
fn a_page_of_a_million_points_draws() {
    let Some(chromium) = chromium() else { return };
    let n = 1_000_000;
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let index = Index::date_range(start, n, TimeDelta::seconds(10), None).unwrap();
    let values: Vec<f64> = (0..n).map(|i| (i as f64 / 3000.0).sin()).collect();
    let mut s = Signal::new("Flow", "m3/h")
        .unwrap()
        .with_series(Series::from_f64("RAW", index, values).unwrap())
        .unwrap();
    s.process(
        &["Flow#1_RAW#1"],
        &meteaudata_processing::linear_interpolation(),
        ProcessOptions::new(),
    )
    .unwrap();
    let html = interactive_signal(&s, &s.all_time_series(), &PlotOptions::new())
        .unwrap()
        .to_html_page(&PlotlyJs::Inline);
    let page = Page::open(chromium, html.as_str());
    page.wait_for("document.querySelectorAll('.cartesianlayer .scatterlayer .trace').length === 2");
    eprintln!(
        "a page of 10^6 points ({} bytes): drawn {:.2} s after navigation",
        html.as_str().len(),
        page.drawn_after()
    );
    // Too many points for a range slider (it would draw them all again).
    assert_eq!(
        page.js("document.querySelectorAll('.rangeslider-container').length"),
        0
    );
    assert_eq!(page.errors(), Vec::<String>::new());
}
