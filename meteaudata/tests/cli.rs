//! End-to-end tests of the `meteaudata` binary: every command on the disk and SQLite backends
//! and on archives, `replay` on archives written by Python meteaudata, and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_meteaudata"));
    c.arg("--quiet");
    c
}

fn run(args: &[&str], cwd: &Path) -> Output {
    let out = bin()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run meteaudata");
    eprintln!(
        "$ meteaudata {}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn ok(args: &[&str], cwd: &Path) -> String {
    let out = run(args, cwd);
    assert!(
        out.status.success(),
        "meteaudata {args:?} failed with {:?}",
        out.status.code()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/python-samples")
}

const CSV: &str = "time,CODa,CODb\n\
2024-01-01 00:00:00,10.0,12.0\n\
2024-01-01 00:10:00,11.0,\n\
2024-01-01 00:20:00,,13.5\n\
2024-01-01 00:30:00,12.5,14.0\n\
2024-01-01 00:40:00,13.0,14.5\n\
2024-01-01 00:50:00,12.0,13.0\n\
2024-01-01 01:00:00,11.5,12.5\n";

/// The whole tour on one backend target.
fn tour(target: &str, dir: &Path) {
    std::fs::write(dir.join("reactor.csv"), CSV).unwrap();
    let out = ok(
        &[
            "import",
            "reactor.csv",
            "--to",
            target,
            "--dataset",
            "reactor",
            "--units",
            "mg/L",
            "--tz",
            "Europe/Paris",
            "--location",
            "inlet",
        ],
        dir,
    );
    assert!(
        out.contains("imported CODa#1_RAW#1: 7 points [mg/L]"),
        "{out}"
    );
    assert!(out.contains("imported CODb#1_RAW#1: 7 points"), "{out}");

    let ls = ok(&["ls", target, "--json"], dir);
    let v: serde_json::Value = serde_json::from_str(&ls).unwrap();
    assert_eq!(v[0]["dataset"], "reactor");
    assert_eq!(v[0]["signals"][0]["series"][0]["points"], 7);
    assert_eq!(
        v[0]["signals"][0]["series"][0]["first"],
        "2024-01-01T00:00:00+01:00"
    );

    assert!(ok(
        &[
            "process",
            target,
            "-i",
            "CODa#1_RAW#1",
            "resample",
            "--frequency",
            "30min"
        ],
        dir
    )
    .contains("created CODa#1_RESAMPLED#1"));
    assert!(ok(
        &["process", target, "-i", "CODa#1_RESAMPLED#1", "interpolate"],
        dir
    )
    .contains("created CODa#1_LIN-INT#1"));
    assert!(ok(
        &[
            "process",
            target,
            "-i",
            "CODa#1_RAW#1",
            "subset",
            "--start",
            "2024-01-01 00:10",
            "--end",
            "2024-01-01 00:40"
        ],
        dir
    )
    .contains("created CODa#1_SLICE#1"));
    assert!(ok(
        &[
            "process",
            target,
            "-i",
            "CODa#1_RAW#1",
            "replace",
            "--range",
            "2024-01-01 00:00,2024-01-01 00:10",
            "--reason",
            "calibration"
        ],
        dir
    )
    .contains("created CODa#1_REPLACED-RANGES#1"));
    assert!(
        ok(&["process", target, "-i", "CODb#1_RAW#1", "predict"], dir)
            .contains("created CODb#1_PREV-PRED#1")
    );
    assert!(ok(
        &[
            "process",
            target,
            "-i",
            "CODb#1_RAW#1",
            "normalize",
            "--unit",
            "min"
        ],
        dir
    )
    .contains("created CODb#1_NORM#1"));
    assert!(ok(
        &[
            "process",
            target,
            "-i",
            "CODa#1_RAW#1",
            "-i",
            "CODb#1_RAW#1",
            "average"
        ],
        dir
    )
    .contains("created AVERAGE#1"));
    assert!(ok(
        &[
            "process",
            target,
            "-i",
            "CODa#1_RAW#1",
            "--output-name",
            "half-hourly",
            "resample",
            "--frequency",
            "30min"
        ],
        dir
    )
    .contains("created CODa#1_half-hourly#1"));
    // Overwrite replaces the latest version.
    assert!(ok(
        &[
            "process",
            target,
            "-i",
            "CODa#1_RAW#1",
            "--overwrite",
            "resample",
            "--frequency",
            "20min"
        ],
        dir
    )
    .contains("created CODa#1_RESAMPLED#1"));

    let tree = ok(&["inspect", target, "CODa#1_LIN-INT#1"], dir);
    assert!(
        tree.contains("├─ RESAMPLED (resampling) by resample"),
        "{tree}"
    );
    assert!(tree.contains("└─ LIN-INT (gap_filling)"), "{tree}");
    assert!(tree.contains("inputs: CODa#1_RESAMPLED#1"), "{tree}");
    assert!(tree.contains("frequency = 30min"), "{tree}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["inspect", target, "CODa#1_LIN-INT#1", "--json"], dir)).unwrap();
    assert_eq!(json["processing_steps"].as_array().unwrap().len(), 2);
    assert_eq!(json["signal"]["provenance"]["location"], "inlet");
    assert_eq!(json["signal"]["units"], "mg/L");

    // The overwritten RESAMPLED (20min) is not the 30min one the LIN-INT step recorded
    // (its pin names the content hash); everything else reproduces.
    let out = run(&["replay", target], dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("CHANGED   reactor/CODa#1_LIN-INT#1"),
        "{text}"
    );
    assert!(
        text.contains("input CODa#1_RESAMPLED#1 changed since the step ran"),
        "{text}"
    );
    // From the version the step recorded (the 30min one, kept by the backend), it reproduces.
    let pinned = ok(&["replay", target, "--pinned"], dir);
    assert!(pinned.contains("0 did not reproduce"), "{pinned}");
    assert!(
        pinned.contains("from CODa#1_RESAMPLED#1 version 1"),
        "{pinned}"
    );
    for name in [
        "CODa#1_RESAMPLED#1",
        "CODa#1_SLICE#1",
        "CODa#1_REPLACED-RANGES#1",
        "CODb#1_PREV-PRED#1",
        "CODb#1_NORM#1",
        "AVERAGE#1_RAW#1",
        "CODa#1_half-hourly#1",
    ] {
        assert!(
            text.contains(&format!("match     reactor/{name}")),
            "{name}: {text}"
        );
    }

    // Export to an archive and back into a fresh disk store: the same listing.
    ok(&["export", target, "copy.zip"], dir);
    ok(&["convert", "copy.zip", "./copy-store"], dir);
    let a: serde_json::Value = serde_json::from_str(&ok(&["ls", target, "--json"], dir)).unwrap();
    let b: serde_json::Value =
        serde_json::from_str(&ok(&["ls", "./copy-store", "--json"], dir)).unwrap();
    assert_eq!(a, b);
    let csv_out = ok(&["export", target, "csv-out", "--csv"], dir);
    assert!(csv_out.contains("wrote 10 CSV files"), "{csv_out}");
    let raw = std::fs::read_to_string(dir.join("csv-out/reactor/CODa#1_RAW#1.csv")).unwrap();
    assert!(
        raw.starts_with("time,CODa#1_RAW#1\n2024-01-01T00:00:00+01:00,10.0\n"),
        "{raw}"
    );
}

#[test]
fn tour_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    tour("./store", dir.path());
    assert!(dir
        .path()
        .join("store/reactor_CODa#1_RAW#1.parquet")
        .exists());
}

#[test]
fn tour_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    tour("sqlite:///reactor.db", dir.path());
    assert!(dir.path().join("reactor.db").exists());
}

#[test]
fn replay_python_archives() {
    let dir = tempfile::tempdir().unwrap();
    for (archive, n) in [
        ("signal_zip/Temperature#1.zip", 2),
        ("dataset_zip/reactor.zip", 1),
    ] {
        let path = samples().join(archive);
        let out = ok(&["replay", path.to_str().unwrap()], dir.path());
        assert!(
            out.contains(&format!("{n} series replayed, 0 did not reproduce")),
            "{archive}: {out}"
        );
    }
    let ls = ok(
        &[
            "ls",
            samples()
                .join("signal_zip/Temperature#1.zip")
                .to_str()
                .unwrap(),
        ],
        dir.path(),
    );
    assert!(ls.contains("Temperature#1_RAW#1  6 points"), "{ls}");
}

#[test]
fn errors_are_one_line_with_documented_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("reactor.csv"), CSV).unwrap();
    ok(
        &[
            "import",
            "reactor.csv",
            "--to",
            "./s",
            "--dataset",
            "reactor",
        ],
        dir.path(),
    );
    let out = run(&["inspect", "./s", "nope#1_RAW#1"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("CODa#1_RAW#1"), "lists what exists: {err}");
    let out = run(
        &[
            "process",
            "./s",
            "-i",
            "CODa#1_RAW#1",
            "resample",
            "--frequency",
            "7bogus",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(4));
    let out = run(
        &[
            "process",
            "./s",
            "-i",
            "CODa#1_RAW#1",
            "-i",
            "CODb#1_RAW#1",
            "interpolate",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("average"));
    let out = run(&["ls", "mssql://x"], dir.path());
    assert_eq!(out.status.code(), Some(5));
    let out = run(&["frobnicate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(dir.path().join("bad.csv"), "time,x\nnot a time,1\n").unwrap();
    let out = run(
        &["import", "bad.csv", "--to", "./s", "--dataset", "reactor"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

/// A directory holding `./s`: the reactor CSV imported as dataset `reactor`, and its raw COD
/// series resampled to 20 min.
fn resampled_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("reactor.csv"), CSV).unwrap();
    ok(
        &[
            "import",
            "reactor.csv",
            "--to",
            "./s",
            "--dataset",
            "reactor",
        ],
        dir.path(),
    );
    ok(
        &[
            "process",
            "./s",
            "-i",
            "CODa#1_RAW#1",
            "resample",
            "--frequency",
            "20min",
        ],
        dir.path(),
    );
    dir
}

/// The disk backend of `dir/s` and the key of its raw COD series.
fn raw_key(
    dir: &Path,
) -> (
    meteaudata::storage_disk::DiskBackend,
    meteaudata::storage::StorageKey,
) {
    let backend = meteaudata::storage_disk::DiskBackend::new(dir.join("s"));
    (backend, "reactor/CODa#1/RAW#1".parse().unwrap())
}

/// Overwrites the raw COD series of `dir/s` with `f` of each value (a re-import, a
/// correction); returns it before and after.
fn overwrite_raw(dir: &Path, f: impl Fn(f64) -> f64) -> (meteaudata::Series, meteaudata::Series) {
    use meteaudata::storage::StorageBackend;
    let (backend, key) = raw_key(dir);
    let (raw, meta) = backend.load(&key).unwrap();
    let values: Vec<f64> = raw
        .f64_values()
        .unwrap()
        .iter()
        .map(|v| v.map_or(f64::NAN, &f))
        .collect();
    let changed = meteaudata::Series::from_f64(raw.name(), raw.index().clone(), values).unwrap();
    backend.save(&key, &changed, &meta).unwrap();
    (raw, changed)
}

/// `replay` checks that every input still has the content its step recorded: after the raw
/// series is overwritten it reports the change (exit 1), and `--pinned` replays from the
/// version the steps recorded (exit 0).
#[test]
fn replay_after_an_overwrite_reports_it_and_pinned_reproduces() {
    use meteaudata::storage::StorageBackend;
    let dir = resampled_store();
    ok(
        &["process", "./s", "-i", "CODa#1_RESAMPLED#1", "interpolate"],
        dir.path(),
    );
    let before = ok(&["replay", "./s"], dir.path());
    assert!(before.contains("0 did not reproduce"), "{before}");

    // The raw series is overwritten (a re-import, a correction) with other values.
    let (backend, key) = raw_key(dir.path());
    let (_, changed) = overwrite_raw(dir.path(), |v| v * 2.0);

    let out = run(&["replay", "./s"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CHANGED"), "{text}");
    assert!(
        text.contains("input CODa#1_RAW#1 changed since the step ran"),
        "{text}"
    );
    let recorded = backend.list_versions(&key).unwrap()[0].hash.to_string();
    assert!(
        text.contains(&recorded),
        "the recorded hash is named: {text}"
    );

    // `versions` lists both, oldest first.
    let listed = ok(&["versions", "./s", "CODa#1_RAW#1", "--json"], dir.path());
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["version"], 1);
    assert_eq!(listed[0]["hash"], recorded.as_str());
    assert_eq!(listed[1]["version"], 2);
    assert_eq!(
        listed[1]["hash"],
        changed.content_hash().unwrap().to_string().as_str()
    );
    assert_eq!(listed[1]["points"], 7);
    assert!(listed[1]["created"].as_str().unwrap().ends_with('Z'));
    let table = ok(&["versions", "./s", "CODa#1_RAW#1"], dir.path());
    assert!(table.starts_with("reactor/CODa#1/RAW#1\n"), "{table}");
    assert!(table.contains(&format!("      1  {recorded}")), "{table}");
    // A missing series is an error naming it.
    let out = run(&["versions", "./s", "CODa#1_RAW#9"], dir.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("CODa#1/RAW#9"));

    // An export of version 1 of the raw series replays without pins' help.
    let out = ok(
        &["export", "./s", "v1.zip", "--version", "CODa#1_RAW#1=1"],
        dir.path(),
    );
    assert!(out.contains("CODa#1_RAW#1: version 1"), "{out}");
    let v1 = ok(&["replay", "v1.zip"], dir.path());
    assert!(v1.contains("0 did not reproduce"), "{v1}");
    // The store as it was before the overwrite (when the last step's output was saved), by
    // time: the same.
    let last = ok(
        &["versions", "./s", "CODa#1_LIN-INT#1", "--json"],
        dir.path(),
    );
    let last: serde_json::Value = serde_json::from_str(&last).unwrap();
    let before_overwrite = last[0]["created"].as_str().unwrap().to_string();
    let out = ok(
        &["export", "./s", "then.zip", "--as-of", &before_overwrite],
        dir.path(),
    );
    assert!(out.contains("CODa#1_RAW#1: version 1"), "{out}");
    let then = ok(&["replay", "then.zip"], dir.path());
    assert!(
        then.contains("2 series replayed, 0 did not reproduce"),
        "{then}"
    );
    // Long before anything was saved: every series is left out.
    let out = run(
        &["export", "./s", "none.zip", "--as-of", "2000-01-01"],
        dir.path(),
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("CODa#1_RAW#1: left out"),
        "{out:?}"
    );
    // Bad requests name what is wrong.
    for (args, says) in [
        (
            vec!["export", "./s", "x.zip", "--version", "CODa#1_RAW#1=9"],
            "version 9",
        ),
        (
            vec!["export", "./s", "x.zip", "--version", "Nope#1_RAW#1=1"],
            "no series Nope#1_RAW#1",
        ),
        (
            vec!["export", "./s", "x.zip", "--as-of", "yesterday"],
            "--as-of",
        ),
        (
            vec!["export", "v1.zip", "x.zip", "--version", "CODa#1_RAW#1=1"],
            "backend source",
        ),
    ] {
        let out = run(&args, dir.path());
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }

    let pinned = ok(&["replay", "./s", "--pinned", "--json"], dir.path());
    let rows: serde_json::Value = serde_json::from_str(&pinned).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{pinned}");
    for row in rows {
        assert_eq!(row["status"], "match", "{pinned}");
        assert!(
            row["detail"]
                .as_str()
                .unwrap()
                .contains("CODa#1_RAW#1 version 1"),
            "{pinned}"
        );
    }
}

/// `meteaudata plot` on 10⁶ points writes an offline page under 10 MB (plotly.js inside, the
/// raw markers thinned and saying so).
#[test]
fn plot_of_a_million_points() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("time,Flow\n");
    for t in 0..1_000_000u32 {
        let (day, rest) = (1 + t / 86_400, t % 86_400);
        let value = f64::from(t % 7_919) / 100.0;
        csv.push_str(&format!(
            "2024-01-{day:02} {:02}:{:02}:{:02},{value}\n",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        ));
    }
    std::fs::write(dir.path().join("flow.csv"), csv).unwrap();
    ok(
        &["import", "flow.csv", "--to", "./s", "--dataset", "plant"],
        dir.path(),
    );
    ok(&["plot", "./s", "big.html"], dir.path());
    let page = std::fs::read_to_string(dir.path().join("big.html")).unwrap();
    assert!(page.len() < 10_000_000, "{} bytes", page.len());
    assert!(page.contains("plotly.js (basic - minified) v3.0.1"));
    assert!(!page.contains("<script src="), "plotly.js is in the page");
    assert!(page.contains("Plotly.newPlot"));
    assert!(page.contains(" of 1000000 points)"), "the thinning is said");
}

#[test]
fn plot_and_lineage_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("reactor.csv"), CSV).unwrap();
    ok(
        &[
            "import",
            "reactor.csv",
            "--to",
            "./s",
            "--dataset",
            "reactor",
            "--units",
            "mg<L>&",
        ],
        dir.path(),
    );
    ok(
        &[
            "process",
            "./s",
            "-i",
            "CODa#1_RAW#1",
            "resample",
            "--frequency",
            "30min",
        ],
        dir.path(),
    );
    ok(
        &[
            "process",
            "./s",
            "-i",
            "CODa#1_RAW#1",
            "-i",
            "CODb#1_RAW#1",
            "average",
        ],
        dir.path(),
    );
    for (args, file, head) in [
        (
            vec!["plot", "./s", "all.html"],
            "all.html",
            "<!DOCTYPE html>",
        ),
        (
            vec![
                "plot",
                "./s",
                "one.svg",
                "--series",
                "CODa#1_RAW#1",
                "--start",
                "2024-01-01 00:10",
            ],
            "one.svg",
            "<svg",
        ),
        (
            vec![
                "plot",
                "./s",
                "two.svg",
                "--series",
                "CODa#1_RAW#1",
                "--series",
                "CODa#1_RESAMPLED#1",
            ],
            "two.svg",
            "<svg",
        ),
        (vec!["lineage", "./s", "all.dot"], "all.dot", "digraph"),
        (
            vec!["lineage", "./s", "avg.svg", "--series", "AVERAGE#1_RAW#1"],
            "avg.svg",
            "<svg",
        ),
        (
            vec!["lineage", "./s", "sig.html", "--signal", "CODa#1"],
            "sig.html",
            "<!DOCTYPE html>",
        ),
    ] {
        let out = ok(&args, dir.path());
        assert!(out.contains(&format!("wrote {file}")), "{out}");
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(
            text.trim_start().starts_with(head),
            "{file}: {}",
            &text[..text.len().min(200)]
        );
        assert!(!text.contains("mg<L>&"), "{file}: units must be escaped");
        assert!(
            !text.contains("http://") || text.contains("http://www.w3.org"),
            "{file} loads nothing from the network"
        );
    }
    // `.html` plots are interactive (plotly.js in the page, offline); `--static` keeps the SVG.
    let page = std::fs::read_to_string(dir.path().join("all.html")).unwrap();
    assert!(page.contains("Plotly.newPlot") && page.contains("plotly.js (basic - minified) v3"));
    assert!(!page.contains("<script src="), "plotly.js is in the page");
    ok(
        &[
            "plot",
            "./s",
            "small.html",
            "--plotly-js",
            "cdn",
            "--width",
            "800",
            "--height",
            "500",
        ],
        dir.path(),
    );
    let small = std::fs::read_to_string(dir.path().join("small.html")).unwrap();
    assert!(small.contains("<script src=\"https://cdn.plot.ly/plotly-basic-3.0.1.min.js\""));
    assert!(small.contains("\"width\":800") && small.contains("\"height\":500"));
    ok(&["plot", "./s", "static.html", "--static"], dir.path());
    let fixed = std::fs::read_to_string(dir.path().join("static.html")).unwrap();
    assert!(fixed.contains("<svg") && !fixed.contains("<script"));
    let lineage = std::fs::read_to_string(dir.path().join("avg.svg")).unwrap();
    assert!(
        lineage.contains("CODa#1_RAW#1") && lineage.contains("CODb#1_RAW#1"),
        "inputs from other signals are shown"
    );
    let out = run(&["plot", "./s", "x.png"], dir.path());
    assert_eq!(out.status.code(), Some(4), "unsupported output format");
}

/// Files as people have them: slashed dates, semicolons with decimal commas, a text column,
/// `N/A` cells, and local times through both DST changes, streamed into a disk store and into
/// an archive.
#[test]
fn import_reads_real_world_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("weather.csv"),
        "date,precipitation,temp_max,weather\n2012/01/01,0,12.8,drizzle\n2012/01/02,10.9,N/A,rain\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("station.csv"),
        "Zeit;Abfluss\n01.02.2012 13:45;1,5\n01.02.2012 14:00;-0,25\n",
    )
    .unwrap();
    for target in ["./store", "weather.zip"] {
        let out = ok(
            &[
                "import",
                "weather.csv",
                "--to",
                target,
                "--dataset",
                "seattle",
            ],
            dir.path(),
        );
        assert!(
            out.contains("imported precipitation#1_RAW#1: 2 points"),
            "{out}"
        );
        assert!(out.contains("imported weather#1_RAW#1: 2 points"), "{out}");
    }
    let out = ok(
        &[
            "import",
            "station.csv",
            "--to",
            "./store",
            "--dataset",
            "station",
        ],
        dir.path(),
    );
    assert!(out.contains("imported Abfluss#1_RAW#1: 2 points"), "{out}");
    let csv_out = dir.path().join("csv-out");
    ok(
        &["export", "./store", csv_out.to_str().unwrap(), "--csv"],
        dir.path(),
    );
    let mut exported = String::new();
    for e in walk(&csv_out) {
        exported.push_str(&std::fs::read_to_string(e).unwrap());
    }
    assert!(exported.contains("-0.25"), "{exported}");
    assert!(exported.contains("drizzle"), "{exported}");

    // Local times in Paris through the spring-forward gap and the fall-back repeat.
    std::fs::write(
        dir.path().join("spring.csv"),
        "time,v\n2021-03-28 01:30,1\n2021-03-28 02:30,2\n2021-03-28 03:30,3\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("fall.csv"),
        "time,v\n2021-10-31 02:30,1\n2021-10-31 02:30,2\n2021-10-31 03:30,3\n",
    )
    .unwrap();
    let paris = ["--tz", "Europe/Paris"];
    let out = run(
        &[
            &["import", "spring.csv", "--to", "./dst", "--dataset", "d"][..],
            &paris,
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
    ok(
        &[
            &[
                "import",
                "spring.csv",
                "--to",
                "./dst",
                "--dataset",
                "d",
                "--nonexistent",
                "shift-forward",
            ][..],
            &paris,
        ]
        .concat(),
        dir.path(),
    );
    let out = run(
        &[
            &["import", "fall.csv", "--to", "./dst", "--dataset", "d"][..],
            &paris,
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(4));
    ok(
        &[
            &[
                "import",
                "fall.csv",
                "--to",
                "./dst",
                "--dataset",
                "d",
                "--ambiguous",
                "infer",
            ][..],
            &paris,
        ]
        .concat(),
        dir.path(),
    );
    let listing = ok(&["ls", "./dst", "--json"], dir.path());
    assert!(
        listing.contains("\"first\": \"2021-10-31T02:30:00+02:00\""),
        "{listing}"
    );
    let dst_out = dir.path().join("dst-out");
    ok(
        &["export", "./dst", dst_out.to_str().unwrap(), "--csv"],
        dir.path(),
    );
    let mut exported = String::new();
    for e in walk(&dst_out) {
        exported.push_str(&std::fs::read_to_string(e).unwrap());
    }
    // 02:30 shifted to the end of the gap; the repeated 02:30 read in summer, then winter time.
    assert!(
        exported.contains("2021-03-28T03:00:00+02:00,2"),
        "{exported}"
    );
    assert!(
        exported.contains("2021-10-31T02:30:00+02:00,1"),
        "{exported}"
    );
    assert!(
        exported.contains("2021-10-31T02:30:00+01:00,2"),
        "{exported}"
    );
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The failure modes a new user met: a store that does not exist, a closed pipe, a missing or
/// malformed input file, an empty store, and the mode of an exported zip.
#[test]
fn failures_are_reported_with_their_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["ls", "./no-such-dir"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-dir"));
    assert!(
        !dir.path().join("no-such-dir").exists(),
        "ls created the store"
    );
    let out = run(&["ls", "sqlite:///missing.db"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    assert!(!dir.path().join("missing.db").exists());
    let out = run(
        &["import", "absent.csv", "--to", "./s", "--dataset", "d"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(3));
    std::fs::write(
        dir.path().join("ragged.csv"),
        "time,x\n2024-01-01,1\n2024-01-02,2,3\n",
    )
    .unwrap();
    let out = run(
        &["import", "ragged.csv", "--to", "./s", "--dataset", "d"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));

    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = run(&["ls", "./empty"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no dataset"));

    reactor_store(dir.path());
    // A reader that goes away: a quiet end, not a panic.
    let mut child = bin()
        .args(["ls", "./store", "--json"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    ok(&["export", "./store", "reactor.zip"], dir.path());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| {
            std::fs::metadata(dir.path().join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        std::fs::write(dir.path().join("probe"), b"x").unwrap();
        assert_eq!(
            mode("reactor.zip"),
            mode("probe"),
            "the zip has the mode of any new file"
        );
    }
}

/// A damaged data file is never left out silently: every command that lists the store prints a
/// warning naming the file, and `--strict` makes that exit code 4.
#[test]
fn damaged_files_are_loud() {
    let dir = tempfile::tempdir().unwrap();
    reactor_store(dir.path());
    let damaged = dir.path().join("store/reactor_CODa#1_RAW#1.parquet");
    assert!(damaged.exists());
    std::fs::write(&damaged, b"garbage").unwrap();
    for args in [&["ls", "./store"][..], &["export", "./store", "out.zip"]] {
        let out = run(args, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
        assert!(stderr.contains("reactor_CODa#1_RAW#1.parquet"), "{stderr}");
        let strict = run(&[&["--strict"][..], args].concat(), dir.path());
        assert_eq!(strict.status.code(), Some(4));
    }
}

/// A database written by Python meteaudata's SQL backend (its own tables, no series of ours)
/// is listed and converted; a command that would write back to it says to convert it first.
#[test]
fn python_sql_tables_are_seen() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        samples().join("sql/python_tables.db"),
        dir.path().join("py.db"),
    )
    .unwrap();
    let out = run(&["ls", "sqlite:///py.db"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("Tutc#1_RAW#1  4 points"), "{listing}");
    assert!(listing.contains("Trange#1_RAW#1"), "{listing}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Python meteaudata's SQL backend"));
    ok(&["convert", "sqlite:///py.db", "./store"], dir.path());
    let listing = ok(&["ls", "./store"], dir.path());
    assert!(listing.contains("Tnaive#1_RAW#1  3 points"), "{listing}");
    let out = run(
        &[
            "process",
            "sqlite:///py.db",
            "-i",
            "Tutc#1_RAW#1",
            "interpolate",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("convert them first"));
}

/// `?layout=python` opens Python meteaudata's own tables as a store: listed, processed (the
/// result saved back in Python's layout, no table of ours created), converted into and out of.
#[test]
fn python_layout_urls_are_stores() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        samples().join("sql/python_tables.db"),
        dir.path().join("py.db"),
    )
    .unwrap();
    let url = "sqlite:///py.db?layout=python";
    let listing = ok(&["ls", url], dir.path());
    assert!(listing.contains("Tutc#1_RAW#1  4 points"), "{listing}");
    ok(
        &["process", url, "-i", "Tutc#1_RAW#1", "interpolate"],
        dir.path(),
    );
    let listing = ok(&["ls", url], dir.path());
    assert!(
        listing.contains("Tutc#1_LIN-INT#1  4 points") && listing.contains("1 steps"),
        "{listing}"
    );
    // A store of ours, converted into Python's layout, lists the same series and points.
    reactor_store(dir.path());
    ok(
        &["convert", "./store", "sqlite:///shared.db?layout=python"],
        dir.path(),
    );
    let ours = ok(&["ls", "./store"], dir.path());
    let theirs = ok(&["ls", "sqlite:///shared.db?layout=python"], dir.path());
    let series = |l: &str| -> Vec<String> {
        l.lines()
            .filter(|l| l.contains(" points"))
            .map(|l| l.trim().to_string())
            .collect()
    };
    assert!(!series(&ours).is_empty(), "{ours}");
    assert_eq!(series(&ours), series(&theirs));
    // Exported from Python's layout into an archive, the same series again.
    ok(
        &["export", "sqlite:///shared.db?layout=python", "shared.zip"],
        dir.path(),
    );
    assert_eq!(
        series(&ok(&["ls", "shared.zip"], dir.path())),
        series(&ours)
    );
    // Only Python's tables are in that database.
    let native = run(&["ls", "sqlite:///shared.db"], dir.path());
    assert!(
        String::from_utf8_lossy(&native.stderr).contains("Python meteaudata's SQL backend"),
        "{}",
        String::from_utf8_lossy(&native.stderr)
    );
}

/// Every option of every command says what it does, and compound pandas frequencies resample.
#[test]
fn help_is_complete_and_compound_frequencies_work() {
    let dir = tempfile::tempdir().unwrap();
    let subcommands = |help: &str| -> Vec<String> {
        help.lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .filter(|c| c != "help")
            .collect()
    };
    let top = ok(&["--help"], dir.path());
    let mut commands: Vec<Vec<String>> = subcommands(&top).into_iter().map(|c| vec![c]).collect();
    assert!(commands.len() >= 9, "{top}");
    let process = ok(&["process", "--help"], dir.path());
    let ops = subcommands(&process);
    assert!(ops.len() >= 7, "{process}");
    commands.extend(ops.into_iter().map(|o| vec!["process".to_string(), o]));
    for c in &commands {
        let mut args: Vec<&str> = c.iter().map(String::as_str).collect();
        args.push("--help");
        let help = ok(&args, dir.path());
        let lines: Vec<&str> = help.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim();
            if !t.starts_with('-') {
                continue;
            }
            // The text follows the flags on their line, or on the next, further indented.
            let same_line = t.split("  ").filter(|p| !p.trim().is_empty()).count() > 1;
            let indent = |l: &str| l.len() - l.trim_start().len();
            let next_line = lines.get(i + 1).is_some_and(|n| {
                !n.trim().is_empty() && !n.trim().starts_with('-') && indent(n) > indent(line)
            });
            assert!(
                same_line || next_line,
                "`meteaudata {c:?} --help`: {t:?} has no description"
            );
        }
    }
    std::fs::write(dir.path().join("reactor.csv"), CSV).unwrap();
    ok(
        &["import", "reactor.csv", "--to", "./store", "--dataset", "r"],
        dir.path(),
    );
    let out = ok(
        &[
            "process",
            "./store",
            "-i",
            "CODa#1_RAW#1",
            "resample",
            "--frequency",
            "1h30min",
        ],
        dir.path(),
    );
    assert!(out.contains("created CODa#1_RESAMPLED#1"), "{out}");
    let json = ok(
        &["inspect", "./store", "CODa#1_RESAMPLED#1", "--json"],
        dir.path(),
    );
    assert!(
        json.contains("1h30min"),
        "the parameter is recorded as given: {json}"
    );
}

/// `reactor.csv` imported into `./store` under `dir`, as dataset `reactor`.
fn reactor_store(dir: &Path) {
    std::fs::write(dir.join("reactor.csv"), CSV).unwrap();
    ok(
        &[
            "import",
            "reactor.csv",
            "--to",
            "./store",
            "--dataset",
            "reactor",
        ],
        dir,
    );
}

/// `meteaudata prov` writes the lineage of a store as PROV-JSON: every series an entity, the
/// resampling an activity that used the raw series and generated the resampled one.
#[test]
fn prov_document_of_a_store() {
    use meteaudata::prov::{activity_id, series_id};
    let dir = tempfile::tempdir().unwrap();
    reactor_store(dir.path());
    assert!(CSV.contains("CODa,CODb"));
    ok(
        &[
            "process",
            "./store",
            "-i",
            "CODa#1_RAW#1",
            "resample",
            "--frequency",
            "30min",
        ],
        dir.path(),
    );
    let out = ok(&["prov", "./store", "lineage.json"], dir.path());
    assert!(
        out.contains("wrote lineage.json (PROV-JSON: 3 entities, 1 activity, 1 agent)"),
        "{out}"
    );
    let text = std::fs::read_to_string(dir.path().join("lineage.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let raw = series_id("reactor", "CODa#1_RAW#1");
    let resampled = series_id("reactor", "CODa#1_RESAMPLED#1");
    let step = activity_id("reactor", "CODa#1_RESAMPLED#1", 0);
    assert_eq!(raw, "meteaudata:reactor/CODa%231_RAW%231");
    let entities = doc["entity"].as_object().unwrap();
    assert_eq!(entities.len(), 3);
    assert!(entities.contains_key(&series_id("reactor", "CODb#1_RAW#1")));
    assert_eq!(entities[&resampled]["prov:label"], "CODa#1_RESAMPLED#1");
    assert_eq!(entities[&raw]["meteaudata:points"], 7);
    let activity = &doc["activity"][&step];
    assert_eq!(activity["prov:type"]["$"], "meteaudata:resampling");
    assert!(activity["meteaudata:parameters"]
        .as_str()
        .unwrap()
        .contains("30min"));
    let used: Vec<&serde_json::Value> = doc["used"].as_object().unwrap().values().collect();
    assert_eq!(used.len(), 1);
    assert_eq!(used[0]["prov:activity"], step.as_str());
    assert_eq!(used[0]["prov:entity"], raw.as_str());
    assert_eq!(
        used[0]["meteaudata:contentHash"],
        entities[&raw]["meteaudata:contentHash"]
    );
    let generated: Vec<&serde_json::Value> = doc["wasGeneratedBy"]
        .as_object()
        .unwrap()
        .values()
        .collect();
    assert_eq!(generated.len(), 1);
    assert_eq!(generated[0]["prov:entity"], resampled.as_str());
    assert_eq!(generated[0]["prov:activity"], step.as_str());
    let associated: Vec<&serde_json::Value> = doc["wasAssociatedWith"]
        .as_object()
        .unwrap()
        .values()
        .collect();
    let agent = associated[0]["prov:agent"].as_str().unwrap();
    assert!(agent.starts_with("meteaudata:function/"), "{agent}");
    assert_eq!(doc["agent"][agent]["prov:type"]["$"], "prov:SoftwareAgent");

    // One series and its ancestors; the same bytes on a second run.
    ok(
        &[
            "prov",
            "./store",
            "one.json",
            "--series",
            "CODa#1_RESAMPLED#1",
            "--dataset",
            "reactor",
        ],
        dir.path(),
    );
    let one: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("one.json")).unwrap())
            .unwrap();
    assert_eq!(one["entity"].as_object().unwrap().len(), 2);
    assert!(one["entity"]
        .get(series_id("reactor", "CODb#1_RAW#1"))
        .is_none());
    ok(&["prov", "./store", "again.json"], dir.path());
    assert_eq!(
        std::fs::read(dir.path().join("again.json")).unwrap(),
        text.as_bytes()
    );

    // An unknown series is "not found" (exit code 3).
    let out = run(
        &["prov", "./store", "x.json", "--series", "CODa#1_NOPE#1"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CODa#1_NOPE#1"));
}

#[test]
fn a_snapshot_keeps_a_store_as_it_was() {
    let dir = resampled_store();
    let out = ok(&["snapshot", "./s", "delivered"], dir.path());
    assert!(out.contains("snapshot delivered:"), "{out}");

    // The raw series is overwritten afterwards.
    let (raw, _) = overwrite_raw(dir.path(), |_| 0.0);

    let shown = ok(
        &["snapshot", "./s", "delivered", "--show", "--json"],
        dir.path(),
    );
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let series = shown["series"].as_array().unwrap();
    let raw_entry = series
        .iter()
        .find(|e| e["key"] == "reactor/CODa#1/RAW#1")
        .unwrap();
    assert_eq!(raw_entry["version"], 1);
    assert_eq!(
        raw_entry["hash"],
        raw.content_hash().unwrap().to_string().as_str()
    );
    let listed = ok(&["snapshot", "./s", "--list"], dir.path());
    assert!(
        listed.lines().any(|l| l.starts_with("delivered ")),
        "{listed}"
    );

    // An export of the snapshot has the raw values as they were, and replays.
    ok(
        &["export", "./s", "delivered.zip", "--snapshot", "delivered"],
        dir.path(),
    );
    let replayed = ok(&["replay", "delivered.zip"], dir.path());
    assert!(replayed.contains("0 did not reproduce"), "{replayed}");
    let archive = meteaudata::archive::load_dataset(dir.path().join("delivered.zip")).unwrap();
    let got = &archive.signal("CODa#1").unwrap().time_series()["CODa#1_RAW#1"];
    assert_eq!(got.series().unwrap(), &raw);

    // A name is taken once; bad names and missing snapshots are errors that say so.
    let again = run(&["snapshot", "./s", "delivered"], dir.path());
    assert_eq!(again.status.code(), Some(6), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let bad = run(&["snapshot", "./s", "../up"], dir.path());
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a snapshot name"));
    let missing = run(
        &["export", "./s", "x.zip", "--snapshot", "nope"],
        dir.path(),
    );
    assert_eq!(missing.status.code(), Some(3), "{missing:?}");

    ok(&["snapshot", "./s", "delivered", "--delete"], dir.path());
    let listed = ok(&["snapshot", "./s", "--list", "--json"], dir.path());
    assert_eq!(listed.trim(), "[]");
}
