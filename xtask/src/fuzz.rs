//! `cargo xtask fuzz [--seconds N | --runs N --seed S] [--target T]`: runs the cargo-fuzz
//! targets of `fuzz/` (the archive loader, CSV import, YAML metadata, the SQL block decoder, the
//! disk backend's Parquet reading), each for N seconds (default 60), with libFuzzer's limits:
//! 1 s per input, 1 GiB of memory (RSS and any single allocation).
//!
//! `--runs N --seed S` runs N inputs per target from the random seed S instead: the same
//! inputs on every machine (from the committed seeds; the scratch corpus is not used), so a
//! failure is a regression, never the luck of a run. `.ci/run` uses this; open-ended searches
//! use `--seconds`.
//!
//! Each target starts from its committed seeds (`fuzz/corpus/<t>`) and a scratch corpus
//! (`target/fuzz-corpus/<t>`, kept between runs) that receives what libFuzzer finds, so the
//! committed seeds stay small. One line per target:
//!
//! ```text
//! fuzz: target=csv_import seconds=60 execs=312345 crashes=0
//! ```
//!
//! A crash, a timeout or an out-of-memory input fails the command with the path of the input
//! libFuzzer saved (`fuzz/artifacts/<t>/…`) and the command that replays it.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::root;

/// The targets, in the order they run.
pub const TARGETS: [&str; 5] = [
    "archive",
    "csv_import",
    "yaml_metadata",
    "sql_block",
    "parquet_read",
];

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N | --runs N --seed S] [--target archive|csv_import|yaml_metadata|sql_block|parquet_read] [--sanitizer address|none]";

/// What one run of a target gave.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    execs: Option<u64>,
    /// The input libFuzzer saved when something went wrong.
    artifact: Option<String>,
    /// libFuzzer's `==ERROR: …` line (or the Rust panic message).
    error: Option<String>,
}

/// How long each target runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Budget {
    /// For this many seconds, from the seeds and the scratch corpus.
    Seconds(u64),
    /// This many inputs from this random seed, from the committed seeds only: reproducible.
    Runs { runs: u64, seed: u64 },
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Budget::Seconds(s) => write!(f, "seconds={s}"),
            Budget::Runs { runs, seed } => write!(f, "runs={runs} seed={seed}"),
        }
    }
}

fn positive(flag: &str, v: Option<&String>) -> Result<u64> {
    let v = v.context(USAGE)?;
    v.parse()
        .ok()
        .filter(|s| *s > 0)
        .with_context(|| format!("{flag} {v:?}: expected a positive number\n{USAGE}"))
}

pub fn run(args: &[String]) -> Result<()> {
    let mut seconds: Option<u64> = None;
    let mut runs: Option<u64> = None;
    let mut seed: Option<u64> = None;
    let mut only: Option<String> = None;
    // AddressSanitizer by default (cargo-fuzz's); `none` builds and runs faster, for the safe
    // Rust code under test the checks that matter (panics, hangs, memory limit) stay.
    let mut sanitizer = "address".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => seconds = Some(positive(a, it.next())?),
            "--runs" => runs = Some(positive(a, it.next())?),
            "--seed" => seed = Some(positive(a, it.next())?),
            "--target" => {
                let t = it.next().context(USAGE)?;
                if !TARGETS.contains(&t.as_str()) {
                    bail!("unknown fuzz target {t:?}\n{USAGE}");
                }
                only = Some(t.clone());
            }
            "--sanitizer" => {
                let v = it.next().context(USAGE)?;
                if !["address", "none"].contains(&v.as_str()) {
                    bail!("unknown sanitizer {v:?}\n{USAGE}");
                }
                sanitizer = v.clone();
            }
            "-h" | "--help" => {
                eprintln!("{USAGE}");
                return Ok(());
            }
            other => bail!("unexpected argument {other:?}\n{USAGE}"),
        }
    }
    let budget = match (seconds, runs, seed) {
        (s, None, None) => Budget::Seconds(s.unwrap_or(60)),
        (None, Some(runs), Some(seed)) => Budget::Runs { runs, seed },
        (None, Some(_), None) | (None, None, Some(_)) => {
            bail!("--runs and --seed go together\n{USAGE}")
        }
        (Some(_), _, _) => bail!("--seconds cannot go with --runs or --seed\n{USAGE}"),
    };
    ensure_tools()?;
    let targets: Vec<&str> = match &only {
        Some(t) => vec![t.as_str()],
        None => TARGETS.to_vec(),
    };
    // One build of every target first, so that the seconds below are spent fuzzing.
    let mut build = Command::new("cargo");
    build.args(["+nightly", "fuzz", "build", "--sanitizer", &sanitizer]);
    if let Some(t) = &only {
        build.arg(t);
    }
    crate::run(&mut build).context("building the fuzz targets failed")?;
    let mut failures = Vec::new();
    for t in targets {
        match run_target(t, budget, &sanitizer) {
            Ok(execs) => println!("fuzz: target={t} {budget} execs={execs} crashes=0"),
            Err(e) => {
                println!("fuzz: target={t} {budget} execs=? crashes=1");
                eprintln!("{e:#}");
                failures.push(format!("{e:#}"));
            }
        }
    }
    if !failures.is_empty() {
        bail!(
            "{} fuzz target(s) failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
    Ok(())
}

/// cargo-fuzz and the nightly toolchain, installed when missing.
fn ensure_tools() -> Result<()> {
    let works = |args: &[&str]| {
        Command::new("cargo")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !works(&["+nightly", "--version"]) {
        eprintln!("==> installing the nightly toolchain (cargo-fuzz needs it)");
        let ok = Command::new("rustup")
            .args(["toolchain", "install", "nightly", "--profile", "minimal"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok || !works(&["+nightly", "--version"]) {
            bail!("the nightly toolchain is missing and `rustup toolchain install nightly --profile minimal` failed; install it, then rerun");
        }
    }
    if !works(&["+nightly", "fuzz", "--version"]) {
        eprintln!("==> installing cargo-fuzz");
        let ok = Command::new("cargo")
            .args(["install", "cargo-fuzz", "--locked"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok || !works(&["+nightly", "fuzz", "--version"]) {
            bail!("cargo-fuzz is missing and `cargo install cargo-fuzz --locked` failed; install it, then rerun");
        }
    }
    Ok(())
}

/// A folder for the targets' temporary files (extracted archives, the disk store): on tmpfs
/// when there is one, since the disk backend syncs every file it writes.
fn scratch_tmp(target: &str) -> Result<PathBuf> {
    let name = format!("meteaudata-fuzz-{target}-{}", std::process::id());
    let shm = Path::new("/dev/shm");
    if shm.is_dir() && std::fs::create_dir_all(shm.join(&name)).is_ok() {
        return Ok(shm.join(name));
    }
    let dir = root().join("target").join(name);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

fn run_target(t: &str, budget: Budget, sanitizer: &str) -> Result<u64> {
    let root = root();
    let seeds = root.join("fuzz/corpus").join(t);
    if !seeds.is_dir() {
        bail!("no seed corpus {}", seeds.display());
    }
    let corpus = root.join("target/fuzz-corpus").join(t);
    std::fs::create_dir_all(&corpus)
        .with_context(|| format!("cannot create {}", corpus.display()))?;
    let logs = root.join("target/fuzz-logs");
    std::fs::create_dir_all(&logs)?;
    let log = logs.join(format!("{t}.log"));
    let log_file =
        std::fs::File::create(&log).with_context(|| format!("cannot create {}", log.display()))?;
    let tmp = scratch_tmp(t)?;
    eprintln!(
        "==> fuzzing {t}: {budget} (libFuzzer's output: {})",
        log.display()
    );
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "fuzz", "run", "--sanitizer", sanitizer, t]);
    match budget {
        // The scratch corpus first: libFuzzer writes new inputs into the first folder.
        Budget::Seconds(seconds) => {
            cmd.arg(&corpus)
                .arg(&seeds)
                .arg("--")
                .arg(format!("-max_total_time={seconds}"));
        }
        // The committed seeds and an emptied folder for what libFuzzer finds (it writes into
        // the first folder): the same start on every machine.
        Budget::Runs { runs, seed } => {
            let fresh = root.join("target/fuzz-fresh").join(t);
            let _ = std::fs::remove_dir_all(&fresh);
            std::fs::create_dir_all(&fresh)
                .with_context(|| format!("cannot create {}", fresh.display()))?;
            cmd.arg(&fresh)
                .arg(&seeds)
                .arg("--")
                .arg(format!("-runs={runs}"))
                .arg(format!("-seed={seed}"))
                .arg("-max_total_time=0");
        }
    }
    let status = cmd
        .args([
            "-timeout=1",
            "-rss_limit_mb=1024",
            "-malloc_limit_mb=1024",
            "-print_final_stats=1",
        ])
        .env("TMPDIR", &tmp)
        .current_dir(&root)
        .stdout(log_file.try_clone()?)
        .stderr(log_file)
        .status()
        .with_context(|| format!("cannot start cargo fuzz run {t}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let status = status?;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let outcome = parse(&text);
    if status.success() && outcome.artifact.is_none() && outcome.error.is_none() {
        return outcome.execs.with_context(|| {
            format!(
                "{t}: libFuzzer printed no stat::number_of_executed_units (see {})",
                log.display()
            )
        });
    }
    let tail: Vec<&str> = text.lines().rev().take(30).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    let what = outcome
        .error
        .unwrap_or_else(|| format!("cargo fuzz run exited with {status}"));
    match outcome.artifact {
        Some(a) => bail!(
            "fuzz target {t} failed: {what}\n  input: {a}\n  replay: cargo +nightly fuzz run {t} {a}\n  log: {}\n{}",
            log.display(),
            tail.join("\n")
        ),
        None => bail!(
            "fuzz target {t} failed: {what} (no input saved)\n  log: {}\n{}",
            log.display(),
            tail.join("\n")
        ),
    }
}

/// Reads libFuzzer's output: the executions (`-print_final_stats=1`), the input it saved and
/// its error line.
fn parse(text: &str) -> Outcome {
    let mut out = Outcome::default();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            out.execs = n.trim().parse().ok();
        } else if let Some((_, path)) = line.split_once("Test unit written to ") {
            out.artifact = Some(path.trim().to_string());
        } else if out.error.is_none() && line.contains("panicked at") {
            // The panic message is on the next line.
            let message = lines.peek().map_or("", |m| m.trim());
            out.error = Some(format!("{} {message}", line.trim()));
        } else if out.error.is_none() && line.starts_with("==") && line.contains("ERROR:") {
            out.error = Some(line.trim().to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_stats_and_artifacts_are_read() {
        let ok = "#1085908\tDONE   cov: 435 ft: 617\nDone 1085908 runs in 11 second(s)\nstat::number_of_executed_units: 1085908\nstat::average_exec_per_sec:     98718\n";
        assert_eq!(
            parse(ok),
            Outcome {
                execs: Some(1_085_908),
                ..Outcome::default()
            }
        );
        let crash = "thread '<unnamed>' panicked at fuzz_targets/x.rs:3:5:\nboom\n==1234== ERROR: libFuzzer: deadly signal\nartifact_prefix='/r/fuzz/artifacts/x/'; Test unit written to /r/fuzz/artifacts/x/crash-abc\nstat::number_of_executed_units: 17\n";
        let o = parse(crash);
        assert_eq!(o.execs, Some(17));
        assert_eq!(o.artifact.as_deref(), Some("/r/fuzz/artifacts/x/crash-abc"));
        assert_eq!(
            o.error.as_deref(),
            Some("thread '<unnamed>' panicked at fuzz_targets/x.rs:3:5: boom")
        );
        let oom = "==99== ERROR: libFuzzer: out-of-memory (malloc(2147483648))\nartifact_prefix='a/'; Test unit written to a/oom-1\n";
        let o = parse(oom);
        assert_eq!(o.artifact.as_deref(), Some("a/oom-1"));
        assert!(o.error.unwrap().contains("out-of-memory"));
    }
}
