//! The diesel description of the tables (the same column names on every database).

diesel::table! {
    /// One row per stored series.
    meteaudata_series (id) {
        /// Surrogate id the points refer to.
        id -> BigInt,
        /// The storage key (`dataset/signal/series`).
        series_key -> Text,
        /// The series name.
        series_name -> Text,
        /// Number of points.
        n_points -> BigInt,
        /// Index kind (`datetime`, `range`, ...).
        index_kind -> Text,
        /// pandas dtype of the index.
        index_dtype -> Text,
        /// pandas dtype of the values.
        values_dtype -> Text,
        /// JSON description of the index and value types.
        layout -> Text,
        /// The metadata document (YAML).
        metadata_yaml -> Text,
        /// Creation time.
        created_at -> Timestamp,
        /// Last change.
        updated_at -> Timestamp,
        /// The number of the version the row holds (1 for the first save of the key).
        version -> BigInt,
        /// Its content hash (64 hex digits); NULL for rows saved before versions.
        content_hash -> Nullable<Text>,
        /// When the version was saved (UTC nanoseconds since the epoch).
        version_created_ns -> Nullable<BigInt>,
        /// The id its blocks are stored under (`meteaudata_blocks.series_id`).
        blocks_id -> BigInt,
    }
}

diesel::table! {
    /// One row per older version of a key; its points are the blocks under `blocks_id`.
    meteaudata_versions (series_key, version) {
        /// The storage key.
        series_key -> Text,
        /// The version's number.
        version -> BigInt,
        /// The id its blocks are stored under.
        blocks_id -> BigInt,
        /// The series name.
        series_name -> Text,
        /// Number of points.
        n_points -> BigInt,
        /// JSON description of the index and value types.
        layout -> Text,
        /// The metadata document (YAML).
        metadata_yaml -> Text,
        /// Content hash (64 hex digits); NULL when the version was saved before versions.
        content_hash -> Nullable<Text>,
        /// When it was saved (UTC nanoseconds since the epoch).
        created_ns -> Nullable<BigInt>,
    }
}

/// The blocks table: the point columns are bytes in the encoding of `blob` (BYTEA in
/// PostgreSQL, BLOB in SQLite and MySQL).
pub(crate) mod blobs {
    diesel::table! {
        /// Up to `BLOCK_POINTS` consecutive points of one series per row.
        meteaudata_blocks (series_id, pos0) {
            /// The series row.
            series_id -> BigInt,
            /// Position of the first point in the series (0-based).
            pos0 -> BigInt,
            /// Number of points in the block.
            n_points -> Integer,
            /// Smallest time in the block (datetime indexes).
            t_min -> Nullable<BigInt>,
            /// Largest time in the block (datetime indexes).
            t_max -> Nullable<BigInt>,
            /// Times or integer-like labels.
            t -> Nullable<Binary>,
            /// Text labels.
            label -> Nullable<Binary>,
            /// Float values.
            v -> Nullable<Binary>,
            /// Integer, boolean, timestamp or category-code values.
            vi -> Nullable<Binary>,
            /// Text values.
            vs -> Nullable<Binary>,
        }
    }

    use super::{meteaudata_series, meteaudata_versions};
    diesel::allow_tables_to_appear_in_same_query!(meteaudata_series, meteaudata_blocks);
    diesel::allow_tables_to_appear_in_same_query!(meteaudata_versions, meteaudata_blocks);
}

diesel::table! {
    /// One row per snapshot (a named set of key → version).
    meteaudata_snapshots (name) {
        /// The snapshot's name.
        name -> Text,
        /// When it was taken (UTC nanoseconds since the epoch).
        created_ns -> BigInt,
        /// Its JSON document (`Snapshot::to_json`).
        document -> Text,
    }
}
