//! # meteaudata-testkit
//!
//! The conformance suite for meteaudata storage backends (built with the storage contract) and
//! [`strategies`]: proptest generators for arbitrary meteaudata values, for round-trip tests in
//! this workspace and in third-party crates.
//!
//! ```
//! use meteaudata_testkit::strategies;
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::default();
//! runner.run(&strategies::parameters(), |p| {
//!     let yaml = serde_yaml::to_string(&p).unwrap();
//!     let back: meteaudata_core::Parameters = serde_yaml::from_str(&yaml).unwrap();
//!     prop_assert_eq!(back, p);
//!     Ok(())
//! }).unwrap();
//! ```

pub mod strategies;
