-- Snapshots (issue 18): a named set of key → version. `document` is the snapshot's JSON
-- document (meteaudata_core::storage::Snapshot::to_json); `created_ns` its time in UTC
-- nanoseconds. The primary key makes a name usable once: of two writers, one inserts.
CREATE TABLE IF NOT EXISTS meteaudata_snapshots (
    name TEXT NOT NULL PRIMARY KEY,
    created_ns BIGINT NOT NULL,
    document TEXT NOT NULL
);
