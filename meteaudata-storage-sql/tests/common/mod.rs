//! Test helpers: isolated backends for every database (a temp file, a fresh PostgreSQL schema,
//! a fresh MariaDB database), the server URLs from the environment, and the CI rule (a missing
//! URL skips on a laptop, fails in CI).
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{Capabilities, StorageBackend, StorageKey, Stored, TimeRange};
use meteaudata_core::{Result, Series};
use meteaudata_storage_sql::SqlBackend;

/// Whether we run in CI (`CI=true`), where a missing server is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The URL in `var`, or `None` (with a message) on a laptop; panics in CI.
pub fn server_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ if in_ci() => {
            panic!("{var} is not set but CI=true: the CI script must export it (see .ci/run)")
        }
        _ => {
            eprintln!("skipping: {var} is not set (set it to run the server tests)");
            None
        }
    }
}

/// A name no other test uses: `t_<pid>_<nanos>_<n>`.
pub fn unique_name() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() % 1_000_000_000_000);
    format!(
        "t_{}_{t}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Where an isolated database lives, to drop it afterwards.
#[derive(Debug)]
enum Place {
    Dir(tempfile::TempDir),
    PgSchema { admin_url: String, schema: String },
    MysqlDb { admin_url: String, db: String },
    Nothing,
}

/// A backend in its own place, removed when dropped.
#[derive(Debug)]
pub struct Isolated {
    inner: Option<SqlBackend>,
    /// Python's layout on the same database, when the tests use it instead.
    python: Option<meteaudata_storage_sql::PythonSqlBackend>,
    place: Place,
    pub url: String,
}

impl Isolated {
    pub fn backend(&self) -> &SqlBackend {
        self.inner.as_ref().expect("present until drop")
    }

    /// The same database, used through Python meteaudata's own tables.
    pub fn python_layout(mut self) -> Isolated {
        // A private in-memory database is reachable only through its own connection.
        assert!(
            !self.url.ends_with(":memory:"),
            "Python's layout needs a database a second connection can open"
        );
        let python =
            meteaudata_storage_sql::PythonSqlBackend::connect(&self.url).expect("Python layout");
        self.python = Some(python);
        self
    }

    /// What the storage calls go to.
    fn active(&self) -> &dyn StorageBackend {
        match &self.python {
            Some(p) => p,
            None => self.backend(),
        }
    }
}

impl Drop for Isolated {
    fn drop(&mut self) {
        drop(self.python.take());
        drop(self.inner.take());
        match &self.place {
            Place::PgSchema { admin_url, schema } => {
                let _ = admin_exec_pg(
                    admin_url,
                    &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
                );
            }
            Place::MysqlDb { admin_url, db } => {
                let _ = admin_exec_mysql(admin_url, &format!("DROP DATABASE IF EXISTS {db}"));
            }
            Place::Dir(_) | Place::Nothing => {}
        }
    }
}

#[cfg(not(feature = "postgres"))]
fn admin_exec_pg(_url: &str, _sql: &str) -> std::result::Result<(), String> {
    Err("the postgres feature is off".into())
}

#[cfg(not(feature = "mysql"))]
fn admin_exec_mysql(_url: &str, _sql: &str) -> std::result::Result<(), String> {
    Err("the mysql feature is off".into())
}

#[cfg(feature = "postgres")]
fn admin_exec_pg(url: &str, sql: &str) -> std::result::Result<(), String> {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let mut c = diesel::PgConnection::establish(url).map_err(|e| e.to_string())?;
    c.batch_execute(sql).map_err(|e| e.to_string())
}

#[cfg(feature = "mysql")]
fn admin_exec_mysql(url: &str, sql: &str) -> std::result::Result<(), String> {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let url = url.replacen("mysql+pymysql://", "mysql://", 1);
    let mut c = diesel::MysqlConnection::establish(&url).map_err(|e| e.to_string())?;
    c.batch_execute(sql).map_err(|e| e.to_string())
}

/// Runs SQL on the database of a PostgreSQL URL; the error text if it fails.
pub fn pg_try(url: &str, sql: &str) -> std::result::Result<(), String> {
    admin_exec_pg(url, sql)
}

/// Runs SQL on the database of a PostgreSQL URL.
pub fn pg_exec(url: &str, sql: &str) {
    admin_exec_pg(url, sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Runs SQL on the database of a MySQL URL.
pub fn mysql_exec(url: &str, sql: &str) {
    admin_exec_mysql(url, sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A SQLite file in a fresh temporary directory.
pub fn sqlite_file() -> Isolated {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:///{}", dir.path().join("test.db").display());
    let inner = SqlBackend::connect(&url).expect("open sqlite file");
    Isolated {
        inner: Some(inner),
        python: None,
        place: Place::Dir(dir),
        url,
    }
}

/// A private in-memory SQLite database.
pub fn sqlite_memory() -> Isolated {
    let url = "sqlite:///:memory:".to_string();
    Isolated {
        inner: Some(SqlBackend::connect(&url).expect("open sqlite memory")),
        python: None,
        place: Place::Nothing,
        url,
    }
}

/// `url` with `search_path` set to `schema` (libpq `options`).
pub fn pg_url_with_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// A fresh schema in the PostgreSQL database of `METEAUDATA_PG_URL`.
pub fn postgres() -> Option<Isolated> {
    let admin_url = server_url("METEAUDATA_PG_URL")?;
    let schema = unique_name();
    pg_exec(&admin_url, &format!("CREATE SCHEMA {schema}"));
    let url = pg_url_with_schema(&admin_url, &schema);
    let inner = SqlBackend::connect(&url).expect("connect to PostgreSQL");
    Some(Isolated {
        inner: Some(inner),
        python: None,
        place: Place::PgSchema { admin_url, schema },
        url,
    })
}

/// `url` naming database `db` instead of its own.
pub fn mysql_url_with_db(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host = match path_start {
        Some(i) => &base[..i],
        None => base,
    };
    format!("{host}/{db}{query}")
}

/// A fresh database on the MySQL/MariaDB server of `METEAUDATA_MYSQL_URL`.
pub fn mysql() -> Option<Isolated> {
    let admin_url = server_url("METEAUDATA_MYSQL_URL")?;
    let db = unique_name();
    mysql_exec(
        &admin_url,
        &format!("CREATE DATABASE {db} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
    );
    let url = mysql_url_with_db(&admin_url, &db);
    let inner = SqlBackend::connect(&url).expect("connect to MySQL");
    Some(Isolated {
        inner: Some(inner),
        python: None,
        place: Place::MysqlDb { admin_url, db },
        url,
    })
}

impl StorageBackend for Isolated {
    fn backend_type(&self) -> &str {
        self.active().backend_type()
    }
    fn capabilities(&self) -> Capabilities {
        self.active().capabilities()
    }
    fn save(&self, key: &StorageKey, series: &Series, metadata: &TimeSeriesMetadata) -> Result<()> {
        self.active().save(key, series, metadata)
    }
    fn load(&self, key: &StorageKey) -> Result<Stored> {
        self.active().load(key)
    }
    fn load_range(&self, key: &StorageKey, range: TimeRange) -> Result<Stored> {
        self.active().load_range(key, range)
    }
    fn append(&self, key: &StorageKey, more: &Series) -> Result<()> {
        self.active().append(key, more)
    }
    // Every method the backend implements is delegated: a default here would test the
    // trait's fallback instead of the backend.
    fn load_metadata(&self, key: &StorageKey) -> Result<TimeSeriesMetadata> {
        self.active().load_metadata(key)
    }
    fn scan(
        &self,
        key: &StorageKey,
        range: TimeRange,
        chunk_points: usize,
    ) -> Result<meteaudata_core::storage::SeriesScan<'_>> {
        self.active().scan(key, range, chunk_points)
    }
    fn writer(
        &self,
        key: &StorageKey,
    ) -> Result<Box<dyn meteaudata_core::storage::SeriesWriter + '_>> {
        self.active().writer(key)
    }
    fn create(
        &self,
        key: &StorageKey,
        series: &Series,
        metadata: &TimeSeriesMetadata,
    ) -> Result<()> {
        self.active().create(key, series, metadata)
    }
    fn create_writer(
        &self,
        key: &StorageKey,
    ) -> Result<Box<dyn meteaudata_core::storage::SeriesWriter + '_>> {
        self.active().create_writer(key)
    }
    fn exists(&self, key: &StorageKey) -> Result<bool> {
        self.active().exists(key)
    }
    fn delete(&self, key: &StorageKey) -> Result<()> {
        self.active().delete(key)
    }
    fn list_keys(&self) -> Result<Vec<StorageKey>> {
        self.active().list_keys()
    }
    fn clear(&self) -> Result<()> {
        self.active().clear()
    }
    fn cleanup(&self) -> Result<()> {
        self.active().cleanup()
    }
    fn size_on_disk(&self) -> Result<Option<u64>> {
        self.active().size_on_disk()
    }
    fn list_versions(
        &self,
        key: &StorageKey,
    ) -> Result<Vec<meteaudata_core::storage::VersionInfo>> {
        self.active().list_versions(key)
    }
    fn load_version(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        self.active().load_version(key, version)
    }
    fn save_snapshot(&self, snapshot: &meteaudata_core::storage::Snapshot) -> Result<()> {
        self.active().save_snapshot(snapshot)
    }
    fn load_snapshot(&self, name: &str) -> Result<meteaudata_core::storage::Snapshot> {
        self.active().load_snapshot(name)
    }
    fn list_snapshots(&self) -> Result<Vec<String>> {
        self.active().list_snapshots()
    }
    fn delete_snapshot(&self, name: &str) -> Result<()> {
        self.active().delete_snapshot(name)
    }
    fn prune_versions(
        &self,
        key: &StorageKey,
        retention: meteaudata_core::storage::Retention,
    ) -> Result<Vec<u64>> {
        self.active().prune_versions(key, retention)
    }
}

/// Counts the conformance cases run against one database and says so.
pub fn count_case(database: &str, counter: &AtomicU64) {
    let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
    eprintln!(
        "{database}: conformance case {n} of {} in this process",
        meteaudata_testkit::cases::ALL.len()
    );
}

/// A count read back by [`count`].
#[derive(Debug, diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Runs `sql` (statements, then a query whose one row has a BIGINT column `n`) on the
/// database an isolated backend uses.
pub fn count(b: &Isolated, sql: &str) -> i64 {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, RunQueryDsl};
    let (setup, query) = sql.rsplit_once(';').map_or(("", sql), |(a, q)| (a, q));
    macro_rules! run {
        ($conn:expr) => {{
            let mut c = $conn;
            if !setup.trim().is_empty() {
                c.batch_execute(setup)
                    .unwrap_or_else(|e| panic!("{setup}: {e}"));
            }
            let rows: Vec<Count> = diesel::sql_query(query)
                .load(&mut c)
                .unwrap_or_else(|e| panic!("{query}: {e}"));
            rows[0].n
        }};
    }
    let url = b.url.as_str();
    #[cfg(feature = "sqlite")]
    if let Some(path) = url.strip_prefix("sqlite:///") {
        return run!(diesel::SqliteConnection::establish(path).expect("open"));
    }
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        return run!(diesel::PgConnection::establish(url).expect("connect"));
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        return run!(diesel::MysqlConnection::establish(url).expect("connect"));
    }
    panic!("no SQL access to {url} in this build");
}

/// Runs `tests/python/<script>` with the reference interpreter (`METEAUDATA_PYTHON`, Python
/// meteaudata 0.12.1) and `args`; `None` (skip, with a message) without one, a panic with
/// Python's error output when the script fails.
pub fn run_python(script: &str, args: &[&std::path::Path]) -> Option<()> {
    let python = meteaudata_testkit::python_reference()?;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(script);
    let out = std::process::Command::new(&python)
        .arg(&path)
        .args(args)
        .output()
        .expect("run Python");
    assert!(
        out.status.success(),
        "{script} failed (it needs meteaudata 0.12.1 and SQLAlchemy):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(())
}

/// A SQLite database in `dir` written by Python meteaudata's own SQL backend
/// (`make_python_sql_db.py`), and what Python loads back from it, key by key.
pub fn python_written_db(dir: &std::path::Path) -> Option<(std::path::PathBuf, serde_json::Value)> {
    let db = dir.join("python.db");
    let expected = dir.join("expected.json");
    run_python("make_python_sql_db.py", &[&db, &expected])?;
    let text = std::fs::read_to_string(&expected).expect("read");
    Some((db, serde_json::from_str(&text).expect("json")))
}

/// Checks a series we read from Python's tables against what Python itself loaded (`e`: name,
/// values with NaN as null, index type, `str()` of datetime labels).
pub fn check_python_series(
    k: &str,
    series: &Series,
    meta: &TimeSeriesMetadata,
    e: &serde_json::Value,
) {
    use arrow_array::Array;
    assert_eq!(series.name(), e["name"].as_str().expect("name"), "{k}");
    let values = e["values"].as_array().expect("values");
    assert_eq!(series.len(), values.len(), "{k}");
    assert_eq!(
        meta.index_metadata
            .as_ref()
            .expect("index metadata")
            .index_type,
        e["index_type"].as_str().expect("type"),
        "{k}"
    );
    for (i, v) in values.iter().enumerate() {
        let got = match series.values().data_type() {
            arrow_schema::DataType::Int64 => series.i64_values().expect("ints").value(i) as f64,
            _ => series.f64_values().expect("floats").value(i),
        };
        match v.as_f64() {
            Some(x) => assert_eq!(got, x, "{k} value {i}"),
            None => assert!(got.is_nan(), "{k} value {i}"),
        }
    }
    // Datetime labels: Python's str() of each label.
    if let meteaudata_core::IndexData::DateTime { values, tz } = series.index().data() {
        for (i, label) in e["index"].as_array().expect("index").iter().enumerate() {
            assert!(values.is_valid(i), "{k} label {i}");
            let ts = meteaudata_core::Timestamp {
                nanos: values.value(i),
                tz: *tz,
            };
            let iso = ts.to_iso().replace('T', " ");
            assert_eq!(iso, label.as_str().expect("label"), "{k} label {i}");
        }
    }
}
