//! meteaudata-storage-sql
