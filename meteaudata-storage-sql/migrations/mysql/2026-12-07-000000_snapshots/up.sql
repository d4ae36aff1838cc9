-- Snapshots (issue 18); see the SQLite migration for the meaning of the columns. Names
-- compare byte for byte (utf8mb4_bin): `A` and `a` are two snapshots, as on every backend.
CREATE TABLE IF NOT EXISTS meteaudata_snapshots (
    name VARCHAR(128) NOT NULL PRIMARY KEY,
    created_ns BIGINT NOT NULL,
    document LONGTEXT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
