//! MySQL and MariaDB: multi-row INSERT batches inside one transaction per save. Sessions run
//! at READ COMMITTED (no gap locks between writers of different keys); reads use a
//! REPEATABLE READ snapshot. Keys are `VARBINARY`, so they compare byte for byte.

use diesel::MysqlConnection;

pub(crate) type Conn = MysqlConnection;
pub(crate) const NAME: &str = "mysql";
const MIGRATIONS: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("migrations/mysql");

/// The stored keys as bytes, so that one undecodable key does not fail a whole listing.
const KEY_BYTES_SQL: &str = "CAST(series_key AS BINARY)";
const PY_TABLES_SQL: &str = "SELECT CAST(COUNT(*) AS SIGNED) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('time_series_metadata', 'time_series_data')";
const PY_KEYS_SQL: &str = "SELECT CAST(`key` AS CHAR) AS `key` FROM time_series_metadata";
const PY_META_SQL: &str =
    "SELECT CAST(metadata_json AS CHAR) AS metadata_json, CAST(series_name AS CHAR) AS series_name FROM time_series_metadata WHERE `key` = ?";
const PY_DATA_SQL: &str = "SELECT CAST(index_value AS CHAR) AS index_value, CAST(value AS DOUBLE) AS value FROM time_series_data WHERE `key` = ? ORDER BY idx";

/// Python's own tables. Its adapter's DDL cannot run on MySQL (a `TEXT` primary key needs a
/// length), so keys are `VARCHAR(512)` compared byte for byte; once these exist, Python's
/// `CREATE TABLE IF NOT EXISTS` leaves them alone and its adapter works.
const PY_CREATE_SQL: &str = "CREATE TABLE IF NOT EXISTS time_series_data (`key` VARCHAR(512) NOT NULL, idx INTEGER NOT NULL, index_value LONGTEXT NOT NULL, value DOUBLE, PRIMARY KEY (`key`, idx)) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin; \
    CREATE INDEX IF NOT EXISTS idx_key ON time_series_data (`key`); \
    CREATE TABLE IF NOT EXISTS time_series_metadata (`key` VARCHAR(512) NOT NULL PRIMARY KEY, metadata_json LONGTEXT NOT NULL, series_name LONGTEXT, length INTEGER, dtype LONGTEXT) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin";
const PY_UPSERT_META_SQL: &str = "INSERT INTO time_series_metadata (`key`, metadata_json, series_name, length, dtype) VALUES (?, ?, ?, ?, ?) \
    ON DUPLICATE KEY UPDATE metadata_json = VALUES(metadata_json), series_name = VALUES(series_name), length = VALUES(length), dtype = VALUES(dtype)";
const PY_DELETE_DATA_SQL: &str = "DELETE FROM time_series_data WHERE `key` = ?";
const PY_DELETE_META_SQL: &str = "DELETE FROM time_series_metadata WHERE `key` = ?";
const PY_COUNT_SQL: &str =
    "SELECT CAST(COUNT(*) AS SIGNED) AS n FROM time_series_metadata WHERE `key` = ?";
const PY_INSERT_HEAD: &str =
    "INSERT INTO time_series_data (`key`, idx, index_value, value) VALUES ";
const PY_CLEAR_SQL: &str = "DELETE FROM time_series_data; DELETE FROM time_series_metadata";
/// Placeholder `n` (from 1) of a statement.
fn param(_n: usize) -> String {
    "?".to_string()
}

/// How block rows are fetched.
type LoadMode = diesel::connection::DefaultLoadingMode;

crate::ops::common_ops!();

/// Connects to `url` (`mysql://…`).
pub(crate) fn connect(url: &str) -> meteaudata_core::Result<Conn> {
    let mut conn = MysqlConnection::establish(url).map_err(|e| {
        meteaudata_core::Error::backend(
            NAME,
            format!("cannot connect to {}", crate::redact(url)),
            e,
        )
    })?;
    diesel::sql_query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
        .execute(&mut conn)
        .map_err(|e| meteaudata_core::Error::backend(NAME, "cannot set up the session", e))?;
    Ok(conn)
}

/// Waits (up to 10 minutes) for the other processes migrating this database.
fn migration_lock(conn: &mut Conn) -> Result<(), E> {
    let got: Vec<crate::ops::CountRow> = diesel::sql_query(
        "SELECT CAST(COALESCE(GET_LOCK(CONCAT('meteaudata_migrations.', MD5(DATABASE())), 600), 0) AS SIGNED) AS n",
    )
    .load(conn)?;
    if got.first().map(|r| r.n) != Some(1) {
        return Err(E::Md(meteaudata_core::Error::Backend {
            backend: NAME.to_string(),
            message: "timed out waiting for another process creating the tables".into(),
            source: None,
        }));
    }
    Ok(())
}

fn migration_unlock(conn: &mut Conn) {
    let _ =
        diesel::sql_query("SELECT RELEASE_LOCK(CONCAT('meteaudata_migrations.', MD5(DATABASE())))")
            .execute(conn);
}

fn write_tx<T>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E> {
    conn.transaction(f)
}

fn read_tx<T>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E> {
    // Applies to the next transaction only.
    diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(conn)?;
    conn.transaction(f)
}

crate::ops::row_lock!();

crate::inserts::insert_blocks!();

/// Size of both tables with their indexes (statistics refreshed first: InnoDB updates them
/// lazily).
pub(crate) fn size(conn: &mut Conn, tables: &[&str]) -> Result<u64, E> {
    // The names are ours (constants), never a user's.
    diesel::sql_query(format!("ANALYZE TABLE {}", tables.join(", "))).execute(conn)?;
    let names = tables
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows: Vec<crate::ops::CountRow> = diesel::sql_query(format!(
        "SELECT CAST(COALESCE(SUM(data_length + index_length), 0) AS SIGNED) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ({names})"
    ))
    .load(conn)?;
    Ok(rows.first().map_or(0, |r| r.n.max(0) as u64))
}
