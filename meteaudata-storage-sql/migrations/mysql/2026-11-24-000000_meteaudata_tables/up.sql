-- One row per stored series. Keys are VARBINARY so that they compare byte for byte (no case
-- folding, no trailing-space padding).
CREATE TABLE IF NOT EXISTS meteaudata_series (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    series_key VARBINARY(512) NOT NULL UNIQUE,
    series_name LONGTEXT NOT NULL,
    n_points BIGINT NOT NULL,
    index_kind VARCHAR(32) NOT NULL,
    index_dtype VARCHAR(255) NOT NULL,
    values_dtype VARCHAR(255) NOT NULL,
    layout LONGTEXT NOT NULL,
    metadata_yaml LONGTEXT NOT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
-- One row per point; see the SQLite migration for the meaning of the columns.
CREATE TABLE IF NOT EXISTS meteaudata_points (
    series_id BIGINT NOT NULL,
    pos BIGINT NOT NULL,
    t BIGINT NULL,
    label LONGTEXT NULL,
    v DOUBLE NULL,
    v_bits BIGINT NULL,
    vi BIGINT NULL,
    vs LONGTEXT NULL,
    PRIMARY KEY (series_id, pos),
    INDEX meteaudata_points_time (series_id, t)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
