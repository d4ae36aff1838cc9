//! The conformance suite against the object-store backend: `memory://` and `file://` always;
//! S3 and Azure when their servers are configured (see `servers.rs` in this folder).

use meteaudata_storage_object::ObjectBackend;

fn fresh_memory() -> ObjectBackend {
    ObjectBackend::new("memory:///conformance").expect("a memory store")
}

fn fresh_file() -> ObjectBackend {
    let dir = std::env::temp_dir().join(format!(
        "meteaudata-object-conformance-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    ObjectBackend::new(&format!("file://{}", dir.display())).expect("a file store")
}

mod object_memory {
    meteaudata_testkit::backend_suite!(super::fresh_memory);
}

mod object_file {
    meteaudata_testkit::backend_suite!(super::fresh_file);
}
