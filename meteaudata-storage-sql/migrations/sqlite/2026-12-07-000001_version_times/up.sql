-- Rows saved before versions have no version time (version_created_ns NULL): their version
-- was made by their last save, `updated_at` (UTC, to the second here).
UPDATE meteaudata_series
SET version_created_ns = CAST(strftime('%s', updated_at) AS INTEGER) * 1000000000
WHERE version_created_ns IS NULL AND strftime('%s', updated_at) IS NOT NULL;
