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
    }
}

diesel::table! {
    /// One row per point.
    meteaudata_points (series_id, pos) {
        /// The series row.
        series_id -> BigInt,
        /// Position in the series (0-based).
        pos -> BigInt,
        /// Time or integer-like label.
        t -> Nullable<BigInt>,
        /// Text label.
        label -> Nullable<Text>,
        /// Float value.
        v -> Nullable<Double>,
        /// IEEE bits of a float value the database cannot hold exactly.
        v_bits -> Nullable<BigInt>,
        /// Integer, boolean, timestamp or category-code value.
        vi -> Nullable<BigInt>,
        /// Text value.
        vs -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(meteaudata_series, meteaudata_points);
