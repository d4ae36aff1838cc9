//! Interop with Python meteaudata 0.12.1 on a generated corpus, both directions:
//!
//! * Python writes (with its export options, including the ones it cannot read back) → we load
//!   → the description of what we loaded equals Python's description of what it saved;
//! * we write → Python loads → its description equals ours.
//!
//! Runs when `METEAUDATA_PYTHON` names an interpreter with meteaudata 0.12.1 (`cargo xtask
//! interop` sets it up); skipped otherwise, except with `CI=true`, where that is a failure.

mod build;
mod corpus;
mod describe;

use describe::{compare, describe_dataset, describe_signal, Direction};
use meteaudata_archive::{
    load_dataset, load_signal, save_dataset, save_signal, ExportOptions, ValueNames,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn python() -> Option<PathBuf> {
    match std::env::var_os("METEAUDATA_PYTHON") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but METEAUDATA_PYTHON is not set: the interop suite cannot be skipped in CI");
            }
            eprintln!(
                "skipped: METEAUDATA_PYTHON is not set (archive interop with Python not run)"
            );
            None
        }
    }
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python/interop.py")
}

fn run_python(py: &Path, args: &[&str]) -> Value {
    let out = Command::new(py)
        .arg(script())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", py.display()));
    assert!(
        out.status.success(),
        "interop.py {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("interop.py prints JSON")
}

/// The corpus; `METEAUDATA_INTEROP_SEED` and `METEAUDATA_INTEROP_EXTRA` (random cases added
/// to the systematic ones) explore further.
fn cases() -> Vec<corpus::Case> {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let seed = env("METEAUDATA_INTEROP_SEED").unwrap_or(0x5eed_2024);
    let extra = env("METEAUDATA_INTEROP_EXTRA").unwrap_or(24) as usize;
    corpus::corpus(seed, extra)
}

fn python_writes_rust_loads(py: &Path, cases: &[corpus::Case]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("cases.json");
    std::fs::write(&spec, serde_json::to_string(cases).unwrap()).unwrap();
    let out = dir.path().join("out");
    let status = run_python(
        py,
        &["write", spec.to_str().unwrap(), out.to_str().unwrap()],
    );
    let mut failures = Vec::new();
    let mut passed = 0;
    for case in cases {
        let st = status[&case.id].as_str().unwrap_or("missing");
        if st != "ok" {
            failures.push(format!("{}: Python could not build/save: {st}", case.id));
            continue;
        }
        let dest = out.join(&case.id);
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dest.join("expected.json")).unwrap())
                .unwrap();
        let loaded = if case.kind == "signal" {
            let name = expected["signal"]["name"].as_str().unwrap().to_string();
            let path = if case.save.zip {
                dest.join(format!("{name}.zip"))
            } else {
                dest.clone()
            };
            load_signal(&path, None).map(|s| describe_signal(&s))
        } else {
            let name = expected["name"].as_str().unwrap();
            load_dataset(dest.join(format!("{name}.zip"))).map(|d| describe_dataset(&d))
        };
        match loaded {
            Err(e) => failures.push(format!("{}: we cannot load Python's archive: {e}", case.id)),
            Ok(actual) => match compare(&expected, &actual, Direction::PythonWrites) {
                Ok(()) => passed += 1,
                Err(m) => failures.push(format!("{} ({:?}): {m}", case.id, case.save)),
            },
        }
    }
    assert!(
        failures.is_empty(),
        "Python writes → Rust loads:\n{}",
        failures.join("\n")
    );
    passed
}

/// Options Python's loader can read: zip or folder, a renamed index or value column.
fn rust_options(i: usize) -> ExportOptions {
    match i % 4 {
        0 => ExportOptions::new(),
        1 => ExportOptions::new().zip(false),
        2 => ExportOptions::new().index_name("timestamp"),
        _ => ExportOptions::new()
            .zip(false)
            .value_names(ValueNames::All("Temp".into())),
    }
}

fn rust_writes_python_loads(py: &Path, cases: &[corpus::Case]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = Vec::new();
    let mut expected = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let dest = dir.path().join(&case.id);
        let opts = rust_options(i);
        let (path, name, desc) = match build::case(case) {
            build::Built::Signal(s) => {
                let p = save_signal(&s, &dest, &opts).unwrap();
                (p, s.name().to_string(), describe_signal(&s))
            }
            build::Built::Dataset(d) => {
                let p = save_dataset(&d, &dest, &ExportOptions::new()).unwrap();
                (p, d.name().to_string(), describe_dataset(&d))
            }
        };
        manifest.push(json!({"id": case.id, "kind": case.kind, "path": path, "name": name}));
        expected.push(desc);
    }
    let file = dir.path().join("manifest.json");
    std::fs::write(&file, serde_json::to_string(&manifest).unwrap()).unwrap();
    let results = run_python(py, &["read", file.to_str().unwrap()]);
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), cases.len());
    let mut failures = Vec::new();
    let mut passed = 0;
    for ((r, e), case) in results.iter().zip(&expected).zip(cases) {
        if r["ok"] != json!(true) {
            failures.push(format!(
                "{}: Python cannot load our archive: {}",
                case.id, r["error"]
            ));
            continue;
        }
        match compare(e, &r["desc"], Direction::RustWrites) {
            Ok(()) => passed += 1,
            Err(m) => failures.push(format!("{}: {m}", case.id)),
        }
    }
    assert!(
        failures.is_empty(),
        "Rust writes → Python loads:\n{}",
        failures.join("\n")
    );
    passed
}

#[test]
fn archives_move_both_ways_between_python_and_rust() {
    let Some(py) = python() else { return };
    let cases = cases();
    let a = python_writes_rust_loads(&py, &cases);
    println!(
        "interop: Python writes → Rust loads: {a}/{} cases passed",
        cases.len()
    );
    let b = rust_writes_python_loads(&py, &cases);
    println!(
        "interop: Rust writes → Python loads: {b}/{} cases passed",
        cases.len()
    );
}

#[test]
fn corpus_covers_every_index_kind_and_dtype() {
    let cases = cases();
    let text = serde_json::to_string(&cases).unwrap();
    for kind in [
        "datetime",
        "range",
        "int",
        "float",
        "string",
        "categorical",
        "period",
        "timedelta",
    ] {
        assert!(text.contains(&format!("\"kind\":\"{kind}\"")), "{kind}");
    }
    for dtype in corpus::DTYPES {
        let d = if dtype == "datetime_tz" {
            "datetime"
        } else {
            dtype
        };
        assert!(text.contains(&format!("\"dtype\":\"{d}\"")), "{dtype}");
    }
    assert!(
        text.contains("America/Toronto") && text.contains("UTC-05:00")
            || text.contains("UTC+05:45")
    );
    assert!(cases
        .iter()
        .any(|c| c.dataset.as_ref().is_some_and(|d| d.average)));
    assert!(cases
        .iter()
        .any(|c| c.signals.iter().any(|s| s.process.is_some())));
}
