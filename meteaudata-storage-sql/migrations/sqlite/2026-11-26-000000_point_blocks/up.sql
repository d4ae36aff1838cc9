-- Points move from one row each to blocks of up to 1024 consecutive points of one series
-- (see the crate documentation, "The schema"). Databases of development builds that still
-- hold rows in meteaudata_points lose those points here (never released).
DROP TABLE IF EXISTS meteaudata_points;
-- `pos0`: position of the block's first point; `t_min`/`t_max`: smallest and largest time of
-- a datetime index in the block (NULL otherwise); `t`, `label`, `v`, `vi`, `vs`: the point
-- columns as BLOBs in the documented little-endian form (NULL when the series does not use
-- the column).
CREATE TABLE IF NOT EXISTS meteaudata_blocks (
    series_id BIGINT NOT NULL,
    pos0 BIGINT NOT NULL,
    n_points INTEGER NOT NULL,
    t_min BIGINT,
    t_max BIGINT,
    t BLOB,
    label BLOB,
    v BLOB,
    vi BLOB,
    vs BLOB,
    PRIMARY KEY (series_id, pos0)
);
CREATE INDEX IF NOT EXISTS meteaudata_blocks_time ON meteaudata_blocks (series_id, t_min, t_max);
