//! The conformance suite against the in-memory backend.

mod memory {
    meteaudata_testkit::backend_suite!(meteaudata_core::storage::MemoryBackend::new);
}
