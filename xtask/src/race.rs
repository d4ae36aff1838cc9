//! `cargo xtask race [--rounds R] [--backend B] [--scenario S]`: concurrent writers.
//!
//! Each round starts two writers on a fresh store at once (the `storage_worker` example waits
//! for a start signal once connected; the CLI is simply started twice), then reads the store
//! back. Scenarios, on every backend (disk, SQLite, PostgreSQL, MySQL/MariaDB, the object
//! store on `file://` and on S3; `file://` is not run where it promises nothing:
//! concurrent appends to one key):
//!
//! * `open`: two processes opening a fresh store at once (on SQL, both create the tables),
//!   then saving a few keys each; both must open it (a writer that fails counts as lost).
//! * `collide`: two processes saving keys whose disk file names collide (`race/c1/x_y` and
//!   `race/c1_x/y`); every acknowledged key must hold its version.
//! * `overwrite`: two processes saving (and stream-writing) one key; it must end whole, with
//!   the last version one of them acknowledged.
//! * `append`: two processes appending to one key; every acknowledged chunk must be there
//!   once, each process's chunks in its order.
//! * `save-append`: one process saving a key while another appends to it; the key must end
//!   with the saver's last version followed by the appender's last chunks.
//! * `import`: two `meteaudata import` runs into one dataset (which already holds `A#1`).
//! * `process`: two `meteaudata process` runs (`resample` at 20 and 30 minutes) on one
//!   dataset.
//!
//! For the two CLI scenarios, each run must either succeed, and then every series it reports
//! (`imported …`, `created …`) holds its own data, or fail with a conflict error naming the
//! collision; anything else (exit 0 and data missing or replaced by the other run's, another
//! error) counts as lost.
//!
//! Prints `race: scenario=S backend=B rounds=R acknowledged=A lost=L` per scenario and backend
//! and fails when any L is not 0.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::crash::{
    build, complete_lines, observe, options, parse_op, wait_ready, Backend, Binaries, Seen, State,
    Store,
};

const SCENARIOS: [&str; 7] = [
    "open",
    "collide",
    "overwrite",
    "append",
    "save-append",
    "import",
    "process",
];

/// The key the one-key scenarios share.
const SHARED: &str = "race/shared/key";
/// Rows of the CSV files the CLI scenarios import (10 minutes apart; a multiple of 6).
const ROWS: u64 = 3000;

#[derive(Debug, Default)]
struct Outcome {
    acknowledged: u64,
    lost: u64,
    refused: u64,
}

impl Outcome {
    fn lose(&mut self, what: String) {
        self.lost += 1;
        eprintln!("    LOST: {what}");
    }
}

/// The acknowledgements (`ack OP KEY N`) of one worker's output.
fn acks(path: &Path) -> Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    for line in complete_lines(path)? {
        if line == "ready" {
            continue;
        }
        match parse_op(&line) {
            Some((w, op)) if w == "ack" => out.push((op.key, op.n)),
            _ => bail!("unexpected worker line {line:?}"),
        }
    }
    Ok(out)
}

fn worker_round(bins: &Binaries, store: &Store, scenario: &str, out: &mut Outcome) -> Result<()> {
    let count = match scenario {
        "open" => 5,
        "collide" | "append" => 40,
        _ => 30,
    };
    // Except in `open`, the tables are created before the writers start, so that each
    // scenario tests what it names.
    if scenario != "open" {
        observe(&bins.worker, store)?;
    }
    if matches!(scenario, "append" | "save-append") {
        let setup = Command::new(&bins.worker)
            .args(["setup", &store.spec, SHARED, "1"])
            .output()?;
        if !setup.status.success() {
            bail!(
                "cannot set {SHARED} up: {}",
                String::from_utf8_lossy(&setup.stderr).trim()
            );
        }
    }
    let modes = match scenario {
        "open" | "collide" => ["collide", "collide"],
        "overwrite" => ["save-loop", "save-loop"],
        "append" => ["append-loop", "append-loop"],
        _ => ["save-loop", "append-loop"],
    };
    let go = store.scratch.join("go");
    let mut children = Vec::new();
    for (p, mode) in modes.iter().enumerate() {
        let log = store.scratch.join(format!("w{p}.out"));
        let err = store.scratch.join(format!("w{p}.err"));
        let mut cmd = Command::new(&bins.worker);
        cmd.args([mode, store.spec.as_str(), "--proc", &p.to_string()])
            .args(["--count", &count.to_string()]);
        if scenario != "open" {
            cmd.arg("--go").arg(&go);
        }
        if *mode != "collide" {
            cmd.args(["--key", SHARED]);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(fs::File::create(&log)?)
            .stderr(fs::File::create(&err)?)
            .spawn()
            .with_context(|| format!("cannot start {}", bins.worker.display()))?;
        children.push((child, log, err));
    }
    if scenario != "open" {
        for (child, log, err) in &mut children {
            wait_ready(child, log, err, Duration::from_secs(120))?;
        }
        fs::write(&go, b"go")?;
    }
    let mut acked = Vec::new();
    for (p, (mut child, log, err)) in children.into_iter().enumerate() {
        let status = child.wait()?;
        if !status.success() {
            out.lose(format!(
                "writer {p} failed ({status}): {}",
                fs::read_to_string(&err).unwrap_or_default().trim()
            ));
        }
        let a = acks(&log)?;
        out.acknowledged += a.len() as u64;
        acked.push(a);
    }
    let seen = observe(&bins.worker, store)?;
    let holds = |key: &str| -> Option<&State> {
        match seen.get(key) {
            Some(Seen::Holds(s)) => Some(s),
            _ => None,
        }
    };
    for (key, s) in &seen {
        if let Seen::Torn(reason) = s {
            out.lose(format!("{key} is torn: {reason}"));
        }
    }
    let shared = holds(SHARED).cloned();
    let show = |s: &Option<State>| match s {
        Some(s) => format!("v={} chunks={:?}", s.v, s.chunks),
        None => "nothing whole".into(),
    };
    match scenario {
        "open" | "collide" => {
            for (key, v) in acked.iter().flatten() {
                let want = State {
                    v: *v,
                    chunks: Vec::new(),
                };
                if holds(key) != Some(&want) {
                    out.lose(format!(
                        "{key}: acknowledged version {v}, holds {}",
                        show(&holds(key).cloned())
                    ));
                }
            }
        }
        "overwrite" => {
            let last: Vec<u64> = acked.iter().filter_map(|a| a.last().map(|x| x.1)).collect();
            let ok = shared
                .as_ref()
                .is_some_and(|s| s.chunks.is_empty() && last.contains(&s.v));
            if !last.is_empty() && !ok {
                out.lose(format!(
                    "{SHARED} holds {}, not one of the last acknowledged versions {last:?}",
                    show(&shared)
                ));
            }
        }
        "append" => {
            let Some(s) = &shared else {
                out.lose(format!("{SHARED} holds {}", show(&shared)));
                return Ok(());
            };
            if s.v != 1 {
                out.lose(format!(
                    "{SHARED} lost its first version: {}",
                    show(&shared)
                ));
            }
            for (p, a) in acked.iter().enumerate() {
                let mine: Vec<u64> = s
                    .chunks
                    .iter()
                    .copied()
                    .filter(|c| c / 100_000 == p as u64 + 1)
                    .collect();
                let want: Vec<u64> = a.iter().map(|x| x.1).collect();
                let missing = want.iter().filter(|c| !mine.contains(c)).count();
                for c in want.iter().filter(|c| !mine.contains(c)) {
                    out.lose(format!("{SHARED}: acknowledged chunk {c} is not there"));
                }
                if missing == 0 && mine != want {
                    out.lose(format!(
                        "{SHARED}: writer {p}'s chunks are {mine:?}, acknowledged {want:?}"
                    ));
                }
            }
        }
        _ => {
            let want_v = acked[0].last().map_or(1, |x| x.1);
            let appended: Vec<u64> = acked[1].iter().map(|x| x.1).collect();
            match &shared {
                Some(s) => {
                    if s.v != want_v {
                        out.lose(format!(
                            "{SHARED} holds version {}, the last acknowledged save is {want_v}",
                            s.v
                        ));
                    }
                    let suffix = s.chunks.len() <= appended.len()
                        && appended[appended.len() - s.chunks.len()..] == s.chunks[..];
                    if !suffix {
                        out.lose(format!(
                            "{SHARED}: chunks {:?} are not the last of the acknowledged appends {appended:?}",
                            s.chunks
                        ));
                    }
                }
                None => out.lose(format!("{SHARED} holds {}", show(&shared))),
            }
        }
    }
    Ok(())
}

/// A CSV file of `ROWS` rows, column `A`, values `tag·100000 + i + 0.5`, 10 minutes apart
/// from 2024-01-01 (what the worker's `csv-check` expects).
fn write_csv(path: &Path, tag: u64) -> Result<()> {
    let mut text = String::from("time,A\n");
    for i in 0..ROWS {
        let m = i * 10;
        text.push_str(&format!(
            "2024-01-{:02} {:02}:{:02}:00,{}.5\n",
            1 + m / 1440,
            m % 1440 / 60,
            m % 60,
            tag * 100_000 + i
        ));
    }
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_string()
}

/// A worker check (`csv-check`, `len-check`) of one series; `None` when it holds.
fn check(bins: &Binaries, store: &Store, args: &[&str]) -> Result<Option<String>> {
    let o: Output = Command::new(&bins.worker)
        .arg(args[0])
        .arg(&store.spec)
        .args(&args[1..])
        .output()?;
    Ok(if o.status.success() {
        None
    } else {
        Some(format!("{}{}", text(&o.stdout), text(&o.stderr)))
    })
}

fn cli_round(bins: &Binaries, store: &Store, scenario: &str, out: &mut Outcome) -> Result<()> {
    let rows = ROWS.to_string();
    for tag in 0..3 {
        write_csv(&store.scratch.join(format!("in{tag}.csv")), tag)?;
    }
    let setup = Command::new(&bins.cli)
        .current_dir(&store.scratch)
        .args([
            "--quiet",
            "import",
            "in0.csv",
            "--to",
            &store.spec,
            "--dataset",
            "d",
        ])
        .output()?;
    if !setup.status.success() || !text(&setup.stdout).contains("imported A#1_RAW#1") {
        bail!(
            "the first import failed: {}{}",
            text(&setup.stdout),
            text(&setup.stderr)
        );
    }
    let mut children = Vec::new();
    for p in 1..=2u64 {
        let mut cmd = Command::new(&bins.cli);
        cmd.current_dir(&store.scratch).arg("--quiet");
        if scenario == "import" {
            cmd.args(["import", &format!("in{p}.csv"), "--to", &store.spec])
                .args(["--dataset", "d"]);
        } else {
            cmd.args(["process", &store.spec, "-i", "A#1_RAW#1", "resample"])
                .args(["--frequency", if p == 1 { "20min" } else { "30min" }]);
        }
        children.push(
            cmd.stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .with_context(|| format!("cannot start {}", bins.cli.display()))?,
        );
    }
    // (series, check arguments) of every series a run reported.
    let mut reported: Vec<(String, Vec<String>)> = Vec::new();
    for (p, child) in (1..=2u64).zip(children) {
        let o = child.wait_with_output()?;
        let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
        if !o.status.success() {
            if stderr.to_ascii_lowercase().contains("conflict") {
                out.refused += 1;
                eprintln!(
                    "    run {p} refused ({}): {}",
                    o.status,
                    stderr.replace('\n', " | ")
                );
            } else {
                out.lose(format!(
                    "run {p} failed ({}) without a conflict error: {}",
                    o.status,
                    stderr.replace('\n', " | ")
                ));
            }
            continue;
        }
        let mut any = false;
        for line in stdout.lines() {
            let name = if scenario == "import" {
                line.strip_prefix("imported ")
                    .and_then(|r| r.split_once(':'))
                    .map(|(n, _)| n)
            } else {
                line.strip_prefix("created ")
            };
            let Some(name) = name else { continue };
            any = true;
            out.acknowledged += 1;
            let args: Vec<String> = if scenario == "import" {
                vec![
                    "csv-check".into(),
                    "--tag".into(),
                    p.to_string(),
                    "--rows".into(),
                    rows.clone(),
                ]
            } else {
                let minutes = if p == 1 { 20 } else { 30 };
                vec![
                    "len-check".into(),
                    "--points".into(),
                    (ROWS * 10 / minutes).to_string(),
                ]
            };
            reported.push((name.to_string(), args));
        }
        if !any {
            out.lose(format!("run {p} exited 0 but reported no series: {stdout}"));
        }
    }
    let mut names: BTreeMap<&str, u32> = BTreeMap::new();
    for (name, _) in &reported {
        *names.entry(name).or_default() += 1;
    }
    for (name, n) in names.iter().filter(|(_, n)| **n > 1) {
        eprintln!("    both runs reported {name} ({n} times)");
    }
    let base = [
        "csv-check",
        "--tag",
        "0",
        "--rows",
        &rows,
        "--dataset",
        "d",
        "--series",
    ];
    if let Some(why) = check(bins, store, &[&base[..], &["A#1_RAW#1"]].concat())? {
        out.lose(format!("A#1_RAW#1 (imported before the race): {why}"));
    }
    for (name, args) in &reported {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(["--dataset", "d", "--series", name]);
        if let Some(why) = check(bins, store, &a)? {
            out.lose(format!("{name} (reported by a run that exited 0): {why}"));
        }
    }
    Ok(())
}

pub fn run(args: &[String]) -> Result<()> {
    let o = options(args, &["--rounds", "--backend", "--scenario"])?;
    let rounds: u64 = o
        .get("--rounds")
        .map_or(Ok(3), |r| r.parse())
        .context("--rounds takes a number")?;
    let backends = Backend::parse_list(o.get("--backend").map_or("all", String::as_str))?;
    let scenarios: Vec<&str> = match o.get("--scenario").map(String::as_str) {
        None | Some("all") => SCENARIOS.to_vec(),
        Some(s) if SCENARIOS.contains(&s) => vec![s],
        Some(s) => bail!(
            "unknown scenario {s:?}: use {} or all",
            SCENARIOS.join(", ")
        ),
    };
    let bins = build()?;
    let mut failed = Vec::new();
    for scenario in &scenarios {
        for &backend in &backends {
            let mut out = Outcome::default();
            let mut skipped = false;
            for _ in 0..rounds {
                let what = format!("race-{scenario}-{}", backend.name());
                let Some(store) = Store::create(backend, &what)? else {
                    skipped = true;
                    break;
                };
                if matches!(*scenario, "import" | "process") {
                    cli_round(&bins, &store, scenario, &mut out)
                } else {
                    worker_round(&bins, &store, scenario, &mut out)
                }
                .with_context(|| format!("race {scenario} on {}", backend.name()))?;
            }
            if skipped {
                println!(
                    "race: scenario={scenario} backend={} skipped (no server URL)",
                    backend.name()
                );
                continue;
            }
            println!(
                "race: scenario={scenario} backend={} rounds={rounds} acknowledged={} lost={}",
                backend.name(),
                out.acknowledged,
                out.lost
            );
            if out.refused > 0 {
                eprintln!("    {} run(s) refused with a conflict error", out.refused);
            }
            if out.lost > 0 {
                failed.push(format!("{scenario}/{}", backend.name()));
            }
        }
    }
    if !failed.is_empty() {
        bail!(
            "race: acknowledged writes lost in {} (details above)",
            failed.join(", ")
        );
    }
    Ok(())
}
