//! # meteaudata-storage-sql
//!
//! The SQL storage backend of meteaudata, on diesel 2.3: SQLite (embedded), PostgreSQL and
//! MySQL/MariaDB, one cargo feature each (`sqlite`, `postgres`, `mysql`), chosen from the
//! connection URL. [`SqlBackend`] implements the storage contract of
//! [`meteaudata_core::storage::StorageBackend`], so a dataset, a signal or your own code can use
//! it like any other backend.
//!
//! ## Opening a database
//!
//! URLs are written as in Python meteaudata (SQLAlchemy's form):
//!
//! | URL | database |
//! |---|---|
//! | `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` | a SQLite file (created on demand) |
//! | `sqlite:///:memory:` (or `sqlite://`) | a private in-memory SQLite database |
//! | `postgresql://user:pw@127.0.0.1:5432/db` (also `postgres://`, `postgresql+psycopg2://`) | PostgreSQL |
//! | `mysql://user:pw@127.0.0.1:3306/db` (also `mysql+pymysql://`, `mariadb://`) | MySQL or MariaDB |
//!
//! [`SqlBackend::connect`] creates the two tables it needs (embedded diesel migrations) if they
//! are not there yet:
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use meteaudata_core::storage::{StorageBackend, StorageKey};
//! use meteaudata_core::{Index, Series, TimeSeries};
//! use meteaudata_storage_sql::SqlBackend;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let url = format!("sqlite:///{}", dir.path().join("meteaudata.db").display());
//! let backend = SqlBackend::connect(&url).unwrap();
//! assert_eq!(backend.backend_type(), "sqlite");
//!
//! // A series with its (empty) processing history.
//! let index = Index::datetime_nanos(vec![0, 60_000_000_000, 120_000_000_000], None);
//! let ts = TimeSeries::new(Series::from_f64("A#1_RAW#1", index, vec![1.0, f64::NAN, 3.0]).unwrap());
//! let key = StorageKey::new("reactor/A#1/RAW#1").unwrap();
//! backend.save(&key, ts.series().unwrap(), &ts.metadata()).unwrap();
//!
//! let (series, metadata) = backend.load(&key).unwrap();
//! assert_eq!(&series, ts.series().unwrap());
//! assert_eq!(metadata, ts.metadata());
//! assert_eq!(backend.list_keys().unwrap(), vec![key]);
//! # }
//! ```
//!
//! ## Time windows and appending, in SQL
//!
//! [`load_range`](StorageBackend::load_range) reads only the blocks of a window (found by one
//! range scan of the time index), and [`append`](StorageBackend::append) writes only the new points (and
//! rewrites the last block when it was not full):
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
//! use meteaudata_core::{Index, Series, TimeSeries};
//! use meteaudata_storage_sql::SqlBackend;
//!
//! let backend = SqlBackend::connect("sqlite:///:memory:").unwrap();
//! let minute = 60_000_000_000i64;
//! let first = Series::from_f64("A#1_RAW#1", Index::datetime_nanos(vec![0, minute], None), vec![1.0, 2.0]).unwrap();
//! let ts = TimeSeries::new(first);
//! let key = StorageKey::new("reactor/A#1/RAW#1").unwrap();
//! backend.save(&key, ts.series().unwrap(), &ts.metadata()).unwrap();
//!
//! let more = Series::from_f64("A#1_RAW#1", Index::datetime_nanos(vec![2 * minute], None), vec![3.0]).unwrap();
//! backend.append(&key, &more).unwrap();
//!
//! let (window, _) = backend.load_range(&key, TimeRange::new(Some(minute), None)).unwrap();
//! assert_eq!(window.f64_values().unwrap().values().to_vec(), vec![2.0, 3.0]);
//! # }
//! ```
//!
//! ## The schema
//!
//! * [`SERIES_TABLE`] (`meteaudata_series`): one row per key, with the series name, the number
//!   of points, the index kind and dtypes, a JSON description of the types (zone, frequency,
//!   range bounds, categories) and the metadata document (YAML, the processing history), plus
//!   creation and update times.
//! * [`BLOCKS_TABLE`] (`meteaudata_blocks`): the points, up to [`BLOCK_POINTS`] consecutive
//!   points of one series per row (fewer when their text reaches 1 MiB), `(series_id, pos0)` as primary key (`pos0`: position of
//!   the block's first point), `n_points`, and an index on `(series_id, t_min, t_max)`, the
//!   smallest and largest time of the block. The point columns hold one entry per point:
//!   `t` datetimes as nanoseconds since the epoch (UTC for zoned indexes), durations, integer
//!   labels and category codes; `label` text labels; `v` float values (every bit kept: NaN,
//!   ±inf, -0.0); `vi` integers, booleans and timestamps; `vs` text. A column the series does
//!   not use is NULL.
//!
//! Each point column is stored as bytes (`BYTEA` in PostgreSQL, `BLOB` in SQLite and MySQL) in
//! Arrow's layout of the column: a 6-byte header (tag `i`/`f`/`s`, has-validity flag, entry
//! count as `u32` little-endian); then the validity bitmap if flagged; then 8-byte
//! little-endian numbers, or `u32` offsets followed by UTF-8 text. A database sends such a
//! column as it is stored, which is what makes loads fast (PostgreSQL used to keep typed
//! arrays, and sending them element by element cost it four times the rest of a load), and
//! any client decodes one in a line, e.g. in Python for a float column without NULLs:
//! `numpy.frombuffer(v[6:], "<f8")`. Databases written with PostgreSQL arrays are converted
//! in place, bit for bit, the first time a newer version opens them.
//!
//! * `meteaudata_snapshots`: one row per snapshot (`name` primary key, `created_ns`, and the
//!   snapshot's JSON `document`), so of two writers taking one name the database lets one in.
//! * `meteaudata_versions`: older versions of each key (issue 18), one row each (`series_key`,
//!   `version`, the series name, points, types, metadata, content hash and save time in UTC
//!   nanoseconds), whose points are the blocks under its `blocks_id`. The series row records
//!   the current version's number, hash and time (`version`, `content_hash`,
//!   `version_created_ns`) and the id of its blocks (`blocks_id`). A save writes the new
//!   version's blocks under a fresh id (growing with time) and points the row at them, in one
//!   transaction; the previous blocks stay where they are, named by the new versions row: no
//!   copy, no move. A chunked writer's commit only points the row at the blocks it staged. An
//!   append keeps a copy of the blocks, made by the database, before it changes them, and
//!   hashes the whole series after it. Rows saved before versions are version 1, hashed when
//!   listed.
//!
//! ## Every point in plain SQL
//!
//! The view `meteaudata_points` has one row per point of the current version of each key:
//! `key`, `pos`, `t` (nanoseconds since the epoch, UTC, for datetime indexes), `label` (any
//! other index label as text), `value` (`DOUBLE`: floats exactly, integers and booleans
//! converted; NULL for NaN and ±inf, which `value_text` names `nan`, `inf`, `-inf`),
//! `value_int`, `value_text`, and the bounds of the point's block, `block_t_min` and
//! `block_t_max`. It decodes the stored blocks with the database's built-in functions only,
//! so any client can query it (`key` is spelled `` `key` `` in MySQL). Add the block bounds to
//! a time filter so that the database reads only the blocks of the window:
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use diesel::sql_types::{BigInt, Double, Nullable, Text};
//! use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
//! use meteaudata_core::storage::{StorageBackend, StorageKey};
//! use meteaudata_core::{Index, Series, TimeSeries};
//! use meteaudata_storage_sql::SqlBackend;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("plant.db");
//! let backend = SqlBackend::connect(&format!("sqlite:///{}", path.display())).unwrap();
//! let minute = 60_000_000_000i64;
//! let index = Index::datetime_nanos((0..6).map(|i| i * minute).collect(), None);
//! let values = vec![1.0, 2.0, f64::NAN, 4.0, 5.0, 6.0];
//! let ts = TimeSeries::new(Series::from_f64("A#1_RAW#1", index, values).unwrap());
//! let key = StorageKey::new("plant/A#1/RAW#1").unwrap();
//! backend.save(&key, ts.series().unwrap(), &ts.metadata()).unwrap();
//!
//! // Any SQLite client (here diesel) can now ask for the mean of minutes 1 to 4.
//! #[derive(QueryableByName)]
//! struct Row {
//!     #[diesel(sql_type = BigInt)]
//!     n: i64,
//!     #[diesel(sql_type = Nullable<Double>)]
//!     mean: Option<f64>,
//! }
//! let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
//! let row: Row = diesel::sql_query(
//!     "SELECT count(*) AS n, avg(value) AS mean FROM meteaudata_points
//!      WHERE key = ? AND t >= ? AND t < ? AND block_t_max >= ? AND block_t_min < ?",
//! )
//! .bind::<Text, _>("plant/A#1/RAW#1")
//! .bind::<BigInt, _>(minute)
//! .bind::<BigInt, _>(5 * minute)
//! .bind::<BigInt, _>(minute)
//! .bind::<BigInt, _>(5 * minute)
//! .get_result(&mut conn)
//! .unwrap();
//! assert_eq!(row.n, 4); // minutes 1, 2, 3, 4: the NaN counts as a point ...
//! assert_eq!(row.mean, Some((2.0 + 4.0 + 5.0) / 3.0)); // ... without a value
//! # }
//! ```
//!
//! PostgreSQL decodes about 0.4 M points/s through the view on this 2-core machine, MariaDB
//! 0.2 M, SQLite 0.07 M (it has no function that reads a number from bytes, so it adds up hex
//! digits), against tens of millions per second through the library: the view is for
//! windows, joins and ad-hoc questions; saves and loads are unchanged by it.
//!
//! Blocks make bulk paths cheap: a save of 10^6 points writes about a thousand rows, so the
//! database maintains a few index entries per thousand points instead of two per point. An
//! append fills up the last block before starting new ones, and a time window reads only the
//! blocks whose `[t_min, t_max]` meets it.
//!
//! ## Transactions and concurrency
//!
//! Every save, append and delete is one transaction: a reader sees the old or the new
//! version, never a mix, and a failed save leaves the old version. Reads run in a snapshot
//! (PostgreSQL and MySQL `REPEATABLE READ`, a SQLite read transaction). All SQL is
//! parameterised; keys with quotes or SQL in them are data. Several threads can share one
//! backend (it keeps a small connection pool), and several processes can use one database:
//! concurrent saves of different keys lose nothing, concurrent saves of one key are serialised
//! on the key's row, so one wins whole. Deadlocks and serialisation failures are retried.
//!
//! Bulk paths: SQLite prepared multi-row INSERTs of blocks in one `BEGIN IMMEDIATE`
//! transaction (WAL journal), PostgreSQL binary `COPY FROM STDIN`, MySQL multi-row INSERT
//! batches of blocks (at most about 4 MiB per statement).
//!
//! ## Sharing a database with Python meteaudata
//!
//! Python's SQL adapter stores series in `time_series_data` and `time_series_metadata`, a row
//! per point. [`PythonSqlBackend`] (URL query `?layout=python`, see [`TableLayout`]) reads and
//! writes exactly those tables, so Python and Rust users share one database: each loads every
//! key the other saved. It holds what Python's layout can hold (numbers) and is a row per
//! point, so it is slower than ours (10^6 points on SQLite: save 4.1 s, load 0.5 s, against
//! 0.12 s and 0.014 s in our blocks; still far beyond Python's adapter, which fails above
//! about 62 000 points on SQLite).
//!
//! A database of our own can also take Python's series in: [`SqlBackend::python_keys`],
//! [`SqlBackend::load_python`] and [`SqlBackend::import_python`] read Python's tables (in the
//! same database) and copy them into ours:
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use meteaudata_storage_sql::SqlBackend;
//! let backend = SqlBackend::connect("sqlite:///:memory:").unwrap();
//! // No Python tables here: nothing to import.
//! assert!(backend.python_keys().unwrap().is_empty());
//! assert_eq!(backend.import_python(false).unwrap().imported.len(), 0);
//! # }
//! ```
//!
//! ## Building
//!
//! `sqlite` bundles SQLite (libsqlite3-sys 0.38). `postgres` links the system libpq
//! (`libpq-dev`), `mysql` the system client library (`libmariadb-dev-compat` or
//! `libmysqlclient-dev`). Use `host=127.0.0.1`-style TCP URLs for servers.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod blob;
mod block;

/// The block column decoders, for the fuzz targets (`fuzz/`); not a stable API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    use arrow_array::{Float64Array, Int64Array, StringArray};
    /// Decodes a stored integer column.
    pub fn decode_i64(blob: &[u8]) -> meteaudata_core::Result<Int64Array> {
        crate::blob::decode_i64(blob, "fuzz")
    }
    /// Decodes a stored float column.
    pub fn decode_f64(blob: &[u8]) -> meteaudata_core::Result<Float64Array> {
        crate::blob::decode_f64(blob, "fuzz")
    }
    /// Decodes a stored text column.
    pub fn decode_text(blob: &[u8]) -> meteaudata_core::Result<StringArray> {
        crate::blob::decode_text(blob, "fuzz")
    }
}

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!(
    "meteaudata-storage-sql needs at least one database feature: `sqlite`, `postgres` or `mysql`"
);
mod codec;
#[cfg(any(feature = "sqlite", feature = "mysql"))]
mod inserts;
mod layout;
mod ops;
#[cfg(test)]
mod points_view;
mod pool;
mod python;
mod scan;
mod schema;
mod writer;

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod pg;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::sync::atomic::{AtomicBool, Ordering};

use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{
    check_save_input, Capabilities, Retention, SeriesScan, SeriesWriter, Snapshot, StorageBackend,
    StorageKey, Stored, TimeRange, VersionInfo,
};
use meteaudata_core::{Error, Result, Series};

#[allow(unused_imports)]
use crate::pool::Pool;

/// Name of the table holding one row per stored series.
pub const SERIES_TABLE: &str = "meteaudata_series";
/// Name of the table holding the points, in blocks of up to [`BLOCK_POINTS`] consecutive
/// points of one series per row.
pub const BLOCKS_TABLE: &str = "meteaudata_blocks";
/// Most points in one row of [`BLOCKS_TABLE`].
pub const BLOCK_POINTS: usize = block::BLOCK_POINTS;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Database {
    /// SQLite (file or memory).
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
}

impl Database {
    /// The backend type string: `sqlite`, `postgresql` or `mysql`.
    pub fn backend_type(self) -> &'static str {
        match self {
            Database::Sqlite => "sqlite",
            Database::Postgres => "postgresql",
            Database::Mysql => "mysql",
        }
    }

    /// The cargo feature that compiles this database in.
    pub fn feature(self) -> &'static str {
        match self {
            Database::Sqlite => "sqlite",
            Database::Postgres => "postgres",
            Database::Mysql => "mysql",
        }
    }
}

/// A parsed connection URL: the database and what its driver is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionTarget {
    /// The database.
    pub database: Database,
    /// What the driver opens: a SQLite path (`:memory:` for memory) or a server URL with the
    /// driver suffix removed (`mysql+pymysql://` becomes `mysql://`).
    pub target: String,
}

impl ConnectionTarget {
    /// Parses a URL as Python meteaudata writes them.
    ///
    /// ```
    /// use meteaudata_storage_sql::{ConnectionTarget, Database};
    /// let t = ConnectionTarget::parse("sqlite:////data/x.db").unwrap();
    /// assert_eq!((t.database, t.target.as_str()), (Database::Sqlite, "/data/x.db"));
    /// assert_eq!(ConnectionTarget::parse("sqlite:///rel.db").unwrap().target, "rel.db");
    /// assert_eq!(ConnectionTarget::parse("sqlite:///:memory:").unwrap().target, ":memory:");
    /// let m = ConnectionTarget::parse("mysql+pymysql://u:p@127.0.0.1:3306/db").unwrap();
    /// assert_eq!((m.database, m.target.as_str()), (Database::Mysql, "mysql://u:p@127.0.0.1:3306/db"));
    /// assert!(ConnectionTarget::parse("oracle://x").is_err());
    /// ```
    pub fn parse(url: &str) -> Result<Self> {
        let bad =
            |why: &str| Error::invalid_input(format!("database URL {:?}: {why}", redact(url)));
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("expected scheme://…"))?;
        let base = scheme
            .split('+')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match base.as_str() {
            "sqlite" => {
                let path = rest.split('?').next().unwrap_or_default();
                let path = path.strip_prefix('/').unwrap_or(path);
                let target = if path.is_empty() || path == ":memory:" {
                    ":memory:".to_string()
                } else {
                    path.to_string()
                };
                Ok(ConnectionTarget {
                    database: Database::Sqlite,
                    target,
                })
            }
            "postgres" | "postgresql" => Ok(ConnectionTarget {
                database: Database::Postgres,
                target: format!("postgresql://{rest}"),
            }),
            "mysql" | "mariadb" => Ok(ConnectionTarget {
                database: Database::Mysql,
                target: format!("mysql://{rest}"),
            }),
            _ => Err(bad(
                "unknown scheme (use sqlite://, postgresql:// or mysql://)",
            )),
        }
    }
}

/// `url` with its password replaced by `***`, for messages.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.rfind('@') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***{host}"),
        None => url.to_string(),
    }
}

enum Db {
    #[cfg(feature = "sqlite")]
    Sqlite(Pool<sqlite::Conn>),
    #[cfg(feature = "postgres")]
    Pg(Pool<pg::Conn>),
    #[cfg(feature = "mysql")]
    Mysql(Pool<mysql::Conn>),
    #[allow(dead_code)]
    Never(std::convert::Infallible),
}

/// Runs `$body` (giving a `Result<T, ops::E>`) with a pooled connection `$conn` of the right
/// database module `$m`, creating the tables first if needed and retrying transient failures.
macro_rules! dispatch {
    ($self:expr, $context:expr, |$conn:ident, $m:ident| $body:expr) => {{
        let this = $self;
        // One arm per compiled-in database; only the module and the pool differ.
        macro_rules! arm {
            ($pool:expr, $module:ident) => {{
                use crate::$module as $m;
                $pool.with(
                    |$conn| {
                        this.ensure_tables($conn, $m::migrate)
                            .and_then(|_| ops::retry(|| $body))
                            .map_err(|e| e.into_error($m::NAME, || $context))
                    },
                    |c, r| r.is_ok() || $m::healthy(c),
                )
            }};
        }
        match &this.db {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(pool) => arm!(pool, sqlite),
            #[cfg(feature = "postgres")]
            Db::Pg(pool) => arm!(pool, pg),
            #[cfg(feature = "mysql")]
            Db::Mysql(pool) => arm!(pool, mysql),
            Db::Never(never) => match *never {},
        }
    }};
}

// After `dispatch!`, which they use.
mod python_layout;
mod snapshots;
mod versions;

pub use python_layout::{PythonSqlBackend, TableLayout};

/// A meteaudata storage backend in a SQL database (see the crate docs).
pub struct SqlBackend {
    db: Db,
    database: Database,
    url: String,
    memory: bool,
    tables_ready: AtomicBool,
}

impl std::fmt::Debug for SqlBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlBackend")
            .field("database", &self.database)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// What [`SqlBackend::import_python`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportReport {
    /// Keys copied into our tables.
    pub imported: Vec<StorageKey>,
    /// Keys left alone because they were already stored (without `overwrite`).
    pub skipped: Vec<StorageKey>,
}

impl SqlBackend {
    /// Connects to the database `url` names (see the crate docs for the URL forms) and creates
    /// the tables if needed. A database whose feature is not compiled in is an
    /// [`Unsupported`](meteaudata_core::ErrorKind::Unsupported) error naming the feature.
    pub fn connect(url: &str) -> Result<Self> {
        match TableLayout::split(url)? {
            (TableLayout::Python, _) => Err(Error::invalid_input(
                "layout=python: open Python's tables with PythonSqlBackend::connect (or meteaudata::create_backend)",
            )),
            (_, url) => Self::open(&url, true),
        }
    }

    /// Connects; with `migrate`, our tables are created on first use (without, never: the
    /// Python layout's backend uses only Python's tables).
    pub(crate) fn open(url: &str, migrate: bool) -> Result<Self> {
        let target = ConnectionTarget::parse(url)?;
        let database = target.database;
        let memory = target.target == ":memory:";
        #[allow(unused_variables)]
        let t = target.target;
        let db = match database {
            #[cfg(feature = "sqlite")]
            Database::Sqlite => {
                let first = sqlite::connect(&t)?;
                let max = if memory { 1 } else { 4 };
                Db::Sqlite(Pool::new(max, first, Box::new(move || sqlite::connect(&t))))
            }
            #[cfg(feature = "postgres")]
            Database::Postgres => {
                let first = pg::connect(&t)?;
                Db::Pg(Pool::new(8, first, Box::new(move || pg::connect(&t))))
            }
            #[cfg(feature = "mysql")]
            Database::Mysql => {
                let first = mysql::connect(&t)?;
                Db::Mysql(Pool::new(8, first, Box::new(move || mysql::connect(&t))))
            }
            #[allow(unreachable_patterns)]
            other => {
                return Err(Error::Unsupported(format!(
                    "the {} backend is not compiled in: enable the `{}` feature of meteaudata-storage-sql",
                    other.backend_type(),
                    other.feature()
                )))
            }
        };
        let backend = SqlBackend {
            db,
            database,
            url: redact(url),
            memory,
            tables_ready: AtomicBool::new(!migrate),
        };
        backend.prepare()?;
        Ok(backend)
    }

    /// Which database this is.
    pub fn database(&self) -> Database {
        self.database
    }

    /// The URL, password hidden.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn prepare(&self) -> Result<()> {
        dispatch!(self, "creating the tables".to_string(), |_conn, m| Ok::<
            (),
            ops::E,
        >(
            ()
        ))
    }

    fn ensure_tables<C>(
        &self,
        conn: &mut C,
        migrate: fn(&mut C) -> std::result::Result<(), ops::E>,
    ) -> std::result::Result<(), ops::E> {
        if !self.tables_ready.load(Ordering::Acquire) {
            migrate(conn)?;
            self.tables_ready.store(true, Ordering::Release);
        }
        Ok(())
    }

    fn missing(&self, key: &StorageKey) -> Error {
        Error::NotFound {
            what: "key",
            name: key.to_string(),
            available: format!(
                " in the {} database {}",
                self.database.backend_type(),
                self.url
            ),
        }
    }

    /// Keys of the series stored by Python meteaudata's SQL adapter in this database
    /// (`time_series_metadata`), sorted; empty when those tables do not exist.
    pub fn python_keys(&self) -> Result<Vec<StorageKey>> {
        let keys = dispatch!(self, "listing Python's keys".to_string(), |conn, m| {
            m::python_keys(conn)
        })?;
        let mut out = keys
            .into_iter()
            .map(|k| {
                StorageKey::new(k.clone()).map_err(|e| Error::Corrupt {
                    location: "time_series_metadata".into(),
                    message: format!("key {k:?} is not a valid key: {e}"),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort();
        Ok(out)
    }

    /// Loads a series stored by Python meteaudata's SQL adapter, rebuilding its index from the
    /// recorded index metadata (as Python does). Values come back as floats (Python stores
    /// them as `REAL`), or as integers/booleans when the metadata says so.
    pub fn load_python(&self, key: &StorageKey) -> Result<Stored> {
        let found = dispatch!(
            self,
            format!("loading {key} from Python's tables"),
            |conn, m| { m::python_load(conn, key.as_str()) }
        )?;
        let (meta, rows) = found.ok_or_else(|| self.missing(key))?;
        python::rebuild(key.as_str(), meta, rows)
    }

    /// Copies every series of Python's SQL tables into ours (each in its own transaction).
    /// Keys already stored are skipped unless `overwrite`. Python's tables are left as they
    /// are.
    pub fn import_python(&self, overwrite: bool) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        for key in self.python_keys()? {
            if !overwrite && self.exists(&key)? {
                report.skipped.push(key);
                continue;
            }
            let (series, metadata) = self.load_python(&key)?;
            self.save(&key, &series, &metadata)?;
            report.imported.push(key);
        }
        Ok(report)
    }

    /// Drops idle pooled connections (they are reopened on demand).
    pub fn close_idle_connections(&self) {
        match &self.db {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(p) => {
                if !self.memory {
                    p.close_idle()
                }
            }
            #[cfg(feature = "postgres")]
            Db::Pg(p) => p.close_idle(),
            #[cfg(feature = "mysql")]
            Db::Mysql(p) => p.close_idle(),
            Db::Never(never) => match *never {},
        }
    }
}

impl SqlBackend {
    /// Stages points of a chunked write (see `writer`).
    pub(crate) fn stage(&self, key: &str, staging: i64, pos0: i64, points: &Series) -> Result<()> {
        dispatch!(self, format!("writing points of {key}"), |conn, m| {
            m::stage(conn, staging, pos0, points)
        })
    }

    /// Removes the staged points of an abandoned chunked write.
    pub(crate) fn unstage(&self, key: &str, staging: i64) -> Result<()> {
        dispatch!(
            self,
            format!("removing the staged points of {key}"),
            |conn, m| { m::unstage(conn, staging) }
        )
    }

    /// Removes the points that chunked writes left behind when their process was killed
    /// before the commit or the clean-up (they are never read, but take space). Call it when
    /// no writer of this database is running; returns the blocks removed.
    pub fn remove_abandoned_writes(&self) -> Result<usize> {
        dispatch!(self, "removing abandoned writes".to_string(), |conn, m| {
            m::unstage_all(conn)
        })
    }

    /// A save (`create`: only if the key is free) of a whole series, in one transaction.
    fn write_whole(
        &self,
        key: &StorageKey,
        series: &Series,
        metadata: &TimeSeriesMetadata,
        create: bool,
    ) -> Result<()> {
        check_save_input(key, series, metadata)?;
        // The content hash (of the version this save makes) is computed on another thread
        // while the series is encoded and its blocks inserted; the row waits for it.
        std::thread::scope(|scope| {
            let hash = ops::LazyHash::pending(scope.spawn(|| series.content_hash()));
            self.write_encoded(key, series, metadata, create, &hash)
        })
    }

    /// The rest of [`SqlBackend::write_whole`], with the hash on its way.
    fn write_encoded(
        &self,
        key: &StorageKey,
        series: &Series,
        metadata: &TimeSeriesMetadata,
        create: bool,
        hash: &ops::LazyHash<'_>,
    ) -> Result<()> {
        let enc = codec::Encoded::new(series)?;
        let version = ops::NewVersion {
            content_hash: hash,
            created_ns: ops::now_ns(),
        };
        let layout = enc.layout.to_json()?;
        let yaml = metadata.to_yaml()?;
        let index_dtype = series.index().metadata().dtype;
        let values_dtype = series.values_dtype();
        let header = ops::NewHeader {
            series_key: key.as_str(),
            series_name: series.name(),
            n_points: series.len() as i64,
            index_kind: enc.layout.index.kind.as_str(),
            index_dtype: &index_dtype,
            values_dtype: &values_dtype,
            layout: &layout,
            metadata_yaml: &yaml,
            version: 1,
            content_hash: None,
            version_created_ns: None,
            blocks_id: 0,
        };
        dispatch!(self, format!("saving {key}"), |conn, m| m::save(
            conn, &header, &enc, create, version
        ))
    }

    /// Commits a chunked write: the header of the joined series, then the staged blocks.
    pub(crate) fn commit_staged(
        &self,
        key: &StorageKey,
        shape: &meteaudata_core::storage::ChunkShape,
        layout: &layout::Layout,
        metadata: &TimeSeriesMetadata,
        staged: writer::Staged,
    ) -> Result<()> {
        let writer::Staged {
            id: staging,
            points: n_points,
            create,
            hash,
        } = staged;
        let hash = ops::LazyHash::ready(hash);
        let version = ops::NewVersion {
            content_hash: &hash,
            created_ns: ops::now_ns(),
        };
        let layout_json = layout.to_json()?;
        let yaml = metadata.to_yaml()?;
        let index_dtype = shape.index_metadata().dtype;
        let values_dtype = shape.values_dtype();
        let header = ops::NewHeader {
            series_key: key.as_str(),
            series_name: shape.name(),
            n_points,
            index_kind: layout.index.kind.as_str(),
            index_dtype: &index_dtype,
            values_dtype: &values_dtype,
            layout: &layout_json,
            metadata_yaml: &yaml,
            version: 1,
            content_hash: None,
            version_created_ns: None,
            blocks_id: 0,
        };
        dispatch!(self, format!("committing {key}"), |conn, m| {
            m::commit_staged(conn, &header, staging, create, version)
        })
    }

    /// One query of a scan.
    pub(crate) fn scan_part(
        &self,
        key: &str,
        start: &ops::ScanStart,
        cursor: &mut ops::ScanCursor,
        range: Option<TimeRange>,
        blocks: usize,
    ) -> Result<Option<Series>> {
        dispatch!(self, format!("scanning {key}"), |conn, m| {
            m::scan_part(conn, key, start, cursor, range, blocks)
        })
    }
}

impl StorageBackend for SqlBackend {
    fn backend_type(&self) -> &str {
        self.database.backend_type()
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::all();
        c.persistent = !self.memory;
        c.concurrent_writers = !self.memory;
        c
    }

    fn save(&self, key: &StorageKey, series: &Series, metadata: &TimeSeriesMetadata) -> Result<()> {
        self.write_whole(key, series, metadata, false)
    }

    /// The insert of the key's row is the check: the unique key on `series_key` lets one of
    /// two writers through.
    fn create(
        &self,
        key: &StorageKey,
        series: &Series,
        metadata: &TimeSeriesMetadata,
    ) -> Result<()> {
        self.write_whole(key, series, metadata, true)
    }

    fn load(&self, key: &StorageKey) -> Result<Stored> {
        dispatch!(self, format!("loading {key}"), |conn, m| m::load(
            conn,
            key.as_str(),
            None
        ))?
        .ok_or_else(|| self.missing(key))
    }

    /// The series row (current version) and the rows of `meteaudata_versions`.
    fn list_versions(&self, key: &StorageKey) -> Result<Vec<VersionInfo>> {
        self.list_versions_of(key)
    }

    fn load_version(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        self.load_version_of(key, version)
    }

    fn prune_versions(&self, key: &StorageKey, retention: Retention) -> Result<Vec<u64>> {
        self.prune_versions_of(key, retention)
    }

    fn save_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
        self.save_snapshot_row(snapshot)
    }

    fn load_snapshot(&self, name: &str) -> Result<Snapshot> {
        self.load_snapshot_row(name)
    }

    fn list_snapshots(&self) -> Result<Vec<String>> {
        self.snapshot_names()
    }

    fn delete_snapshot(&self, name: &str) -> Result<()> {
        self.delete_snapshot_row(name)
    }

    fn load_range(&self, key: &StorageKey, range: TimeRange) -> Result<Stored> {
        dispatch!(self, format!("loading a window of {key}"), |conn, m| {
            m::load(conn, key.as_str(), Some(range))
        })?
        .ok_or_else(|| self.missing(key))
    }

    fn load_metadata(&self, key: &StorageKey) -> Result<TimeSeriesMetadata> {
        dispatch!(self, format!("reading the metadata of {key}"), |conn, m| {
            m::scan_open(conn, key.as_str(), None)
        })?
        .map(|s| s.metadata)
        .ok_or_else(|| self.missing(key))
    }

    /// A few blocks per query, in position order (see the crate docs).
    fn scan(
        &self,
        key: &StorageKey,
        range: TimeRange,
        chunk_points: usize,
    ) -> Result<SeriesScan<'_>> {
        let chunk = meteaudata_core::storage::checked_chunk(chunk_points)?;
        let window = range.bounded();
        let start = dispatch!(self, format!("starting a scan of {key}"), |conn, m| {
            m::scan_open(conn, key.as_str(), window)
        })?
        .ok_or_else(|| self.missing(key))?;
        let metadata = start.metadata.clone();
        let scan = scan::SqlScan {
            backend: self,
            key: key.to_string(),
            start,
            cursor: ops::ScanCursor::default(),
            range: window,
            chunk,
            pending: Default::default(),
            done: false,
            yielded: false,
        };
        Ok(SeriesScan::new(metadata, scan))
    }

    /// Points written in blocks as they come, under an id no read sees; the commit is one
    /// transaction (see the crate docs).
    fn writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(writer::SqlWriter::new(self, key, false)))
    }

    /// As [`SqlBackend::writer`]; the commit inserts the key's row only if the key is free.
    fn create_writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(writer::SqlWriter::new(self, key, true)))
    }

    fn append(&self, key: &StorageKey, more: &Series) -> Result<()> {
        let found = dispatch!(self, format!("appending to {key}"), |conn, m| m::append(
            conn,
            key.as_str(),
            more
        ))?;
        if found {
            Ok(())
        } else {
            Err(self.missing(key))
        }
    }

    fn exists(&self, key: &StorageKey) -> Result<bool> {
        dispatch!(self, format!("looking up {key}"), |conn, m| m::exists(
            conn,
            key.as_str()
        ))
    }

    fn delete(&self, key: &StorageKey) -> Result<()> {
        let found = dispatch!(self, format!("deleting {key}"), |conn, m| m::delete(
            conn,
            key.as_str()
        ))?;
        if found {
            Ok(())
        } else {
            Err(self.missing(key))
        }
    }

    fn list_keys(&self) -> Result<Vec<StorageKey>> {
        let keys = dispatch!(self, "listing keys".to_string(), |conn, m| m::list(conn))?;
        // One damaged key row must not hide the others: it is left out with a warning (the
        // CLI prints it; `--strict` fails on it).
        let mut out = Vec::with_capacity(keys.len());
        for bytes in keys {
            let text = String::from_utf8_lossy(&bytes);
            match std::str::from_utf8(&bytes)
                .map_err(|e| e.to_string())
                .and_then(|k| StorageKey::new(k).map_err(|e| e.to_string()))
            {
                Ok(k) => out.push(k),
                Err(why) => tracing::warn!(
                    table = SERIES_TABLE,
                    key = %text,
                    error = %why,
                    "skipping a stored key that is not a valid key"
                ),
            }
        }
        // Byte order, whatever the database's collation.
        out.sort();
        Ok(out)
    }

    fn clear(&self) -> Result<()> {
        dispatch!(self, "clearing the tables".to_string(), |conn, m| m::clear(
            conn
        ))
    }

    /// Drops the two tables (and their migration record); they are created again on the next
    /// use.
    fn cleanup(&self) -> Result<()> {
        dispatch!(self, "dropping the tables".to_string(), |conn, m| {
            m::unmigrate(conn)
        })?;
        self.tables_ready.store(false, Ordering::Release);
        Ok(())
    }

    fn size_on_disk(&self) -> Result<Option<u64>> {
        dispatch!(self, "measuring the tables".to_string(), |conn, m| m::size(
            conn,
            &["meteaudata_series", "meteaudata_blocks"]
        ))
        .map(Some)
    }
}
