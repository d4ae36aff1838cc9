//! Automation for the meteaudata-rs workspace, run as `cargo xtask <command>`.
//!
//! * `python-env` — creates (or reuses) the Python reference environment with
//!   `meteaudata==0.12.1 pyarrow polars` outside the repository and prints the
//!   `METEAUDATA_PYTHON=...` line to export.
//! * `interop` — the archive interop suite against Python meteaudata 0.12.1, both directions
//!   (`cargo test -p meteaudata-archive --test interop` with the reference environment).
//! * `ci` — the checks CI runs, for a developer: fmt, clippy, docs, then the tests with the Python
//!   reference environment (services and packages are `.ci/run`'s job).

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
        _ => {
            eprintln!("usage: cargo xtask <python-env | interop | ci>");
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
            "import meteaudata, pyarrow, polars, importlib.metadata as m; assert m.version('meteaudata') == '0.12.1'",
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
        "--",
        "-D",
        "warnings",
    ]))?;
    run(Command::new("cargo")
        .args(["doc", "--workspace", "--no-deps", "-q"])
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    let py = python_env()?;
    run(Command::new("cargo")
        .args(["test", "--workspace"])
        .env("METEAUDATA_PYTHON", py))?;
    Ok(())
}
