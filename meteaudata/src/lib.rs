//! meteaudata
