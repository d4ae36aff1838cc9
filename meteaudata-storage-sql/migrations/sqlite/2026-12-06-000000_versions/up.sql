-- Versions (issue 18). The current version of a key stays its meteaudata_series row, which
-- now records its number, content hash (64 hex digits) and save time (UTC nanoseconds); rows
-- saved before this migration are version 1, their hash computed when first listed.
ALTER TABLE meteaudata_series ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE meteaudata_series ADD COLUMN content_hash TEXT;
ALTER TABLE meteaudata_series ADD COLUMN version_created_ns BIGINT;
-- The id the current version's blocks are stored under: the row's own id for rows saved
-- before versions, afterwards a fresh negative id per version (a save writes new blocks and
-- points the row at them; the old blocks stay where they are, for the older version).
ALTER TABLE meteaudata_series ADD COLUMN blocks_id BIGINT NOT NULL DEFAULT 0;
UPDATE meteaudata_series SET blocks_id = id;
-- Older versions: one row each, whose points are the blocks under `blocks_id`.
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
