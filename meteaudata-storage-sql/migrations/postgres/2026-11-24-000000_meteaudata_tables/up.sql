-- One row per stored series: its key, what the data looks like and the metadata document.
CREATE TABLE IF NOT EXISTS meteaudata_series (
    id BIGSERIAL PRIMARY KEY,
    series_key TEXT NOT NULL UNIQUE,
    series_name TEXT NOT NULL,
    n_points BIGINT NOT NULL,
    index_kind TEXT NOT NULL,
    index_dtype TEXT NOT NULL,
    values_dtype TEXT NOT NULL,
    layout TEXT NOT NULL,
    metadata_yaml TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- One row per point; see the SQLite migration for the meaning of the columns.
CREATE TABLE IF NOT EXISTS meteaudata_points (
    series_id BIGINT NOT NULL,
    pos BIGINT NOT NULL,
    t BIGINT,
    label TEXT,
    v DOUBLE PRECISION,
    v_bits BIGINT,
    vi BIGINT,
    vs TEXT,
    PRIMARY KEY (series_id, pos)
);
CREATE INDEX IF NOT EXISTS meteaudata_points_time ON meteaudata_points (series_id, t);
