DROP TABLE IF EXISTS meteaudata_versions;
ALTER TABLE meteaudata_series DROP COLUMN blocks_id;
ALTER TABLE meteaudata_series DROP COLUMN version_created_ns;
ALTER TABLE meteaudata_series DROP COLUMN content_hash;
ALTER TABLE meteaudata_series DROP COLUMN version;
