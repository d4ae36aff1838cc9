DROP TABLE IF EXISTS meteaudata_versions;
ALTER TABLE meteaudata_series
    DROP COLUMN blocks_id,
    DROP COLUMN version_created_ns,
    DROP COLUMN content_hash,
    DROP COLUMN version;
