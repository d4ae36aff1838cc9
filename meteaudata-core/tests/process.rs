//! `Signal::process` and `Dataset::process`: histories, lineage, numbering, overwrite, custom
//! names and errors, including the cases where Python meteaudata 0.12.1 is wrong (M1, M2, M13).

use meteaudata_core::*;

fn info(name: &str) -> FunctionInfo {
    FunctionInfo::new(name, "1.0", "tests", "-")
}

fn signal_with_raw(name: &str, values: Vec<f64>) -> Signal {
    let n = values.len();
    Signal::new(name, "mg/L")
        .unwrap()
        .with_series(Series::from_f64("RAW", Index::range(n), values).unwrap())
        .unwrap()
}

/// A user type as a transform: scales every input, one output per input.
struct Scale(f64, &'static str);

impl Transform for Scale {
    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
        inputs
            .iter()
            .map(|s| {
                let vals = s
                    .f64_values()
                    .ok_or_else(|| Error::invalid_input("float values needed"))?
                    .iter()
                    .map(|v| v.map(|x| x * self.0))
                    .collect::<Vec<_>>();
                let out = Series::new(
                    format!("whatever_{}", self.1),
                    s.index().clone(),
                    std::sync::Arc::new(arrow_array::Float64Array::from(vals)),
                )?;
                let step = ProcessingStep::new(
                    ProcessingType::Transformation,
                    "scale",
                    info("scale"),
                    self.1,
                )
                .with_parameters(Parameters::new().with("factor", self.0))
                .with_inputs([s.name()]);
                Ok(TransformOutput::new(out, step))
            })
            .collect()
    }
}

#[test]
fn history_is_cumulative_and_inputs_are_exact() {
    let mut s = signal_with_raw("A", vec![1.0, 2.0]);
    let k1 = s
        .process(&["A#1_RAW#1"], &Scale(2.0, "DOUBLE"), ProcessOptions::new())
        .unwrap();
    assert_eq!(k1, ["A#1_DOUBLE#1"]);
    s.process(&["A#1_RAW#1"], &Scale(2.0, "DOUBLE"), ProcessOptions::new())
        .unwrap();
    s.process(&["A#1_RAW#1"], &Scale(2.0, "DOUBLE"), ProcessOptions::new())
        .unwrap();
    // Upstream M1 records this input as the *latest* DOUBLE (#3); we record the exact name.
    let k = s
        .process(
            &["A#1_DOUBLE#1"],
            &Scale(3.0, "TRIPLE"),
            ProcessOptions::new(),
        )
        .unwrap();
    let ts = s.get(&k[0]).unwrap();
    assert_eq!(ts.processing_steps.len(), 2);
    assert_eq!(ts.processing_steps[0].input_series_names, ["A#1_RAW#1"]);
    assert_eq!(ts.processing_steps[1].input_series_names, ["A#1_DOUBLE#1"]);
    assert_eq!(ts.series().unwrap().name(), "A#1_TRIPLE#1");
    let vals: Vec<f64> = ts.series().unwrap().f64_values().unwrap().values().to_vec();
    assert_eq!(vals, vec![6.0, 12.0]);
}

#[test]
fn several_inputs_union_their_histories_once() {
    let mut s = signal_with_raw("A", vec![1.0, 2.0]);
    s.process(&["A#1_RAW#1"], &Scale(2.0, "DOUBLE"), ProcessOptions::new())
        .unwrap();
    // Both inputs share the RAW ancestry; DOUBLE's step appears once in each output.
    let keys = s
        .process(
            &["A#1_DOUBLE#1", "A#1_DOUBLE#1"],
            &Scale(1.0, "SAME"),
            ProcessOptions::new(),
        )
        .unwrap();
    assert_eq!(keys, ["A#1_SAME#1", "A#1_SAME#2"]);
    for k in keys {
        let steps = &s.get(&k).unwrap().processing_steps;
        assert_eq!(steps.len(), 2, "{k}: de-duplicated history + own step");
        assert_eq!(steps[0].suffix, "DOUBLE");
        assert_eq!(steps[1].suffix, "SAME");
    }
}

#[test]
fn steps_without_inputs_get_the_exact_input_names() {
    let mut s = signal_with_raw("A", vec![1.0]);
    let f = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
        Ok(vec![TransformOutput::new(
            inputs[0].clone().with_name("COPY"),
            ProcessingStep::new(ProcessingType::Other, "copy", info("copy"), "COPY"),
        )])
    };
    let k = s
        .process(&["A#1_RAW#1"], &f, ProcessOptions::new())
        .unwrap();
    assert_eq!(
        s.get(&k[0]).unwrap().processing_steps[0].input_series_names,
        ["A#1_RAW#1"]
    );
}

#[test]
fn overwrite_replaces_the_latest_version_in_place() {
    // Upstream M2: overwrite adds an unnumbered `A#1_DOUBLE` and leaves #n untouched.
    let mut s = signal_with_raw("A", vec![1.0]);
    for _ in 0..2 {
        s.process(&["A#1_RAW#1"], &Scale(2.0, "DOUBLE"), ProcessOptions::new())
            .unwrap();
    }
    s.add_series(Series::from_f64("OTHER", Index::range(1), vec![0.0]).unwrap())
        .unwrap();
    let k = s
        .process(
            &["A#1_RAW#1"],
            &Scale(5.0, "DOUBLE"),
            ProcessOptions::new().overwrite(true),
        )
        .unwrap();
    assert_eq!(k, ["A#1_DOUBLE#2"]);
    assert_eq!(
        s.all_time_series(),
        ["A#1_RAW#1", "A#1_DOUBLE#1", "A#1_DOUBLE#2", "A#1_OTHER#1"]
    );
    let v = s
        .get("A#1_DOUBLE#2")
        .unwrap()
        .series()
        .unwrap()
        .f64_values()
        .unwrap()
        .value(0);
    assert_eq!(v, 5.0);
    // Overwrite of a new base creates #1.
    let k = s
        .process(
            &["A#1_RAW#1"],
            &Scale(1.0, "NEW"),
            ProcessOptions::new().overwrite(true),
        )
        .unwrap();
    assert_eq!(k, ["A#1_NEW#1"]);
}

#[test]
fn custom_output_names() {
    let mut s = signal_with_raw("A", vec![1.0]);
    let o = || ProcessOptions::new().output_names(["daily"]);
    assert_eq!(
        s.process(&["A#1_RAW#1"], &Scale(1.0, "X"), o()).unwrap(),
        ["A#1_daily#1"]
    );
    assert_eq!(
        s.process(&["A#1_RAW#1"], &Scale(1.0, "X"), o()).unwrap(),
        ["A#1_daily#2"]
    );
}

#[test]
fn failures_change_nothing() {
    let mut s = signal_with_raw("A", vec![1.0]);
    let before = s.clone();
    let e = s
        .process(
            &["A#1_RAW#1"],
            &Scale(1.0, "X"),
            ProcessOptions::new().output_names(["two_hour"]),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidName);
    assert!(e.to_string().contains("output_names"), "{e}");
    let e = s
        .process(
            &["A#1_RAW#1"],
            &Scale(1.0, "X"),
            ProcessOptions::new().output_names(["a", "b"]),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("Expected 1, got 2"), "{e}");
    let e = s
        .process(&["A#1_RAW#9"], &Scale(1.0, "X"), ProcessOptions::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(
        e.to_string().contains("A#1_RAW#9") && e.to_string().contains("A#1_RAW#1"),
        "{e}"
    );
    // Two outputs onto one key under overwrite: a conflict, not a silent replacement (M13).
    let e = s
        .process(
            &["A#1_RAW#1", "A#1_RAW#1"],
            &Scale(1.0, "X"),
            ProcessOptions::new().overwrite(true),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    let failing = |_: &[Series]| -> Result<Vec<TransformOutput>> {
        Err(Error::Transform {
            function: "boom".into(),
            message: "no".into(),
        })
    };
    assert_eq!(
        s.process(&["A#1_RAW#1"], &failing, ProcessOptions::new())
            .unwrap_err()
            .kind(),
        ErrorKind::Transform
    );
    let bad_base = |i: &[Series]| -> Result<Vec<TransformOutput>> {
        Ok(vec![TransformOutput {
            series: i[0].clone().with_name("A#1_R#x"),
            steps: vec![],
        }])
    };
    assert_eq!(
        s.process(&["A#1_RAW#1"], &bad_base, ProcessOptions::new())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidName
    );
    assert_eq!(s, before);
}

/// Mean of the requested series, point by point (same index assumed): a tiny average.
fn mean(signals: &[Signal], names: &[String]) -> Result<Vec<Signal>> {
    let mut acc: Vec<f64> = Vec::new();
    let mut index = None;
    for (sig, name) in signals.iter().zip(names) {
        let s = sig.get(name)?.series()?;
        let v = s
            .f64_values()
            .ok_or_else(|| Error::invalid_input("floats"))?;
        if acc.is_empty() {
            acc = vec![0.0; v.len()];
            index = Some(s.index().clone());
        }
        for (a, x) in acc.iter_mut().zip(v.values().iter()) {
            *a += x / names.len() as f64;
        }
    }
    let step = ProcessingStep::new(
        ProcessingType::DimensionalityReduction,
        "mean",
        info("mean"),
        "RAW",
    )
    .with_inputs(names.to_vec());
    let series = Series::from_f64(
        "RAW",
        index.ok_or_else(|| Error::invalid_input("no input"))?,
        acc,
    )?;
    let mut out = Signal::new("AVERAGE", "mg/L")?;
    out.add(TimeSeries::new(series).with_steps(vec![step]))?;
    Ok(vec![out])
}

fn reactor() -> Dataset {
    let mut a = signal_with_raw("A", vec![1.0, 3.0]);
    a.process(&["A#1_RAW#1"], &Scale(1.0, "CLEAN"), ProcessOptions::new())
        .unwrap();
    let b = signal_with_raw("B", vec![3.0, 5.0]);
    Dataset::new("reactor")
        .unwrap()
        .with_signals([a, b])
        .unwrap()
}

#[test]
fn dataset_process_numbers_and_histories() {
    let mut ds = reactor();
    let inputs = ["A#1_CLEAN#1", "B#1_RAW#1"];
    assert_eq!(
        ds.process(&inputs, &mean, DatasetProcessOptions::new())
            .unwrap(),
        ["AVERAGE#1"]
    );
    assert_eq!(
        ds.process(&inputs, &mean, DatasetProcessOptions::new())
            .unwrap(),
        ["AVERAGE#2"]
    );
    let avg = ds
        .signal("AVERAGE#1")
        .unwrap()
        .get("AVERAGE#1_RAW#1")
        .unwrap();
    // A's history (1 step) + B's (0) + the mean.
    assert_eq!(avg.processing_steps.len(), 2);
    assert_eq!(avg.processing_steps[0].input_series_names, ["A#1_RAW#1"]);
    assert_eq!(
        avg.processing_steps[1].input_series_names,
        ["A#1_CLEAN#1", "B#1_RAW#1"]
    );
    assert_eq!(
        avg.series()
            .unwrap()
            .f64_values()
            .unwrap()
            .values()
            .to_vec(),
        vec![2.0, 4.0]
    );
    // Upstream M2: overwrite replaces AVERAGE#1; we replace the latest, AVERAGE#2.
    let before = ds.signal("AVERAGE#1").unwrap().clone();
    assert_eq!(
        ds.process(&inputs, &mean, DatasetProcessOptions::new().overwrite(true))
            .unwrap(),
        ["AVERAGE#2"]
    );
    assert_eq!(ds.signal("AVERAGE#1").unwrap(), &before);
    assert_eq!(ds.all_signals(), ["A#1", "B#1", "AVERAGE#1", "AVERAGE#2"]);
}

#[test]
fn dataset_custom_names() {
    let mut ds = reactor();
    let inputs = ["A#1_RAW#1", "B#1_RAW#1"];
    let o = || {
        DatasetProcessOptions::new()
            .output_signal_names(["site-avg"])
            .output_ts_names(["hourly"])
    };
    assert_eq!(ds.process(&inputs, &mean, o()).unwrap(), ["site-avg#1"]);
    assert_eq!(
        ds.signal("site-avg#1").unwrap().all_time_series(),
        ["site-avg#1_hourly#1"]
    );
    assert_eq!(ds.process(&inputs, &mean, o()).unwrap(), ["site-avg#2"]);
    let over = DatasetProcessOptions::new()
        .output_signal_names(["site-avg"])
        .overwrite(true);
    assert_eq!(ds.process(&inputs, &mean, over).unwrap(), ["site-avg#2"]);
    assert_eq!(
        ds.signal("site-avg#2").unwrap().all_time_series(),
        ["site-avg#2_RAW#1"]
    );
}

#[test]
fn dataset_process_errors_change_nothing() {
    let mut ds = reactor();
    let before = ds.clone();
    let e = ds
        .process(&["A#1_RAW#7"], &mean, DatasetProcessOptions::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(
        e.to_string().contains("B#1_RAW#1"),
        "lists what exists: {e}"
    );
    let e = ds
        .process(
            &["A#1_RAW#1"],
            &mean,
            DatasetProcessOptions::new().output_signal_names(["a_b"]),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidName);
    let e = ds
        .process(
            &["A#1_RAW#1"],
            &mean,
            DatasetProcessOptions::new().output_ts_names(["x", "y"]),
        )
        .unwrap_err();
    assert!(e.to_string().contains("Expected 1, got 2"), "{e}");
    let e = ds
        .process(
            &["A#1_RAW#1"],
            &mean,
            DatasetProcessOptions::new().output_signal_names(["x", "y"]),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(ds, before);
}

#[test]
fn transforms_receive_copies() {
    // Mutating what a transform receives cannot touch the dataset (the inputs are copies).
    let mut ds = reactor();
    let before = ds.clone();
    let sneaky = |signals: &[Signal], _: &[String]| -> Result<Vec<Signal>> {
        let mut s = signals[0].clone();
        s.rename("Changed")?;
        Ok(vec![])
    };
    assert!(ds
        .process(&["A#1_RAW#1"], &sneaky, DatasetProcessOptions::new())
        .unwrap()
        .is_empty());
    assert_eq!(ds, before);
}
