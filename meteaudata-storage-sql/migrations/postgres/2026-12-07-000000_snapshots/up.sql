-- Snapshots (issue 18); see the SQLite migration for the meaning of the columns.
CREATE TABLE IF NOT EXISTS meteaudata_snapshots (
    name TEXT NOT NULL PRIMARY KEY,
    created_ns BIGINT NOT NULL,
    document TEXT NOT NULL
);
