//! meteaudata-testkit
