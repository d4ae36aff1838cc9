//! Automation for the meteaudata-rs workspace, run as `cargo xtask <command>`.
//!
//! * `python-env` — creates (or reuses) the Python reference environment with
//!   `meteaudata==0.12.1 pyarrow polars sqlalchemy` outside the repository and prints the
//!   `METEAUDATA_PYTHON=...` line to export.
//! * `interop` — the archive interop suite against Python meteaudata 0.12.1, both directions
//!   (`cargo test -p meteaudata-archive --test interop` with the reference environment).
//! * `screenshots` — writes the example pages of `meteaudata-viz` (its `gallery` example) to
//!   `target/gallery`, renders each with headless Chromium (Debian's `chromium`) to
//!   `target/gallery/png/`, and copies the pictures the README shows into `docs/images/`.
//! * `bench` — every benchmark (processing, disk, viz, SQL with all databases whose URL is set).
//! * `bench scale --points N [--dir D] [--in-memory] [--chunk C]` — the larger-than-memory
//!   run: N float points written chunk by chunk to a disk backend, resampled to 5 minutes and
//!   interpolated, streamed (the `scale` example of the `meteaudata` crate, in release mode);
//!   its last line is `scale: points=N seconds=S peak_rss_mib=M`.
//! * `ci` — the checks CI runs, for a developer: fmt, clippy, docs, the wheel (dev profile,
//!   installed), then the tests with the Python reference environment and the wheel's pytest
//!   suite (services and packages are `.ci/run`'s job).
//! * `crash [--backend disk|sqlite|postgres|mysql|all] [--kills K]` — the SIGKILL harness
//!   (`crash.rs`): K kills of a worker saving, appending and deleting, then every acknowledged
//!   write checked; prints `crash: backend=B kills=K acknowledged=A verified=V lost=L torn=T`.
//! * `race [--rounds R] [--backend B] [--scenario S]` — concurrent writers (`race.rs`): two
//!   processes opening a fresh store, saving colliding keys, overwriting or appending to one
//!   key, importing into or processing one dataset; prints
//!   `race: scenario=S backend=B rounds=R acknowledged=A lost=L`.
//! * `spark [--install] [--days D]` — a local PySpark job reads a disk-backend directory as it
//!   is and must get the hourly means of our `resample` (`spark.rs`); prints `spark: ok`.
//! * `python-wheel [--dev] [--install] [--test]` — the `meteaudata_rs` wheel of
//!   `meteaudata-python/` with maturin (`wheel.rs`), installed into the reference environment
//!   and its pytest suite run; prints `wheel: <path>`.
//! * `fuzz [--seconds N] [--target T]` — the cargo-fuzz targets of `fuzz/` (`fuzz.rs`), each for
//!   N seconds (default 60); prints `fuzz: target=T seconds=N execs=E crashes=0`.

mod crash;
mod fuzz;
mod race;
mod spark;
mod wheel;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("python-env") => {
            let py = python_env()?;
            println!("export METEAUDATA_PYTHON={}", py.display());
            Ok(())
        }
        Some("ci") => ci(),
        Some("interop") => interop(),
        Some("screenshots") => screenshots(),
        Some("bench") if args.get(1).map(String::as_str) == Some("scale") => {
            bench_scale(&args[2..])
        }
        Some("bench") => bench(),
        Some("crash") => crash::run(&args[1..]),
        Some("race") => race::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("spark") => spark::run(&args[1..]),
        Some("python-wheel") => wheel::run_wheel(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <python-env | python-wheel [--dev] [--install] [--test] | interop | screenshots | bench [scale --points N [--dir D] [--in-memory]] | crash [--backend B] [--kills K] | race [--rounds R] | fuzz [--seconds N] [--target T] | spark [--install] [--days D] | ci>"
            );
            bail!("unknown or missing command")
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("==> {cmd:?}");
    let status = cmd
        .current_dir(root())
        .status()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

fn venv_dir() -> PathBuf {
    if let Some(v) = std::env::var_os("METEAUDATA_VENV") {
        return PathBuf::from(v);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    home.join(".cache/meteaudata-rs/venv")
}

fn python_env() -> Result<PathBuf> {
    let venv = venv_dir();
    let py = venv.join("bin/python");
    let check = Command::new(&py)
        .args([
            "-c",
            "import meteaudata, pyarrow, polars, sqlalchemy, duckdb, importlib.metadata as m; assert m.version('meteaudata') == '0.12.1'; assert m.version('duckdb-ext-httpfs') == '1.4.4.20260205'",
        ])
        .output();
    if check.is_ok_and(|o| o.status.success()) {
        return Ok(py);
    }
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    run(Command::new(venv.join("bin/pip")).args([
        "install",
        "-q",
        "meteaudata==0.12.1",
        "pyarrow",
        "polars",
        "sqlalchemy",
        // DuckDB and its httpfs extension as a pip package of the same version (the object
        // store tests read S3 objects with it).
        "duckdb==1.4.4",
        "duckdb-ext-httpfs==1.4.4.20260205",
    ]))?;
    Ok(py)
}

fn interop() -> Result<()> {
    let py = python_env()?;
    run(Command::new("cargo")
        .args([
            "test",
            "-p",
            "meteaudata-archive",
            "--test",
            "interop",
            "--",
            "--nocapture",
        ])
        .env("METEAUDATA_PYTHON", py))
}

fn ci() -> Result<()> {
    run(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))?;
    run(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(Command::new("cargo")
        .args(["doc", "--workspace", "--no-deps", "-q"])
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    let py = python_env()?;
    // The wheel first: the differential test of the built-ins runs it too.
    wheel::run_wheel(&["--dev".to_string(), "--install".to_string()])?;
    run(Command::new("cargo")
        .args(["test", "--workspace", "--all-features"])
        .env("METEAUDATA_PYTHON", &py))?;
    run(Command::new(&py).args([
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "meteaudata-python/tests",
    ]))?;
    Ok(())
}

/// The pictures the README shows: (gallery page, window size, file in `docs/images`).
const README_PICTURES: [(&str, &str, &str); 3] = [
    ("03_signal_multi", "1200,640", "plot-signal.png"),
    ("07_signal_interactive", "1200,640", "plot-interactive.png"),
    ("10_lineage_average", "1200,800", "lineage-graph.png"),
];

fn screenshots() -> Result<()> {
    let gallery = root().join("target/gallery");
    let png_dir = gallery.join("png");
    std::fs::create_dir_all(&png_dir)
        .with_context(|| format!("cannot create {}", png_dir.display()))?;
    run(Command::new("cargo")
        .args([
            "run",
            "-q",
            "--release",
            "-p",
            "meteaudata-viz",
            "--example",
            "gallery",
            "--",
        ])
        .arg(&gallery))?;
    let browser = match find_browser() {
        Some(b) => b,
        None => {
            // A fresh machine: install Debian's chromium (root, as on the project's machines).
            eprintln!("==> installing Debian's chromium");
            let _ = Command::new("apt-get").args(["update", "-qq"]).status();
            let _ = Command::new("apt-get")
                .args([
                    "install",
                    "-y",
                    "-qq",
                    "--no-install-recommends",
                    "chromium",
                ])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status();
            find_browser().context(
                "no chromium found and `apt-get install -y chromium` did not provide one",
            )?
        }
    };
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&gallery)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    for page in &pages {
        let stem = page.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
        let size = README_PICTURES
            .iter()
            .find(|p| p.0 == stem)
            .map_or("1200,800", |p| p.1);
        let png = png_dir.join(format!("{stem}.png"));
        chromium_screenshot(browser, page, &png, size)?;
        if let Some((_, _, name)) = README_PICTURES.iter().find(|p| p.0 == stem) {
            let dest = root().join("docs/images").join(name);
            std::fs::create_dir_all(root().join("docs/images"))?;
            std::fs::copy(&png, &dest)
                .with_context(|| format!("cannot copy to {}", dest.display()))?;
            eprintln!("    README picture {}", dest.display());
        }
    }
    eprintln!("{} pages rendered into {}", pages.len(), png_dir.display());
    Ok(())
}

/// Renders one page offline with a fresh, throw-away browser profile.
/// The first headless-capable Chromium on the PATH.
fn find_browser() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn chromium_screenshot(browser: &str, page: &Path, png: &Path, size: &str) -> Result<()> {
    let profile = std::env::temp_dir().join(format!(
        "meteaudata-chromium-{}-{}",
        std::process::id(),
        png.file_stem().and_then(|s| s.to_str()).unwrap_or("x")
    ));
    let page = page.canonicalize()?;
    let result = run(Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            // Interactive pages draw with plotly.js once loaded.
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={size}"))
        .arg(format!("file://{}", page.display()))
        // Chromium logs harmless D-Bus complaints on machines without a session bus.
        .stderr(std::process::Stdio::null()));
    let _ = std::fs::remove_dir_all(&profile);
    result?;
    if !png.exists() {
        bail!("chromium wrote no screenshot for {}", page.display());
    }
    Ok(())
}

/// Every benchmark of the workspace (release builds; figures are printed by each).
fn bench() -> Result<()> {
    for krate in [
        "meteaudata-processing",
        "meteaudata-storage-disk",
        "meteaudata-viz",
    ] {
        run(Command::new("cargo").args(["bench", "-p", krate]))?;
    }
    run(Command::new("cargo").args(["bench", "-p", "meteaudata-storage-sql", "--all-features"]))
}

fn bench_scale(rest: &[String]) -> Result<()> {
    if !rest.iter().any(|a| a == "--points") {
        bail!("usage: cargo xtask bench scale --points N [--dir D] [--in-memory] [--chunk C]");
    }
    run(Command::new("cargo")
        .args([
            "run",
            "--release",
            "-q",
            "-p",
            "meteaudata",
            "--example",
            "scale",
            "--",
        ])
        .args(rest))
}
