//! PostgreSQL: point blocks (BYTEA columns in the block encoding of [`crate::blob`]) go in
//! with one binary `COPY ... FROM STDIN` per save; reads run in `REPEATABLE READ READ ONLY` transactions so that a reader sees one
//! version whole.

use diesel::pg::CopyFormat;
use diesel::result::Error as DieselError;
use diesel::PgConnection;
use std::io::Write;

use crate::blob;
use crate::block::spans;

pub(crate) type Conn = PgConnection;
pub(crate) const NAME: &str = "postgresql";
const MIGRATIONS: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("migrations/postgres");

/// The stored keys as bytes, so that one undecodable key does not fail a whole listing.
const KEY_BYTES_SQL: &str = "convert_to(series_key, 'UTF8')";
const PY_TABLES_SQL: &str = "SELECT COUNT(*)::BIGINT AS n FROM information_schema.tables WHERE table_name IN ('time_series_metadata', 'time_series_data') AND table_schema = ANY (current_schemas(false))";
const PY_KEYS_SQL: &str = "SELECT \"key\"::TEXT AS \"key\" FROM time_series_metadata";
const PY_META_SQL: &str =
    "SELECT metadata_json::TEXT AS metadata_json, series_name::TEXT AS series_name FROM time_series_metadata WHERE \"key\" = $1";
const PY_DATA_SQL: &str = "SELECT index_value::TEXT AS index_value, value::DOUBLE PRECISION AS value FROM time_series_data WHERE \"key\" = $1 ORDER BY idx";

/// Python's own tables (its adapter's DDL, but `DOUBLE PRECISION` values: PostgreSQL's
/// `REAL` is single precision).
const PY_CREATE_SQL: &str = "CREATE TABLE IF NOT EXISTS time_series_data (\"key\" TEXT NOT NULL, idx INTEGER NOT NULL, index_value TEXT NOT NULL, value DOUBLE PRECISION, PRIMARY KEY (\"key\", idx)); \
    CREATE INDEX IF NOT EXISTS idx_key ON time_series_data (\"key\"); \
    CREATE TABLE IF NOT EXISTS time_series_metadata (\"key\" TEXT PRIMARY KEY, metadata_json TEXT NOT NULL, series_name TEXT, length INTEGER, dtype TEXT)";
const PY_UPSERT_META_SQL: &str = "INSERT INTO time_series_metadata (\"key\", metadata_json, series_name, length, dtype) VALUES ($1, $2, $3, $4, $5) \
    ON CONFLICT (\"key\") DO UPDATE SET metadata_json = excluded.metadata_json, series_name = excluded.series_name, length = excluded.length, dtype = excluded.dtype";
const PY_DELETE_DATA_SQL: &str = "DELETE FROM time_series_data WHERE \"key\" = $1";
const PY_DELETE_META_SQL: &str = "DELETE FROM time_series_metadata WHERE \"key\" = $1";
const PY_COUNT_SQL: &str =
    "SELECT COUNT(*)::BIGINT AS n FROM time_series_metadata WHERE \"key\" = $1";
const PY_INSERT_HEAD: &str =
    "INSERT INTO time_series_data (\"key\", idx, index_value, value) VALUES ";
const PY_CLEAR_SQL: &str = "DELETE FROM time_series_data; DELETE FROM time_series_metadata";
/// Placeholder `n` (from 1) of a statement.
fn param(n: usize) -> String {
    format!("${n}")
}

/// How block rows are fetched: one row at a time (the whole result is not buffered by libpq).
type LoadMode = diesel::pg::PgRowByRowLoadingMode;

crate::ops::common_ops!();

/// Connects to `url` (a libpq URL).
pub(crate) fn connect(url: &str) -> meteaudata_core::Result<Conn> {
    PgConnection::establish(url).map_err(|e| {
        meteaudata_core::Error::backend(
            NAME,
            format!("cannot connect to {}", crate::redact(url)),
            e,
        )
    })
}

/// The advisory lock held while the tables are created or migrated (a constant of ours).
const MIGRATION_LOCK: i64 = 0x6d65_7465_6175_6461; // "meteauda"

/// Waits (up to 10 minutes) for the other processes migrating this database.
fn migration_lock(conn: &mut Conn) -> Result<(), E> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("SET lock_timeout = '600s'")?;
    let locked = diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
        .execute(conn);
    conn.batch_execute("RESET lock_timeout")?;
    locked?;
    Ok(())
}

fn migration_unlock(conn: &mut Conn) {
    let _ = diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
        .execute(conn);
}

fn write_tx<T>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E> {
    conn.transaction(f)
}

fn read_tx<T>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E> {
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(f)
}

crate::ops::row_lock!();

/// The PostgreSQL binary COPY signature.
const COPY_SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

fn put_i64(buf: &mut Vec<u8>, x: Option<i64>) {
    match x {
        Some(x) => {
            buf.extend_from_slice(&8i32.to_be_bytes());
            buf.extend_from_slice(&x.to_be_bytes());
        }
        None => buf.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

fn put_i32(buf: &mut Vec<u8>, x: i32) {
    buf.extend_from_slice(&4i32.to_be_bytes());
    buf.extend_from_slice(&x.to_be_bytes());
}

fn too_large(what: &str) -> DieselError {
    DieselError::SerializationError(format!("{what} too large for one COPY field").into())
}

/// Writes one BYTEA field (length prefix and bytes), or NULL when the series does not use the
/// column (`None`).
fn put_bytes(buf: &mut Vec<u8>, bytes: Option<Vec<u8>>) -> Result<(), DieselError> {
    match bytes {
        Some(b) => {
            let n = i32::try_from(b.len()).map_err(|_| too_large("block"))?;
            buf.extend_from_slice(&n.to_be_bytes());
            buf.extend_from_slice(&b);
        }
        None => buf.extend_from_slice(&(-1i32).to_be_bytes()),
    }
    Ok(())
}

/// Writes the blocks of `rows` (positions from `pos0`) in the binary COPY format, each point
/// column in the block encoding of [`crate::blob`].
fn write_copy(
    out: &mut dyn Write,
    id: i64,
    pos0: i64,
    rows: &impl Rows,
    layout: &Layout,
) -> Result<(), DieselError> {
    let io = |e: std::io::Error| DieselError::SerializationError(Box::new(e));
    let enc = |e: meteaudata_core::Error| DieselError::SerializationError(Box::new(e));
    let cols = Columns::of(layout);
    let mut buf = Vec::with_capacity(1 << 20);
    buf.extend_from_slice(COPY_SIGNATURE);
    buf.extend_from_slice(&0i32.to_be_bytes());
    buf.extend_from_slice(&0i32.to_be_bytes());
    for span in spans(rows, layout) {
        buf.extend_from_slice(&10i16.to_be_bytes());
        put_i64(&mut buf, Some(id));
        put_i64(&mut buf, Some(pos0 + span.start as i64));
        put_i32(
            &mut buf,
            i32::try_from(span.len()).map_err(|_| too_large("block"))?,
        );
        put_i64(&mut buf, span.t_min);
        put_i64(&mut buf, span.t_max);
        let columns = [
            cols.t.then(|| blob::encode_i64(rows, span, |r| r.t)),
            cols.label
                .then(|| blob::encode_text(rows, span, |r| r.label)),
            cols.v.then(|| blob::encode_f64(rows, span)),
            cols.vi.then(|| blob::encode_i64(rows, span, |r| r.vi)),
            cols.vs.then(|| blob::encode_text(rows, span, |r| r.vs)),
        ];
        for column in columns {
            put_bytes(&mut buf, column.transpose().map_err(enc)?)?;
        }
        if buf.len() >= 1 << 20 {
            out.write_all(&buf).map_err(io)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(&(-1i16).to_be_bytes());
    out.write_all(&buf).map_err(io)?;
    Ok(())
}

fn insert_blocks(
    conn: &mut Conn,
    id: i64,
    pos0: i64,
    rows: &impl Rows,
    layout: &Layout,
) -> Result<(), E> {
    if rows.len() == 0 {
        return Ok(());
    }
    diesel::copy_from(b::table)
        .from_raw_data(
            (
                b::series_id,
                b::pos0,
                b::n_points,
                b::t_min,
                b::t_max,
                b::t,
                b::label,
                b::v,
                b::vi,
                b::vs,
            ),
            |out| write_copy(out, id, pos0, rows, layout),
        )
        .with_format(CopyFormat::Binary)
        .execute(conn)?;
    Ok(())
}

/// Size of both tables with their indexes and TOAST data.
pub(crate) fn size(conn: &mut Conn, tables: &[&str]) -> Result<u64, E> {
    // The names are ours (constants), never a user's.
    let sum = tables
        .iter()
        .map(|t| format!("COALESCE(pg_total_relation_size(to_regclass('{t}')), 0)"))
        .collect::<Vec<_>>()
        .join(" + ");
    let rows: Vec<crate::ops::CountRow> =
        diesel::sql_query(format!("SELECT ({sum})::BIGINT AS n")).load(conn)?;
    Ok(rows.first().map_or(0, |r| r.n.max(0) as u64))
}
