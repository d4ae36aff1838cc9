-- One row per stored series: its key, what the data looks like and the metadata document.
CREATE TABLE IF NOT EXISTS meteaudata_series (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    series_key TEXT NOT NULL UNIQUE,
    series_name TEXT NOT NULL,
    n_points BIGINT NOT NULL,
    index_kind TEXT NOT NULL,
    index_dtype TEXT NOT NULL,
    values_dtype TEXT NOT NULL,
    layout TEXT NOT NULL,
    metadata_yaml TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- One row per point. `t` holds time/integer-like labels (nanoseconds for datetimes and
-- durations), `label` text labels; `v` float values (NULL when the value is NaN, infinite or
-- -0.0, whose IEEE bits are then in `v_bits`), `vi` integer/boolean/timestamp values and
-- category codes, `vs` text values.
CREATE TABLE IF NOT EXISTS meteaudata_points (
    series_id BIGINT NOT NULL,
    pos BIGINT NOT NULL,
    t BIGINT,
    label TEXT,
    v DOUBLE,
    v_bits BIGINT,
    vi BIGINT,
    vs TEXT,
    PRIMARY KEY (series_id, pos)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS meteaudata_points_time ON meteaudata_points (series_id, t);
