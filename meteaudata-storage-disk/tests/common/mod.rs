//! What the disk tests share: running the Python side of the interop tests.

use std::path::Path;

/// Runs `tests/python/disk_interop.py MODE DIR` with Python meteaudata 0.12.1 and returns the
/// JSON it prints (see that script for the modes).
pub fn run_python(py: &Path, mode: &str, dir: &Path) -> serde_json::Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/disk_interop.py");
    let out = std::process::Command::new(py)
        .arg(script)
        .arg(mode)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python {mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
