-- Rows saved before versions have no version time (version_created_ns NULL): their version
-- was made by their last save, `updated_at` (to the microsecond).
UPDATE meteaudata_series
SET version_created_ns = CAST(UNIX_TIMESTAMP(updated_at) * 1000000 AS SIGNED) * 1000
WHERE version_created_ns IS NULL;
