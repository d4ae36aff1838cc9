//! The conformance suite against the disk backend, each case in a fresh directory.

use meteaudata_storage_disk::DiskBackend;

fn fresh() -> DiskBackend {
    let dir = std::env::temp_dir().join(format!(
        "meteaudata-disk-conformance-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    DiskBackend::new(dir)
}

mod disk {
    meteaudata_testkit::backend_suite!(super::fresh);
}

/// A store whose saves keep no versions: the rest of the contract holds, versions say
/// `Unsupported`.
mod disk_unversioned {
    meteaudata_testkit::backend_suite!(|| super::fresh().without_versions());
}
