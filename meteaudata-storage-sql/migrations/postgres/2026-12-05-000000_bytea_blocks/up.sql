-- The point columns change from typed arrays to BYTEA in the crate's block encoding (the
-- one SQLite and MySQL already use; see `blob.rs`): PostgreSQL sends a BYTEA as it is
-- stored, while an array goes out element by element through each element's send function,
-- which was most of the time of a load (10^7 points: 0.53 s of server time for the arrays,
-- 0.08 s for the same bytes as BYTEA).
--
-- Blocks written by earlier versions are converted here, bit for bit: floats go through
-- float8send (their IEEE bits, NaN payloads included), NULL entries become a validity
-- bitmap. The helper functions live in pg_temp and end with the session.

-- The literals below are written for standard_conforming_strings = on (the default).
SET LOCAL standard_conforming_strings = on;

-- Little-endian order of a big-endian 8-byte or 4-byte value.
CREATE FUNCTION pg_temp.md_le(b bytea) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT string_agg(substr(b, i, 1), ''::bytea ORDER BY i DESC)
    FROM generate_series(1, length(b)) AS i
$$;

-- Tag, NULL flag, entry count and (when an entry is NULL) the validity bitmap of `valid`.
CREATE FUNCTION pg_temp.md_head(tag bytea, valid boolean[]) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT tag
        || CASE WHEN bool_and(x) IS NOT FALSE THEN '\x00'::bytea ELSE '\x01'::bytea END
        || pg_temp.md_le(int4send(cardinality(valid)))
        || CASE WHEN bool_and(x) IS NOT FALSE THEN ''::bytea ELSE (
            SELECT string_agg(set_byte('\x00'::bytea, 0, bits), ''::bytea ORDER BY g)
            FROM (
                SELECT (i - 1) / 8 AS g,
                       sum(CASE WHEN ok THEN 1 << ((i - 1) % 8)::int ELSE 0 END)::int AS bits
                FROM unnest(valid) WITH ORDINALITY AS e(ok, i)
                GROUP BY 1
            ) AS groups
        ) END
    FROM unnest(valid) AS x
$$;

CREATE FUNCTION pg_temp.md_i64(a bigint[]) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT pg_temp.md_head('\x69'::bytea, (SELECT array_agg(x IS NOT NULL ORDER BY i) FROM unnest(a) WITH ORDINALITY AS e(x, i)))
        || coalesce((SELECT string_agg(pg_temp.md_le(int8send(coalesce(x, 0))), ''::bytea ORDER BY i)
                     FROM unnest(a) WITH ORDINALITY AS e(x, i)), ''::bytea)
$$;

CREATE FUNCTION pg_temp.md_f64(a double precision[]) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT pg_temp.md_head('\x66'::bytea, (SELECT array_agg(x IS NOT NULL ORDER BY i) FROM unnest(a) WITH ORDINALITY AS e(x, i)))
        || coalesce((SELECT string_agg(CASE WHEN x IS NULL THEN '\x0000000000000000'::bytea
                                            ELSE pg_temp.md_le(float8send(x)) END, ''::bytea ORDER BY i)
                     FROM unnest(a) WITH ORDINALITY AS e(x, i)), ''::bytea)
$$;

CREATE FUNCTION pg_temp.md_text(a text[]) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT pg_temp.md_head('\x73'::bytea, (SELECT array_agg(x IS NOT NULL ORDER BY i) FROM unnest(a) WITH ORDINALITY AS e(x, i)))
        || '\x00000000'::bytea
        || coalesce((SELECT string_agg(pg_temp.md_le(int4send(ends::int)), ''::bytea ORDER BY i)
                     FROM (SELECT i, sum(octet_length(convert_to(coalesce(x, ''), 'UTF8'))) OVER (ORDER BY i) AS ends
                           FROM unnest(a) WITH ORDINALITY AS e(x, i)) AS o), ''::bytea)
        || coalesce((SELECT string_agg(convert_to(coalesce(x, ''), 'UTF8'), ''::bytea ORDER BY i)
                     FROM unnest(a) WITH ORDINALITY AS e(x, i)), ''::bytea)
$$;

ALTER TABLE meteaudata_blocks
    ALTER COLUMN t TYPE BYTEA USING pg_temp.md_i64(t),
    ALTER COLUMN label TYPE BYTEA USING pg_temp.md_text(label),
    ALTER COLUMN v TYPE BYTEA USING pg_temp.md_f64(v),
    ALTER COLUMN vi TYPE BYTEA USING pg_temp.md_i64(vi),
    ALTER COLUMN vs TYPE BYTEA USING pg_temp.md_text(vs);

-- Every column starts with its tag: a build from before this migration (which would write
-- typed arrays into these columns) fails loudly instead of storing what no reader decodes.
ALTER TABLE meteaudata_blocks
    ADD CONSTRAINT meteaudata_blocks_t_tag CHECK (t IS NULL OR get_byte(t, 0) = 105),
    ADD CONSTRAINT meteaudata_blocks_label_tag CHECK (label IS NULL OR get_byte(label, 0) = 115),
    ADD CONSTRAINT meteaudata_blocks_v_tag CHECK (v IS NULL OR get_byte(v, 0) = 102),
    ADD CONSTRAINT meteaudata_blocks_vi_tag CHECK (vi IS NULL OR get_byte(vi, 0) = 105),
    ADD CONSTRAINT meteaudata_blocks_vs_tag CHECK (vs IS NULL OR get_byte(vs, 0) = 115);

-- Numbers compress poorly: store them out of line without trying.
ALTER TABLE meteaudata_blocks
    ALTER COLUMN t SET STORAGE EXTERNAL,
    ALTER COLUMN v SET STORAGE EXTERNAL,
    ALTER COLUMN vi SET STORAGE EXTERNAL;

DROP FUNCTION pg_temp.md_text(text[]);
DROP FUNCTION pg_temp.md_f64(double precision[]);
DROP FUNCTION pg_temp.md_i64(bigint[]);
DROP FUNCTION pg_temp.md_head(bytea, boolean[]);
DROP FUNCTION pg_temp.md_le(bytea);
