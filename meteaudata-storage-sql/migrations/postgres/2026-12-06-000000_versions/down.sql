DROP TABLE IF EXISTS meteaudata_versions;
ALTER TABLE meteaudata_series DROP COLUMN IF EXISTS blocks_id;
ALTER TABLE meteaudata_series DROP COLUMN IF EXISTS version_created_ns;
ALTER TABLE meteaudata_series DROP COLUMN IF EXISTS content_hash;
ALTER TABLE meteaudata_series DROP COLUMN IF EXISTS version;
