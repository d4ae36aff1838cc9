DROP VIEW IF EXISTS meteaudata_points;
DROP TABLE IF EXISTS meteaudata_positions;
