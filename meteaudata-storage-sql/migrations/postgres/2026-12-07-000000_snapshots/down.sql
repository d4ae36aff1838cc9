DROP TABLE IF EXISTS meteaudata_snapshots;
