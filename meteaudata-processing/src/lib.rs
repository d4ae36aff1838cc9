//! meteaudata-processing
