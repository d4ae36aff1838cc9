//! `cargo xtask spark [--install] [--days D]`: Spark reads a disk-backend directory as it is and
//! gets the hourly means our `resample` computes.
//!
//! The check writes two CSV files of 10-second sensor readings (D days, 3 by default: rows
//! missing here and there, empty cells, an hour whose cells are all empty, two hours without
//! any row), imports them with the `meteaudata` CLI into a fresh disk-backend directory (one
//! dataset with zoned timestamps, `--tz UTC`, one with naive ones), resamples each raw series
//! to hours with `meteaudata process … resample --frequency h`, then runs
//! `xtask/spark/hourly_means.py` in a local PySpark session: it reads the raw data files with
//! `spark.read.parquet`, averages the non-missing values by `date_trunc('hour', …)` and
//! compares hour by hour with our resampled files (NaN exactly for the hours without a value).
//! Prints the script's `spark: …` lines and `spark: ok` at the end.
//!
//! PySpark (about 320 MB) and a Java runtime (17 or later) are needed: the Python of
//! `METEAUDATA_SPARK_PYTHON`, else `~/.cache/meteaudata-rs/spark-venv/bin/python`, created by
//! `--install` (`pip install pyspark==4.3.0`). CI does not run it (`.ci/run` says so): the
//! download and a JVM start would take a fifth of its time budget.

use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const PYSPARK: &str = "pyspark==4.3.0";
const START: &str = "2024-03-01";
/// Readings are this many seconds apart.
const STEP: u64 = 10;

const USAGE: &str = "usage: cargo xtask spark [--install] [--days D]";

pub fn run(args: &[String]) -> Result<()> {
    let mut install = false;
    let mut days: u64 = 3;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--install" => install = true,
            "--days" => {
                days = it
                    .next()
                    .and_then(|d| d.parse().ok())
                    .filter(|d| (3..=61).contains(d))
                    // The generator writes March and April 2024.
                    .with_context(|| format!("--days takes a number from 3 to 61\n{USAGE}"))?
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let python = spark_python(install)?;
    let bins = crate::crash::build()?;
    let dir = std::env::temp_dir().join(format!("meteaudata-spark-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let done = check(&python, &bins.cli, &dir, days);
    let _ = std::fs::remove_dir_all(&dir);
    done?;
    println!("spark: ok");
    Ok(())
}

/// The Python with PySpark: found, or installed with `--install`.
fn spark_python(install: bool) -> Result<PathBuf> {
    let venv = std::env::var_os("HOME")
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from)
        .join(".cache/meteaudata-rs/spark-venv");
    let python = std::env::var_os("METEAUDATA_SPARK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| venv.join("bin/python"));
    let has_pyspark = |py: &Path| {
        Command::new(py)
            .args(["-c", "import pyspark"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has_pyspark(&python) {
        if !install {
            bail!(
                "no PySpark in {} (set METEAUDATA_SPARK_PYTHON to a Python that has it, or run `cargo xtask spark --install` to create {})",
                python.display(),
                venv.display()
            );
        }
        crate::run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        crate::run(Command::new(venv.join("bin/pip")).args(["install", "-q", PYSPARK]))?;
        if !has_pyspark(&venv.join("bin/python")) {
            bail!(
                "{PYSPARK} was installed in {} but does not import",
                venv.display()
            );
        }
        return Ok(venv.join("bin/python"));
    }
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        bail!("PySpark needs a Java runtime (17 or later) on the PATH, e.g. Debian's openjdk-17-jre-headless");
    }
    Ok(python)
}

/// One CSV of `days` days of readings with a value column named `column` (see the module
/// docs for its gaps). Returns the text.
fn readings(column: &str, days: u64) -> String {
    let mut out = format!("time,{column}\n");
    let per_hour = 3600 / STEP;
    for i in 0..days * 86_400 / STEP {
        let hour = i / per_hour;
        // Two hours without any row (Spark sees no row; our resample, an empty bin).
        if hour == 50 || hour == 51 {
            continue;
        }
        // Rows missing here and there.
        if i % 1000 < 7 {
            continue;
        }
        let secs = i * STEP;
        let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
        // 2024-03-01 + d days (March has 31).
        let (month, day) = if d < 31 { (3, d + 1) } else { (4, d - 30) };
        let _ = write!(out, "2024-{month:02}-{day:02} {h:02}:{m:02}:{s:02},");
        // An hour whose cells are all empty, and every 13th cell.
        if hour != 30 && i % 13 != 0 {
            let v = (i * 7919 % 10_007) as f64 / 7.0 + (hour as f64).sin();
            let _ = write!(out, "{v:.6}");
        }
        out.push('\n');
    }
    out
}

fn check(python: &Path, cli: &Path, dir: &Path, days: u64) -> Result<()> {
    let store = dir.join("store");
    let store_arg = store.to_string_lossy().into_owned();
    let mut cases = Vec::new();
    for (dataset, column, tz) in [("plant", "COD", Some("UTC")), ("naive", "NH4", None)] {
        let csv = dir.join(format!("{dataset}.csv"));
        std::fs::write(&csv, readings(column, days))
            .with_context(|| format!("cannot write {}", csv.display()))?;
        let mut import = Command::new(cli);
        import.args(["-q", "import", "--to", &store_arg, "--dataset", dataset]);
        if let Some(tz) = tz {
            import.args(["--tz", tz]);
        }
        crate::run(import.arg(&csv))?;
        let raw = format!("{column}#1_RAW#1");
        crate::run(Command::new(cli).args([
            "-q",
            "process",
            "--dataset",
            dataset,
            "--input",
            &raw,
            &store_arg,
            "resample",
            "--frequency",
            "h",
        ]))?;
        // The first row the generator writes (row 0 is dropped with its 6 neighbours).
        let first = format!("{START} 00:01:10");
        cases.push(format!("{dataset}:{raw}:{column}#1_RESAMPLED#1:{first}"));
    }
    let script = crate::root().join("xtask/spark/hourly_means.py");
    crate::run(
        Command::new(python)
            .arg(script)
            .arg(&store)
            .args(&cases)
            .env("TZ", "UTC"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_have_their_gaps() {
        let csv = readings("X", 3);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "time,X");
        assert!(lines[1].starts_with("2024-03-01 00:01:10,"));
        // Hours 50 and 51 (2024-03-03 02:00 to 03:59) have no row.
        assert!(!csv.contains("2024-03-03 02:"));
        assert!(!csv.contains("2024-03-03 03:"));
        assert!(csv.contains("2024-03-03 04:00:00,"));
        // Hour 30 (2024-03-02 06:00) has rows, all empty.
        let hour30: Vec<&&str> = lines
            .iter()
            .filter(|l| l.starts_with("2024-03-02 06:"))
            .collect();
        assert!(hour30.len() > 300);
        assert!(hour30.iter().all(|l| l.ends_with(',')));
        // The last row is the last reading of the third day.
        assert!(lines.last().unwrap().starts_with("2024-03-03 23:59:50,"));
    }
}
