//! The metadata we write is read by Python meteaudata 0.12.1 (`yaml.safe_load`, the loader's
//! required keys, then its pydantic models), and what Python writes back parses here.
//! Runs when `METEAUDATA_PYTHON` names an interpreter with meteaudata installed; in CI a missing
//! interpreter is a failure.

use meteaudata_core::metadata::{DatasetMetadata, SignalMetadata};
use meteaudata_core::{Dataset, MetaTime, Signal};
use meteaudata_testkit::strategies as st;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::io::Write;
use std::process::{Command, Stdio};

fn python() -> Option<std::path::PathBuf> {
    meteaudata_testkit::python_reference()
}

/// Python reads naive times only in `last_updated` (upstream M11); we write what we create,
/// which is naive, so the generated model uses naive times there.
fn naive(t: MetaTime) -> MetaTime {
    MetaTime::naive(t.naive_local())
}

fn normalise_signal(mut s: Signal) -> Signal {
    s.created_on = naive(s.created_on);
    s.last_updated = naive(s.last_updated);
    s
}

#[test]
fn python_meteaudata_reads_generated_metadata() {
    let Some(py) = python() else { return };
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../meteaudata-core/tests/python/check_yaml.py"
    );
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for i in 0..60 {
        if i % 3 == 0 {
            let mut d: Dataset = st::dataset(3).new_tree(&mut runner).unwrap().current();
            let names: Vec<String> = d.all_signals().iter().map(|s| s.to_string()).collect();
            for n in &names {
                let s = d.remove(n).unwrap();
                d.insert(normalise_signal(s)).unwrap();
            }
            d.last_updated = naive(d.last_updated);
            let yaml = d.metadata().to_yaml().unwrap();
            let steps = d
                .signals()
                .values()
                .flat_map(|s| s.time_series().values())
                .map(|t| t.processing_steps.len())
                .sum::<usize>();
            let mut keys = names.clone();
            keys.sort();
            expected.push((keys, steps));
            cases.push(serde_json::json!({"kind": "dataset", "yaml": yaml}));
        } else {
            let s = normalise_signal(st::signal(3).new_tree(&mut runner).unwrap().current());
            let yaml = s.metadata().to_yaml().unwrap();
            let mut keys: Vec<String> = s.all_time_series().iter().map(|k| k.to_string()).collect();
            if keys.is_empty() {
                // Python gives a signal without series an empty `<name>_RAW#1` placeholder.
                keys.push(format!("{}_RAW#1", s.name()));
            }
            keys.sort();
            let steps = s
                .time_series()
                .values()
                .map(|t| t.processing_steps.len())
                .sum::<usize>();
            expected.push((keys, steps));
            cases.push(serde_json::json!({"kind": "signal", "yaml": yaml}));
        }
    }
    let mut child = Command::new(&py)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", py.display()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python failed");
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), cases.len());
    let mut passed = 0;
    for (i, (r, (keys, steps))) in results.iter().zip(&expected).enumerate() {
        assert!(
            r["ok"].as_bool().unwrap(),
            "case {i}: Python rejected our YAML: {}\n{}",
            r["error"],
            cases[i]["yaml"].as_str().unwrap()
        );
        let names: Vec<String> = serde_json::from_value(r["names"].clone()).unwrap();
        assert_eq!(&names, keys, "case {i}: Python sees other keys");
        assert_eq!(
            r["steps"].as_u64().unwrap() as usize,
            *steps,
            "case {i}: step count"
        );
        // What Python writes back parses here with the same keys.
        let redump = r["redump"].as_str().unwrap();
        if cases[i]["kind"] == "signal" {
            let m = SignalMetadata::from_yaml(redump)
                .unwrap_or_else(|e| panic!("case {i}: {e}\n{redump}"));
            let mut k: Vec<String> = m.time_series.keys().cloned().collect();
            k.sort();
            assert_eq!(&k, keys);
            let sig = m
                .into_signal(|key, doc| {
                    Ok(doc.into_time_series(meteaudata_core::Series::empty(key)))
                })
                .unwrap_or_else(|e| panic!("case {i}: {e}\n{redump}"));
            assert_eq!(sig.time_series().len(), keys.len());
        } else {
            let m = DatasetMetadata::from_yaml(redump)
                .unwrap_or_else(|e| panic!("case {i}: {e}\n{redump}"));
            let mut k: Vec<String> = m.signals.keys().cloned().collect();
            k.sort();
            assert_eq!(&k, keys);
        }
        passed += 1;
    }
    println!("python meteaudata read {passed} generated documents");
}
