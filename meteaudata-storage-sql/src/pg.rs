//! PostgreSQL: points go in with one binary `COPY ... FROM STDIN` per save; reads run in
//! `REPEATABLE READ READ ONLY` transactions so that a reader sees one version whole.

use diesel::pg::CopyFormat;
use diesel::result::Error as DieselError;
use diesel::PgConnection;
use std::io::Write;

pub(crate) type Conn = PgConnection;
pub(crate) const NAME: &str = "postgresql";
const MIGRATIONS: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("migrations/postgres");

const PY_TABLES_SQL: &str = "SELECT COUNT(*)::BIGINT AS n FROM information_schema.tables WHERE table_name IN ('time_series_metadata', 'time_series_data') AND table_schema = ANY (current_schemas(false))";
const PY_KEYS_SQL: &str = "SELECT \"key\"::TEXT AS \"key\" FROM time_series_metadata";
const PY_META_SQL: &str =
    "SELECT metadata_json::TEXT AS metadata_json, series_name::TEXT AS series_name FROM time_series_metadata WHERE \"key\" = $1";
const PY_DATA_SQL: &str = "SELECT index_value::TEXT AS index_value, value::DOUBLE PRECISION AS value FROM time_series_data WHERE \"key\" = $1 ORDER BY idx";

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

fn write_tx<T>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E> {
    conn.transaction(f)
}

fn read_tx<T>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E> {
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(f)
}

fn upsert(conn: &mut Conn, h: &NewHeader<'_>) -> Result<i64, E> {
    // The row lock taken here serialises concurrent saves of one key: the later one waits, then
    // replaces the earlier one whole.
    Ok(diesel::insert_into(s::table)
        .values(h)
        .on_conflict(s::series_key)
        .do_update()
        .set((
            s::series_name.eq(h.series_name),
            s::n_points.eq(h.n_points),
            s::index_kind.eq(h.index_kind),
            s::index_dtype.eq(h.index_dtype),
            s::values_dtype.eq(h.values_dtype),
            s::layout.eq(h.layout),
            s::metadata_yaml.eq(h.metadata_yaml),
            s::updated_at.eq(diesel::dsl::now),
        ))
        .returning(s::id)
        .get_result(conn)?)
}

fn lock(conn: &mut Conn, key: &str) -> Result<Option<Header>, E> {
    Ok(s::table
        .filter(s::series_key.eq(key))
        .select((
            s::id,
            s::series_name,
            s::n_points,
            s::layout,
            s::metadata_yaml,
        ))
        .for_update()
        .first::<Header>(conn)
        .optional()?)
}

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

fn put_f64(buf: &mut Vec<u8>, x: Option<f64>) {
    put_i64(buf, x.map(|x| x.to_bits() as i64));
}

fn put_text(buf: &mut Vec<u8>, x: Option<&str>) -> Result<(), DieselError> {
    match x {
        Some(s) => {
            let n =
                i32::try_from(s.len()).map_err(|e| DieselError::SerializationError(Box::new(e)))?;
            buf.extend_from_slice(&n.to_be_bytes());
            buf.extend_from_slice(s.as_bytes());
        }
        None => buf.extend_from_slice(&(-1i32).to_be_bytes()),
    }
    Ok(())
}

/// Writes the points of `enc` (positions from `offset`) in the binary COPY format.
fn write_copy(
    out: &mut dyn Write,
    id: i64,
    offset: i64,
    enc: &Encoded<'_>,
) -> Result<(), DieselError> {
    let io = |e: std::io::Error| DieselError::SerializationError(Box::new(e));
    let mut buf = Vec::with_capacity(1 << 20);
    buf.extend_from_slice(COPY_SIGNATURE);
    buf.extend_from_slice(&0i32.to_be_bytes());
    buf.extend_from_slice(&0i32.to_be_bytes());
    for i in 0..enc.len() {
        let r = enc.row(i);
        buf.extend_from_slice(&8i16.to_be_bytes());
        put_i64(&mut buf, Some(id));
        put_i64(&mut buf, Some(offset + i as i64));
        put_i64(&mut buf, r.t);
        put_text(&mut buf, r.label)?;
        put_f64(&mut buf, r.v);
        put_i64(&mut buf, r.v_bits);
        put_i64(&mut buf, r.vi);
        put_text(&mut buf, r.vs)?;
        if buf.len() >= 1 << 20 {
            out.write_all(&buf).map_err(io)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(&(-1i16).to_be_bytes());
    out.write_all(&buf).map_err(io)?;
    Ok(())
}

fn insert_points(conn: &mut Conn, id: i64, offset: i64, enc: &Encoded<'_>) -> Result<(), E> {
    if enc.len() == 0 {
        return Ok(());
    }
    diesel::copy_from(p::table)
        .from_raw_data(
            (
                p::series_id,
                p::pos,
                p::t,
                p::label,
                p::v,
                p::v_bits,
                p::vi,
                p::vs,
            ),
            |out| write_copy(out, id, offset, enc),
        )
        .with_format(CopyFormat::Binary)
        .execute(conn)?;
    Ok(())
}

/// Size of both tables with their indexes and TOAST data.
pub(crate) fn size(conn: &mut Conn) -> Result<u64, E> {
    let rows: Vec<crate::ops::CountRow> = diesel::sql_query(
        "SELECT (pg_total_relation_size(to_regclass('meteaudata_series')) + pg_total_relation_size(to_regclass('meteaudata_points')))::BIGINT AS n",
    )
    .load(conn)?;
    Ok(rows.first().map_or(0, |r| r.n.max(0) as u64))
}
