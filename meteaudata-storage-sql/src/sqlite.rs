//! SQLite: one file (or `:memory:`), WAL journal, prepared multi-row INSERT batches inside one
//! `BEGIN IMMEDIATE` transaction per save.

use diesel::connection::SimpleConnection;
use diesel::SqliteConnection;

pub(crate) type Conn = SqliteConnection;
pub(crate) const NAME: &str = "sqlite";
const MIGRATIONS: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("migrations/sqlite");

/// The stored keys as bytes, so that one undecodable key does not fail a whole listing.
const KEY_BYTES_SQL: &str = "CAST(series_key AS BLOB)";
const PY_TABLES_SQL: &str = "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('time_series_metadata', 'time_series_data')";
const PY_KEYS_SQL: &str = "SELECT \"key\" AS \"key\" FROM time_series_metadata";
const PY_META_SQL: &str =
    "SELECT metadata_json, series_name FROM time_series_metadata WHERE \"key\" = ?";
const PY_DATA_SQL: &str = "SELECT CAST(index_value AS TEXT) AS index_value, CAST(value AS REAL) AS value FROM time_series_data WHERE \"key\" = ? ORDER BY idx";

/// Python's own tables (its adapter's DDL; SQLite's REAL holds doubles).
const PY_CREATE_SQL: &str = "CREATE TABLE IF NOT EXISTS time_series_data (\"key\" TEXT NOT NULL, idx INTEGER NOT NULL, index_value TEXT NOT NULL, value REAL, PRIMARY KEY (\"key\", idx)); \
    CREATE INDEX IF NOT EXISTS idx_key ON time_series_data (\"key\"); \
    CREATE TABLE IF NOT EXISTS time_series_metadata (\"key\" TEXT PRIMARY KEY, metadata_json TEXT NOT NULL, series_name TEXT, length INTEGER, dtype TEXT)";
const PY_UPSERT_META_SQL: &str = "INSERT INTO time_series_metadata (\"key\", metadata_json, series_name, length, dtype) VALUES (?, ?, ?, ?, ?) \
    ON CONFLICT (\"key\") DO UPDATE SET metadata_json = excluded.metadata_json, series_name = excluded.series_name, length = excluded.length, dtype = excluded.dtype";
const PY_DELETE_DATA_SQL: &str = "DELETE FROM time_series_data WHERE \"key\" = ?";
const PY_DELETE_META_SQL: &str = "DELETE FROM time_series_metadata WHERE \"key\" = ?";
const PY_COUNT_SQL: &str = "SELECT COUNT(*) AS n FROM time_series_metadata WHERE \"key\" = ?";
const PY_INSERT_HEAD: &str =
    "INSERT INTO time_series_data (\"key\", idx, index_value, value) VALUES ";
const PY_CLEAR_SQL: &str = "DELETE FROM time_series_data; DELETE FROM time_series_metadata";
/// Placeholder `n` (from 1) of a statement.
fn param(_n: usize) -> String {
    "?".to_string()
}

/// How block rows are fetched.
type LoadMode = diesel::connection::DefaultLoadingMode;

crate::ops::common_ops!();

/// Opens `path` (`:memory:` for an in-memory database) with WAL and a busy timeout.
pub(crate) fn connect(path: &str) -> meteaudata_core::Result<Conn> {
    let mut conn = SqliteConnection::establish(path)
        .map_err(|e| meteaudata_core::Error::backend(NAME, format!("cannot open {path:?}"), e))?;
    // Files keep SQLite's temporary structures on disk: the commit of a chunked write moves
    // every staged block, and in memory that held the whole series (590 MB for 6·10^7 points).
    let pragmas = if path == ":memory:" {
        "PRAGMA busy_timeout = 60000; PRAGMA temp_store = MEMORY;"
    } else {
        "PRAGMA busy_timeout = 60000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA temp_store = FILE; PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;"
    };
    // Two processes opening a new database at once both switch it to WAL, and SQLite answers
    // one of them "database is locked" at once, without waiting for the busy timeout (the race
    // harness's `open` scenario lost a writer this way in most rounds): retried for as long as
    // the busy timeout would have waited.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut pause = std::time::Duration::from_millis(2);
    loop {
        match conn.batch_execute(pragmas) {
            Ok(()) => return Ok(conn),
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(200));
            }
            Err(e) => {
                return Err(meteaudata_core::Error::backend(
                    NAME,
                    format!("cannot set up {path:?}"),
                    e,
                ))
            }
        }
    }
}

/// Whether SQLite refused for a lock another connection holds.
fn is_busy(e: &diesel::result::Error) -> bool {
    let text = e.to_string();
    text.contains("database is locked") || text.contains("database is busy")
}

/// Nothing to wait for: SQLite's migrations run in transactions that take the database's
/// write lock (with the busy timeout).
fn migration_lock(_conn: &mut Conn) -> Result<(), E> {
    Ok(())
}

fn migration_unlock(_conn: &mut Conn) {}

fn write_tx<T>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E> {
    conn.immediate_transaction(f)
}

fn read_tx<T>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E> {
    conn.transaction(f)
}

fn lock(conn: &mut Conn, key: &str) -> Result<Option<Header>, E> {
    // The write transaction is BEGIN IMMEDIATE: the whole database is already locked.
    find(conn, key)
}

crate::inserts::insert_blocks!();

/// Database size: pages × page size (the whole file, whichever `tables`).
pub(crate) fn size(conn: &mut Conn, _tables: &[&str]) -> Result<u64, E> {
    let rows: Vec<crate::ops::CountRow> = diesel::sql_query(
        "SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()",
    )
    .load(conn)?;
    Ok(rows.first().map_or(0, |r| r.n.max(0) as u64))
}
