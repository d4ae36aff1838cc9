-- Back to typed arrays. SQL cannot turn IEEE bits back into a double, so the points are not
-- converted: reverting deletes every stored series (it runs only when all the tables are
-- dropped).
DELETE FROM meteaudata_blocks;
ALTER TABLE meteaudata_blocks
    DROP CONSTRAINT IF EXISTS meteaudata_blocks_t_tag,
    DROP CONSTRAINT IF EXISTS meteaudata_blocks_label_tag,
    DROP CONSTRAINT IF EXISTS meteaudata_blocks_v_tag,
    DROP CONSTRAINT IF EXISTS meteaudata_blocks_vi_tag,
    DROP CONSTRAINT IF EXISTS meteaudata_blocks_vs_tag;
DELETE FROM meteaudata_series;
ALTER TABLE meteaudata_blocks
    ALTER COLUMN t TYPE BIGINT[] USING NULL,
    ALTER COLUMN label TYPE TEXT[] USING NULL,
    ALTER COLUMN v TYPE DOUBLE PRECISION[] USING NULL,
    ALTER COLUMN vi TYPE BIGINT[] USING NULL,
    ALTER COLUMN vs TYPE TEXT[] USING NULL;
