-- Versions (issue 18); see the SQLite migration for the meaning of the columns.
ALTER TABLE meteaudata_series ADD COLUMN IF NOT EXISTS version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE meteaudata_series ADD COLUMN IF NOT EXISTS content_hash TEXT;
ALTER TABLE meteaudata_series ADD COLUMN IF NOT EXISTS version_created_ns BIGINT;
ALTER TABLE meteaudata_series ADD COLUMN IF NOT EXISTS blocks_id BIGINT NOT NULL DEFAULT 0;
UPDATE meteaudata_series SET blocks_id = id;
CREATE TABLE IF NOT EXISTS meteaudata_versions (
    series_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    blocks_id BIGINT NOT NULL,
    series_name TEXT NOT NULL,
    n_points BIGINT NOT NULL,
    layout TEXT NOT NULL,
    metadata_yaml TEXT NOT NULL,
    content_hash TEXT,
    created_ns BIGINT,
    PRIMARY KEY (series_key, version)
);
