//! meteaudata-storage-disk
