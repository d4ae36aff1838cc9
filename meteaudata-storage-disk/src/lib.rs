//! # meteaudata-storage-disk
//!
//! The disk storage backend of meteaudata (to come with the storage contract): each series is
//! stored as a Parquet file with a YAML metadata sidecar, in the layout Python meteaudata's
//! pandas-disk backend uses (`<dataset>_<signal>_<series>.parquet` and `..._meta.yaml`), so a
//! Python user pointed at the directory loads the same data. Writes are atomic (temporary file,
//! fsync, rename), range reads use row-group statistics, and keys can never leave the base
//! directory.
