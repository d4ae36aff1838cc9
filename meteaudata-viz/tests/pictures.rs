//! Parses every picture as XML and checks what was drawn: traces, points after decimation,
//! labels, marker kinds, the x shift of predictions, escaping.

use meteaudata_core::{Index, ProcessOptions, Series, Signal};
use meteaudata_viz::display::Tree;
use meteaudata_viz::lineage::Lineage;
use meteaudata_viz::{plot_dataset, plot_series, plot_signal, PlotOptions, Svg, MAX_MARKERS};
use roxmltree::{Document, Node};

#[path = "../examples/support/demo_data.rs"]
mod demo_data;

fn traces<'a>(doc: &'a Document<'a>) -> Vec<Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("trace"))
        .collect()
}

fn attr<'a>(n: &Node<'a, 'a>, k: &str) -> &'a str {
    n.attribute(k).unwrap_or_default()
}

fn texts(doc: &Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

fn parse(svg: &Svg) -> Document<'_> {
    xml(svg.as_str())
}

/// Parses XML or an XHTML page (its `<!DOCTYPE html>` allowed).
fn xml(text: &str) -> Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    Document::parse_with_options(text, opts).expect("well-formed XML")
}

#[test]
fn series_plot_of_raw_data_is_diamond_markers_with_python_defaults() {
    let s = demo_data::temperature().unwrap();
    let svg = plot_series(s.get("Temperature#1_RAW#1").unwrap(), &PlotOptions::new()).unwrap();
    let doc = parse(&svg);
    let t = traces(&doc);
    assert_eq!(t.len(), 1);
    assert_eq!(attr(&t[0], "data-name"), "RAW#1");
    assert_eq!(attr(&t[0], "data-mode"), "markers");
    assert_eq!(attr(&t[0], "data-marker"), "diamond");
    // 48 points, 4 missing: 44 markers, no line.
    assert_eq!(attr(&t[0], "data-points"), "44");
    assert_eq!(attr(&t[0], "data-total-points"), "48");
    let markers = t[0].descendants().filter(|n| n.has_tag_name("use")).count();
    assert_eq!(markers, 44);
    assert!(t[0].descendants().all(|n| attr(&n, "class") != "line"));
    let labels = texts(&doc);
    for wanted in [
        "Time series plot of Temperature#1",
        "Time",
        "Temperature#1 values",
        "RAW#1",
    ] {
        assert!(
            labels.iter().any(|l| l == wanted),
            "{wanted} missing in {labels:?}"
        );
    }
}

#[test]
fn every_step_type_gets_its_marker() {
    let s = demo_data::temperature().unwrap();
    let names = s.all_time_series();
    let svg = plot_signal(&s, &names, &PlotOptions::new()).unwrap();
    let doc = parse(&svg);
    let got: Vec<(String, String, String)> = traces(&doc)
        .iter()
        .map(|t| {
            (
                attr(t, "data-name").to_string(),
                attr(t, "data-mode").to_string(),
                attr(t, "data-marker").to_string(),
            )
        })
        .collect();
    let want = [
        ("Temperature#1_RAW#1", "markers", "diamond"),
        ("Temperature#1_LIN-INT#1", "lines+markers", "triangle-up"),
        ("Temperature#1_RESAMPLED#1", "lines+markers", "circle"),
        ("Temperature#1_PREV-PRED#1", "lines+markers", "square"),
        ("Temperature#1_REPLACED-RANGES#1", "lines+markers", "circle"),
        ("Temperature#1_SLICE#1", "lines+markers", "circle"),
        ("Temperature#1_NORM#1", "lines+markers", "triangle-left"),
    ];
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1.as_str(), g.2.as_str()), w);
    }
    // Dates and hours cannot share an axis: two panels, the second titled with the unit.
    let panels = doc
        .descendants()
        .filter(|n| attr(n, "class") == "panel")
        .count();
    assert_eq!(panels, 2);
    assert!(texts(&doc).iter().any(|t| t == "Time (h)"));
    // Every trace's markers use its own shape.
    for t in traces(&doc) {
        let shape = format!("#mk-{}", attr(&t, "data-marker"));
        assert!(t
            .descendants()
            .filter(|n| n.has_tag_name("use"))
            .all(|u| u.attribute("href") == Some(shape.as_str())));
    }
}

#[test]
fn predictions_are_shifted_by_one_period() {
    let s = demo_data::temperature().unwrap();
    let svg = plot_signal(
        &s,
        &["Temperature#1_RAW#1", "Temperature#1_PREV-PRED#1"],
        &PlotOptions::new(),
    )
    .unwrap();
    let doc = parse(&svg);
    let t = traces(&doc);
    assert_eq!(attr(&t[0], "data-x-shift"), "0");
    assert_eq!(attr(&t[1], "data-x-shift"), "1800");
    // The first marker of the prediction sits where the raw series' second point is.
    let first_x = |n: &Node| {
        n.descendants()
            .find(|u| u.has_tag_name("use"))
            .and_then(|u| u.attribute("x"))
            .and_then(|x| x.parse::<f64>().ok())
            .unwrap()
    };
    let second_raw_x = t[0]
        .descendants()
        .filter(|u| u.has_tag_name("use"))
        .nth(1)
        .and_then(|u| u.attribute("x"))
        .and_then(|x| x.parse::<f64>().ok())
        .unwrap();
    assert!((first_x(&t[1]) - second_raw_x).abs() < 0.11);
    assert!(first_x(&t[1]) > first_x(&t[0]));
}

#[test]
fn export_rename_and_every_type_are_plottable() {
    use meteaudata_core::{FunctionInfo, ProcessingStep, ProcessingType, TimeSeries};
    for t in ProcessingType::ALL {
        let series = Series::from_f64("A#1_X#1", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap();
        let step = ProcessingStep::new(t, "d", FunctionInfo::new("f", "1", "a", "r"), "X");
        let ts = TimeSeries::new(series).with_steps(vec![step]);
        let svg = plot_series(&ts, &PlotOptions::new()).unwrap();
        parse(&svg);
    }
}

#[test]
fn windows_work_with_one_bound_or_two() {
    let s = demo_data::temperature().unwrap();
    let ts = s.get("Temperature#1_LIN-INT#1").unwrap();
    let count = |opts: PlotOptions| {
        let svg = plot_series(ts, &opts).unwrap();
        let doc = parse(&svg);
        let n = attr(&traces(&doc)[0], "data-points").to_string();
        n.parse::<usize>().unwrap()
    };
    assert_eq!(count(PlotOptions::new().start("2024-01-01 12:00")), 24);
    assert_eq!(count(PlotOptions::new().end("2024-01-01 01:00")), 3);
    assert_eq!(
        count(
            PlotOptions::new()
                .start("2024-01-01 06:00")
                .end("2024-01-01 08:00")
        ),
        5
    );
    let err = plot_series(
        ts,
        &PlotOptions::new().start("2024-01-02").end("2024-01-01"),
    )
    .unwrap_err();
    assert_eq!(err.kind(), meteaudata_core::ErrorKind::InvalidInput);
    assert!(plot_series(ts, &PlotOptions::new().start("not a date")).is_err());
}

#[test]
fn zoned_index_names_its_zone_and_ticks_in_local_time() {
    use meteaudata_core::chrono::TimeDelta;
    let tz = "America/Toronto".parse().unwrap();
    let idx = Index::date_range(demo_data::start(), 24, TimeDelta::hours(1), Some(tz)).unwrap();
    let s = Signal::new("Flow", "m3/h")
        .unwrap()
        .with_series(Series::from_f64("RAW", idx, vec![1.0; 24]).unwrap())
        .unwrap();
    let svg = plot_series(s.get("Flow#1_RAW#1").unwrap(), &PlotOptions::new()).unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    assert!(t.iter().any(|l| l == "Time (America/Toronto)"));
    assert!(t.iter().any(|l| l == "00:00"), "{t:?}");
}

/// The width of the (first) plot area.
fn plot_area_width(doc: &Document<'_>) -> f64 {
    doc.descendants()
        .find(|n| attr(n, "class") == "plot-area")
        .and_then(|n| n.attribute("width"))
        .and_then(|w| w.parse::<f64>().ok())
        .unwrap()
}

#[test]
fn decimation_keeps_the_extremes_and_bounds_the_points() {
    let s = demo_data::large(200_000).unwrap();
    let svg = plot_series(
        s.get("Flow#1_RAW#1").unwrap(),
        &PlotOptions::new().size(600, 300),
    )
    .unwrap();
    let doc = parse(&svg);
    let t = &traces(&doc)[0];
    let drawn: usize = attr(t, "data-points").parse().unwrap();
    assert_eq!(attr(t, "data-total-points"), "200000");
    let plot_w = plot_area_width(&doc);
    // Markers alone are thinned by a stride to the marker budget (lines, to the extremes of
    // each pixel column: `lines_are_decimated_to_the_extremes_of_each_column`).
    assert!(drawn <= MAX_MARKERS + 2, "{drawn} points for {plot_w} px");
    assert!(drawn > plot_w as usize); // at least one point per column
                                      // The spike (40, far above the 5..15 cycle) is the topmost marker.
    let ys: Vec<f64> = t
        .descendants()
        .filter(|n| n.has_tag_name("use"))
        .filter_map(|n| n.attribute("y")?.parse().ok())
        .collect();
    let top = ys.iter().cloned().fold(f64::INFINITY, f64::min);
    let second = ys
        .iter()
        .cloned()
        .filter(|y| *y > top)
        .fold(f64::INFINITY, f64::min);
    assert!(
        second - top > 50.0,
        "the spike stands out: {top} vs {second}"
    );
}

#[test]
fn lines_are_decimated_to_the_extremes_of_each_column() {
    let mut s = demo_data::large(200_000).unwrap();
    s.process(
        &["Flow#1_RAW#1"],
        &meteaudata_processing::linear_interpolation(),
        ProcessOptions::new(),
    )
    .unwrap();
    let svg = plot_series(
        s.get("Flow#1_LIN-INT#1").unwrap(),
        &PlotOptions::new().size(600, 300),
    )
    .unwrap();
    let doc = parse(&svg);
    let t = &traces(&doc)[0];
    assert_eq!(attr(t, "data-mode"), "lines+markers");
    let drawn: usize = attr(t, "data-points").parse().unwrap();
    let plot_w = plot_area_width(&doc);
    assert!(
        drawn <= 4 * plot_w.round() as usize + 4,
        "{drawn} points for {plot_w} px"
    );
    assert!(drawn > plot_w as usize);
    // No thinning note: the line shows every column's extremes.
    assert!(!svg.as_str().contains("thinned-note"));
}

#[test]
fn dataset_rows_share_the_time_axis() {
    let ds = demo_data::tank().unwrap();
    let svg = plot_dataset(
        &ds,
        &["Temperature#1", "pH#1"],
        &["RAW", "pH#1_LIN-INT#1"],
        &PlotOptions::new(),
    )
    .unwrap();
    let doc = parse(&svg);
    let names: Vec<&str> = traces(&doc).iter().map(|t| attr(t, "data-name")).collect();
    assert_eq!(
        names,
        ["Temperature#1_RAW#1", "pH#1_RAW#1", "pH#1_LIN-INT#1"]
    );
    let t = texts(&doc);
    assert!(t
        .iter()
        .any(|l| l == "Time series plots of dataset tank_monitoring"));
    assert!(t.iter().any(|l| l == "pH#1 Values (pH units)"));
    // Shared axis: one x title only.
    assert_eq!(t.iter().filter(|l| *l == "Time").count(), 1);
    let missing = plot_dataset(&ds, &["pH#1"], &["NOPE"], &PlotOptions::new()).unwrap_err();
    assert_eq!(missing.kind(), meteaudata_core::ErrorKind::NotFound);
}

const NASTY: &str = "a<b&\"c'>";

fn nasty_signal() -> Signal {
    let raw = Series::from_f64("RAW", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap();
    let mut s = Signal::new(NASTY, "<mg/L & \"co\">")
        .unwrap()
        .with_provenance(meteaudata_core::DataProvenance {
            location: Some("</script><blink>".into()),
            ..Default::default()
        })
        .with_series(raw)
        .unwrap();
    let clamp =
        |inputs: &[Series]| -> meteaudata_core::Result<Vec<meteaudata_core::TransformOutput>> {
            use meteaudata_core::*;
            let s = &inputs[0];
            let step = ProcessingStep::new(
                ProcessingType::Filtering,
                "<desc>",
                FunctionInfo::new("f<&>", "1", "a", "r"),
                "CL",
            )
            .with_parameters(Parameters::new().with("k'\"", "</svg>&"))
            .with_inputs([s.name()]);
            Ok(vec![TransformOutput::new(
                Series::from_f64("CL", s.index().clone(), vec![0.0; 3])?,
                step,
            )])
        };
    let first = s.all_time_series()[0].to_string();
    s.process(&[first.as_str()], &clamp, ProcessOptions::new())
        .unwrap();
    s
}

#[test]
fn names_units_and_values_are_escaped_everywhere() {
    let s = nasty_signal();
    let names: Vec<String> = s.all_time_series().iter().map(|n| n.to_string()).collect();
    let plot = plot_signal(&s, &names, &PlotOptions::new()).unwrap();
    let graph = Lineage::of_signal(&s);
    let outputs = [
        plot.to_svg_string(),
        plot.to_html_page(NASTY).to_html_string(),
        graph.to_svg().to_svg_string(),
        graph.to_html().to_html_string(),
        Tree::new(&s, 5).to_html_page(NASTY).to_html_string(),
    ];
    for (i, out) in outputs.iter().enumerate() {
        let doc = xml(out);
        // The raw text comes back intact through the parser...
        let all_text: String = doc
            .descendants()
            .filter_map(|n| n.text())
            .chain(
                doc.descendants()
                    .flat_map(|n| n.attributes().map(|a| a.value())),
            )
            .collect();
        assert!(all_text.contains(NASTY), "{out}");
        // ...and no element was injected (the lineage page has one script of its own: the
        // ancestry highlight).
        let scripts = doc
            .descendants()
            .filter(|n| n.has_tag_name("script"))
            .count();
        assert_eq!(scripts, usize::from(i == 3), "<script> injected");
        for tag in ["blink", "desc", "svg-injected"] {
            assert!(
                doc.descendants().all(|n| !n.has_tag_name(tag)),
                "<{tag}> injected"
            );
        }
    }
    assert!(outputs[0].contains("&lt;mg/L &amp; &quot;co&quot;&gt;"));
    let dot = graph.to_dot();
    assert!(
        dot.contains(r#""a<b&\"c'>#1_RAW#1" -> "a<b&\"c'>#1_CL#1""#),
        "{dot}"
    );
}

#[test]
fn lineage_of_the_average_crosses_signals() {
    let ds = demo_data::cod_nh4().unwrap();
    let g = Lineage::of_series_in_dataset(&ds, "AVG#1_RAW#1").unwrap();
    let names: Vec<&str> = g.nodes().iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "AVG#1_RAW#1",
            "COD#1_5MIN-RESAMPLED#1",
            "COD#1_LIN-INT-5MIN#1",
            "COD#1_RAW#1",
            "NH4#1_LIN-INT#1",
            "NH4#1_RAW#1",
            "NH4#1_RESAMPLED#1"
        ]
    );
    assert_eq!(g.edges().len(), 6);
    let svg = g.to_svg();
    let doc = parse(&svg);
    let kinds: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| attr(n, "class") == "node")
        .map(|n| (attr(&n, "data-name"), attr(&n, "data-kind")))
        .collect();
    assert_eq!(kinds.iter().filter(|k| k.1 == "raw").count(), 2);
    assert_eq!(
        doc.descendants()
            .filter(|n| attr(n, "class") == "edge")
            .count(),
        6
    );
    // Left to right: every edge goes from a node further left to one further right.
    let x_of = |name: &str| {
        doc.descendants()
            .find(|n| attr(n, "class") == "node" && attr(n, "data-name") == name)
            .and_then(|n| n.descendants().find(|r| r.has_tag_name("rect")))
            .and_then(|r| r.attribute("x")?.parse::<f64>().ok())
            .unwrap()
    };
    for e in g.edges() {
        assert!(x_of(&e.from) < x_of(&e.to), "{} -> {}", e.from, e.to);
    }
    let labels = texts(&doc);
    assert!(labels.iter().any(|l| l == "frequency=5min"));
    // Hovering a node shows the step that made it, with its parameters, and when it ran.
    let tip = doc
        .descendants()
        .find(|n| attr(n, "class") == "node" && attr(n, "data-name") == "COD#1_5MIN-RESAMPLED#1")
        .and_then(|n| n.children().find(|c| c.has_tag_name("title")))
        .and_then(|t| t.text())
        .unwrap()
        .to_string();
    let node = g
        .nodes()
        .iter()
        .find(|n| n.name == "COD#1_5MIN-RESAMPLED#1")
        .unwrap();
    let ran = node
        .last_run
        .clone()
        .expect("a processed node has a run time");
    assert!(tip.contains("made by resample(frequency=5min)"), "{tip}");
    assert!(tip.contains(&format!("ran {ran}")), "{tip}");

    // The average's own signal alone sees its inputs as external.
    let alone = Lineage::of_signal(ds.signal("AVG#1").unwrap());
    let ext: Vec<&str> = alone
        .nodes()
        .iter()
        .filter(|n| n.kind == meteaudata_viz::lineage::NodeKind::External)
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(ext, ["COD#1_LIN-INT-5MIN#1", "NH4#1_LIN-INT#1"]);
    let doc_alone = alone.to_svg();
    assert!(parse(&doc_alone)
        .descendants()
        .any(|n| attr(&n, "data-kind") == "external"));

    // The full dataset: both COD branches, each edge once.
    let full = Lineage::of_dataset(&ds);
    assert_eq!(full.nodes().len(), 9);
    assert_eq!(full.edges().len(), 8);
}

#[test]
fn a_raw_series_is_a_single_node() {
    let s = demo_data::ph().unwrap();
    let g = Lineage::of_series(&s, "pH#1_RAW#1").unwrap();
    assert_eq!((g.nodes().len(), g.edges().len()), (1, 0));
    let err = Lineage::of_series(&s, "pH#1_NOPE#1").unwrap_err();
    assert_eq!(err.kind(), meteaudata_core::ErrorKind::NotFound);
}

#[test]
fn text_display_follows_python_layout_without_source_code() {
    let s = demo_data::ph().unwrap();
    let text = Tree::new(&s, 2).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Signal:");
    assert_eq!(lines[1], "  name: 'pH#1'");
    assert_eq!(lines[3], "  provenance:");
    assert_eq!(lines[4], "  DataProvenance:");
    assert_eq!(lines[5], "    source_repository: None");
    assert!(text.contains("  timeseries_pH#1_RAW#1:\n  TimeSeries:\n    series_name: 'pH#1_RAW#1'\n    series_length: 48\n"));
    assert!(text.contains("    date_range: '2024-01-01 00:00:00 to 2024-01-01 23:30:00'\n"));
    assert!(text.contains("    processing_steps[0]: resampling (RESAMPLED) by resample\n"));
    assert!(!text.contains("fn "));
    // Depth 1 folds nested objects to one line; depth 0 is one line.
    let one = Tree::new(&s, 1).to_string();
    assert!(one.contains("  timeseries_pH#1_RAW#1: pH#1_RAW#1\n"));
    assert_eq!(Tree::new(&s, 0).to_string().lines().count(), 1);
    // Deep: every step expanded with its function and parameters.
    let deep = Tree::new(&s, 5).to_string();
    assert!(
        deep.contains("    processing_steps[0]:\n    ProcessingStep:\n      type: 'resampling'\n")
    );
    assert!(deep.contains("      parameters:\n      Parameters:\n        parameter_count: 1\n        frequency: '2h'\n"));
}

#[test]
fn html_display_is_collapsible_and_well_formed() {
    let ds = demo_data::tank().unwrap();
    let page = Tree::new(&ds, 4).to_html_page("tank");
    let doc = xml(page.as_str());
    let summaries: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("summary"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    assert!(summaries.iter().any(|s| s == "signals (2 items)"));
    assert!(summaries.iter().any(|s| s == "time_series (7 items)"));
    assert!(summaries.iter().any(|s| s == "provenance: DataProvenance"));
    assert!(summaries.iter().any(|s| s == "Processing Steps (1 items)"));
    assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    let pages = [
        Lineage::of_dataset(&ds).to_html(),
        plot_signal(
            ds.signal("pH#1").unwrap(),
            &["pH#1_RAW#1"],
            &PlotOptions::new(),
        )
        .unwrap()
        .to_html_page("pH"),
    ];
    for p in pages {
        let d = xml(p.as_str());
        // Offline: nothing is loaded from elsewhere.
        assert!(d.descendants().all(|n| n.attribute("src").is_none()));
    }
}

#[test]
fn files_are_written_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_data::ph().unwrap();
    let plot = plot_signal(&s, &["pH#1_RAW#1"], &PlotOptions::new()).unwrap();
    for name in ["p.svg", "p.html"] {
        meteaudata_viz::write_plot(dir.path().join(name), &plot, "pH").unwrap();
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        xml(&text);
    }
    let g = Lineage::of_signal(&s);
    for name in ["g.svg", "g.html", "g.dot"] {
        meteaudata_viz::write_lineage(dir.path().join(name), None, &g).unwrap();
    }
    meteaudata_viz::write_display(dir.path().join("d.txt"), &s, 2, "pH").unwrap();
    assert!(std::fs::read_to_string(dir.path().join("d.txt"))
        .unwrap()
        .starts_with("Signal:"));
    assert!(meteaudata_viz::write_plot(dir.path().join("p.dot"), &plot, "x").is_err());
    // No temporary files are left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty());
}

/// Legend labels are cut to fit: none runs past the right edge, even in a narrow picture.
#[test]
fn legends_are_never_clipped() {
    let long = "Temperature-of-the-aeration-tank-number-three-north-side";
    let s = Signal::new(long, "°C")
        .unwrap()
        .with_series(Series::from_f64("RAW", Index::range(10), vec![1.0; 10]).unwrap())
        .unwrap();
    for width in [300, 600, 1000] {
        let svg = plot_signal(
            &s,
            &s.all_time_series(),
            &PlotOptions::new().size(width, 300),
        )
        .unwrap();
        let doc = parse(&svg);
        let legend = doc
            .descendants()
            .find(|n| attr(n, "class") == "legend")
            .unwrap();
        for text in legend.descendants().filter(|n| n.has_tag_name("text")) {
            let x: f64 = text.attribute("x").unwrap().parse().unwrap();
            let chars = text.text().unwrap_or_default().chars().count() as f64;
            // 7 px a character at font size 12 (the layout's estimate).
            assert!(
                x + chars * 7.0 <= f64::from(width),
                "{width}: {:?}",
                text.text()
            );
        }
        // The full name stays available as the entry's tooltip.
        assert!(svg
            .as_str()
            .contains(&format!("<title>{long}#1_RAW#1</title>")));
    }
}
