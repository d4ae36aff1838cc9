DROP TABLE IF EXISTS meteaudata_blocks;
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
