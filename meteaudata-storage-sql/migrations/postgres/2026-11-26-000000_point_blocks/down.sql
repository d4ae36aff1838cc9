DROP TABLE IF EXISTS meteaudata_blocks;
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
