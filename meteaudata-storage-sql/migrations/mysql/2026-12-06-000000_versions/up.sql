-- Versions (issue 18); see the SQLite migration for the meaning of the columns.
ALTER TABLE meteaudata_series
    ADD COLUMN version BIGINT NOT NULL DEFAULT 1,
    ADD COLUMN content_hash VARCHAR(64) NULL,
    ADD COLUMN version_created_ns BIGINT NULL,
    ADD COLUMN blocks_id BIGINT NOT NULL DEFAULT 0;
UPDATE meteaudata_series SET blocks_id = id;
CREATE TABLE IF NOT EXISTS meteaudata_versions (
    series_key VARBINARY(512) NOT NULL,
    version BIGINT NOT NULL,
    blocks_id BIGINT NOT NULL,
    series_name LONGTEXT NOT NULL,
    n_points BIGINT NOT NULL,
    layout LONGTEXT NOT NULL,
    metadata_yaml LONGTEXT NOT NULL,
    content_hash VARCHAR(64) NULL,
    created_ns BIGINT NULL,
    PRIMARY KEY (series_key, version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
