//! Every naming case of model.md §3, with our result. Where upstream differs, the comment says
//! what Python 0.12.1 does and why we do otherwise (see docs/compatibility.md).

use meteaudata_core::naming::{numbered_signal_name, SeriesName};
use meteaudata_core::*;

fn raw(name: &str) -> Series {
    Series::from_f64(name, Index::range(2), vec![1.0, 2.0]).unwrap()
}

fn signal(name: &str) -> Signal {
    Signal::new(name, "mg/L").unwrap()
}

// ---- §3.2: names when a signal is built ----

#[test]
fn series_named_raw_becomes_raw_1() {
    let s = signal("A").with_series(raw("RAW")).unwrap();
    assert_eq!(s.name(), "A#1");
    assert_eq!(s.all_time_series(), ["A#1_RAW#1"]);
    // The stored series carries its key as its name (upstream M12 left DataFrame names raw).
    assert_eq!(
        s.get("A#1_RAW#1").unwrap().series().unwrap().name(),
        "A#1_RAW#1"
    );
}

#[test]
fn numbered_signal_keeps_its_number() {
    assert_eq!(signal("A#3").name(), "A#3");
    assert_eq!(
        numbered_signal_name("Temperature").unwrap(),
        "Temperature#1"
    );
}

#[test]
fn foreign_prefix_is_replaced() {
    // Upstream (constructor) keeps the number: `X_RAW#5` → `A#1_RAW#5`. `add` uses max+1 in
    // both; we use one rule (`add`) everywhere, so the first RAW is #1.
    let mut s = signal("A");
    assert_eq!(s.add_series(raw("X_RAW#5")).unwrap(), "A#1_RAW#1");
    // `insert` keeps an explicit number (the loader's path).
    assert_eq!(
        s.insert("X_RAW#5", TimeSeries::new(raw("x"))).unwrap(),
        "A#1_RAW#5"
    );
}

#[test]
fn base_with_underscore_uses_the_last_one() {
    // Upstream: `foo_bar_baz` → key `A#1_bar_baz#1` (first-`_` split) that later parsers read
    // as signal `A#1_bar`, base `baz` (M3). One grammar: the base is after the last `_`.
    let mut s = signal("A");
    assert_eq!(s.add_series(raw("foo_bar_baz")).unwrap(), "A#1_baz#1");
    let p = SeriesName::parse("A#1_baz#1");
    assert_eq!((p.signal.as_str(), p.base.as_str()), ("A#1", "baz"));
}

#[test]
fn unnamed_and_malformed_series_names_are_errors() {
    // Upstream: an unnamed Series gives `A#1_None#1`; `RAW#x` and `R#1#2` raise ValueError
    // deep in int parsing. We reject invalid bases with a clear InvalidName error.
    let mut s = signal("A");
    for bad in ["", "RAW#x", "R#1#2", "a/b", "x\ty"] {
        let e = s.add_series(raw(bad)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidName, "{bad:?}: {e}");
    }
    assert!(s.time_series().is_empty(), "a failed add changes nothing");
}

#[test]
fn signal_names_are_validated() {
    // Upstream accepts `my_sig` (then cannot load it, M3), `A#1#2` (fails later), `NH4/N`
    // (save fails with FileNotFoundError) and `""`. We refuse them when created.
    for bad in ["", "my_sig", "A#1#2", "NH4/N", "a\nb", "#1"] {
        let e = Signal::new(bad, "u").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidName, "{bad:?}");
        assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
    }
    assert_eq!(signal("NH4-N").name(), "NH4-N#1");
}

#[test]
fn adding_twice_numbers_max_plus_one() {
    // §3.3: adding RAW when RAW#1 exists gives RAW#2; `B#3_SMOOTH#7` gives SMOOTH#1.
    let mut s = signal("A").with_series(raw("RAW")).unwrap();
    assert_eq!(s.add_series(raw("RAW")).unwrap(), "A#1_RAW#2");
    assert_eq!(s.add_series(raw("B#3_SMOOTH#7")).unwrap(), "A#1_SMOOTH#1");
    // `x_y_z`: upstream `A#1_y_z#1`; ours `A#1_z#1` (last `_`).
    assert_eq!(s.add_series(raw("x_y_z")).unwrap(), "A#1_z#1");
}

#[test]
fn unnumbered_keys_count_as_one() {
    let mut s = signal("A");
    s.insert("A#1_RESAMPLED", TimeSeries::new(raw("r")))
        .unwrap();
    assert_eq!(s.all_time_series(), ["A#1_RESAMPLED#1"]);
    assert_eq!(s.max_number("RESAMPLED"), Some(1));
    assert_eq!(s.add_series(raw("RESAMPLED")).unwrap(), "A#1_RESAMPLED#2");
}

// ---- §3.5: signal names inside a dataset ----

#[test]
fn dataset_add_renumbers_like_upstream() {
    let mut ds = Dataset::new("d")
        .unwrap()
        .with_signals([signal("A")])
        .unwrap();
    assert_eq!(ds.add(signal("A")).unwrap(), "A#2");
    assert_eq!(ds.add(signal("Temp#5")).unwrap(), "Temp#1");
    assert_eq!(ds.add(signal("Temp#5")).unwrap(), "Temp#2");
    assert_eq!(ds.add(signal("A#7")).unwrap(), "A#3");
    assert_eq!(ds.all_signals(), ["A#1", "A#2", "Temp#1", "Temp#2", "A#3"]);
}

#[test]
fn dataset_add_rewrites_the_signal_series_and_lineage() {
    // Upstream M5: renumbering leaves old names in histories, which may then point at a
    // different signal's series. We rewrite the added signal's own references.
    let mut ds = Dataset::new("d").unwrap();
    let mut a = signal("A").with_series(raw("RAW")).unwrap();
    let copy = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
        Ok(vec![TransformOutput::new(
            inputs[0].clone().with_name("COPY"),
            ProcessingStep::new(
                ProcessingType::Other,
                "copy",
                FunctionInfo::new("copy", "1", "t", "-"),
                "COPY",
            ),
        )])
    };
    a.process(&["A#1_RAW#1"], &copy, ProcessOptions::new())
        .unwrap();
    ds.add(a.clone()).unwrap();
    let name = ds.add(a).unwrap();
    assert_eq!(name, "A#2");
    let s = ds.signal("A#2").unwrap();
    assert_eq!(s.all_time_series(), ["A#2_RAW#1", "A#2_COPY#1"]);
    let step = &s.get("A#2_COPY#1").unwrap().processing_steps[0];
    assert_eq!(step.input_series_names, ["A#2_RAW#1"]);
    // A#1's history is untouched.
    let step1 = &ds
        .signal("A#1")
        .unwrap()
        .get("A#1_COPY#1")
        .unwrap()
        .processing_steps[0];
    assert_eq!(step1.input_series_names, ["A#1_RAW#1"]);
}

#[test]
fn duplicate_signals_in_a_dataset_are_a_conflict() {
    // Upstream M13: `Dataset(signals=[A, A])` silently keeps the last.
    let e = Dataset::new("d")
        .unwrap()
        .with_signals([signal("A"), signal("A")])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("A#1"));
}

#[test]
fn rename_rewrites_keys_and_lineage_across_the_dataset() {
    let mut ds = Dataset::new("d").unwrap();
    ds.add(signal("A").with_series(raw("RAW")).unwrap())
        .unwrap();
    ds.add(signal("B").with_series(raw("RAW")).unwrap())
        .unwrap();
    let pair = |sigs: &[Signal], names: &[String]| -> Result<Vec<Signal>> {
        let s = sigs[0].get(&names[0])?.series()?.clone().with_name("RAW");
        let step = ProcessingStep::new(
            ProcessingType::DimensionalityReduction,
            "pair",
            FunctionInfo::new("pair", "1", "t", "-"),
            "RAW",
        );
        let mut out = Signal::new("SUM", "mg/L")?;
        out.add(TimeSeries::new(s).with_steps(vec![step]))?;
        Ok(vec![out])
    };
    ds.process(
        &["A#1_RAW#1", "B#1_RAW#1"],
        &pair,
        DatasetProcessOptions::new(),
    )
    .unwrap();
    ds.rename_signal("A#1", "Inflow").unwrap();
    assert_eq!(ds.all_signals(), ["Inflow#1", "B#1", "SUM#1"]);
    assert_eq!(
        ds.signal("Inflow#1").unwrap().all_time_series(),
        ["Inflow#1_RAW#1"]
    );
    let step = &ds
        .signal("SUM#1")
        .unwrap()
        .get("SUM#1_RAW#1")
        .unwrap()
        .processing_steps[0];
    assert_eq!(step.input_series_names, ["Inflow#1_RAW#1", "B#1_RAW#1"]);
    // Renaming onto an existing name is a conflict and changes nothing.
    let e = ds.rename_signal("B#1", "Inflow#1").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(ds.all_signals(), ["Inflow#1", "B#1", "SUM#1"]);
}

#[test]
fn signal_rename_follows_its_own_lineage() {
    let mut s = signal("A").with_series(raw("RAW")).unwrap();
    let copy = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
        Ok(vec![TransformOutput::new(
            inputs[0].clone().with_name("X_COPY"),
            ProcessingStep::new(
                ProcessingType::Other,
                "copy",
                FunctionInfo::new("copy", "1", "t", "-"),
                "COPY",
            ),
        )])
    };
    s.process(&["A#1_RAW#1"], &copy, ProcessOptions::new())
        .unwrap();
    s.rename("Flow").unwrap();
    assert_eq!(s.all_time_series(), ["Flow#1_RAW#1", "Flow#1_COPY#1"]);
    let ts = s.get("Flow#1_COPY#1").unwrap();
    assert_eq!(ts.series().unwrap().name(), "Flow#1_COPY#1");
    assert_eq!(ts.processing_steps[0].input_series_names, ["Flow#1_RAW#1"]);
    assert_eq!(
        s.rename("bad_name").unwrap_err().kind(),
        ErrorKind::InvalidName
    );
}

/// Signal numbers follow additions, removals and renames (the dataset keeps the largest
/// number per base instead of scanning its signals on every addition).
#[test]
fn dataset_numbers_follow_removals_and_renames() {
    use meteaudata_core::{Dataset, Signal};
    let mut ds = Dataset::new("d").unwrap();
    let add = |ds: &mut Dataset, n: &str| ds.add(Signal::new(n, "u").unwrap()).unwrap();
    assert_eq!(add(&mut ds, "A"), "A#1");
    assert_eq!(add(&mut ds, "A"), "A#2");
    assert_eq!(add(&mut ds, "A#9"), "A#3");
    assert_eq!(ds.max_number("A"), Some(3));
    ds.remove("A#3").unwrap();
    assert_eq!(ds.max_number("A"), Some(2));
    assert_eq!(add(&mut ds, "A"), "A#3");
    ds.rename_signal("A#3", "B#7").unwrap();
    assert_eq!((ds.max_number("A"), ds.max_number("B")), (Some(2), Some(7)));
    assert_eq!(add(&mut ds, "B"), "B#8");
    ds.insert(Signal::new("A#40", "u").unwrap()).unwrap();
    assert_eq!(add(&mut ds, "A"), "A#41");
    assert_eq!(ds.max_number("C"), None);
}
