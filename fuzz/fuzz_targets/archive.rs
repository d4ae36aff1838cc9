//! Bytes as a zip archive, loaded as a signal and as a dataset by meteaudata-archive (the
//! loader needs a path: the bytes are written to one file in a scratch folder). Tight
//! `ZipLimits` keep each run small; errors are expected, panics are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meteaudata_archive::{load_dataset_with, load_signal_with, ZipLimits};
use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static (tempfile::TempDir, PathBuf) {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let zip = dir.path().join("fuzz.zip");
        (dir, zip)
    })
}

fuzz_target!(|data: &[u8]| {
    let (_, zip) = scratch();
    std::fs::write(zip, data).expect("the scratch zip is written");
    let limits = ZipLimits::default()
        .max_entries(256)
        .max_total_bytes(8 << 20)
        .max_ratio(200);
    let _ = load_signal_with(zip, None, &limits);
    let _ = load_dataset_with(zip, &limits);
});
