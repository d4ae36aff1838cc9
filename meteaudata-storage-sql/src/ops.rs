//! What every database does the same way: the internal error type, retries, the series row,
//! and (as a macro expanded in each database module) the queries written once in diesel's DSL.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use meteaudata_core::{ContentHash, Error};

use crate::layout::Layout;
use crate::schema::meteaudata_series as series;

/// An error inside a transaction: from the database or from meteaudata.
#[derive(Debug)]
pub(crate) enum E {
    Db(DieselError),
    Md(Error),
    /// Another writer changed what this transaction read (a key saved for the first time by
    /// two writers at once): running it again sees the other's write.
    Again,
}

impl From<DieselError> for E {
    fn from(e: DieselError) -> Self {
        E::Db(e)
    }
}

impl From<Error> for E {
    fn from(e: Error) -> Self {
        E::Md(e)
    }
}

impl E {
    /// The public error, naming the backend and what was being done.
    pub(crate) fn into_error(self, backend: &str, context: impl FnOnce() -> String) -> Error {
        match self {
            E::Md(e) => e,
            E::Db(e) => Error::backend(backend, context(), e),
            E::Again => Error::Conflict(format!(
                "{}: another writer kept changing the key",
                context()
            )),
        }
    }

    /// Whether retrying the whole transaction may succeed (deadlock, serialisation failure,
    /// busy database).
    fn transient(&self) -> bool {
        match self {
            E::Again => true,
            E::Db(DieselError::DatabaseError(kind, info)) => {
                let m = info.message().to_ascii_lowercase();
                matches!(kind, DatabaseErrorKind::SerializationFailure)
                    || m.contains("deadlock")
                    || m.contains("could not serialize")
                    || m.contains("database is locked")
                    || m.contains("lock wait timeout")
            }
            _ => false,
        }
    }
}

/// Runs `f` again (up to 10 times, with a short growing pause) while it fails transiently.
pub(crate) fn retry<T>(mut f: impl FnMut() -> Result<T, E>) -> Result<T, E> {
    let mut attempt = 0u32;
    loop {
        match f() {
            Err(e) if e.transient() && attempt < 10 => {
                attempt += 1;
                tracing::debug!(attempt, "retrying a transaction after {e:?}");
                std::thread::sleep(std::time::Duration::from_millis(
                    (5 * u64::from(attempt)).min(100),
                ));
            }
            other => return other,
        }
    }
}

/// A stored series row, without the points.
#[derive(Debug, Clone, diesel::Queryable)]
pub(crate) struct Header {
    /// The series row.
    pub id: i64,
    pub series_name: String,
    pub n_points: i64,
    pub layout: String,
    pub metadata_yaml: String,
    pub version: i64,
    pub content_hash: Option<String>,
    pub version_created_ns: Option<i64>,
    /// The id its blocks are stored under.
    pub blocks: i64,
}

impl Header {
    pub(crate) fn layout(&self, key: &str) -> Result<Layout, Error> {
        Layout::from_json(key, &self.layout)
    }
}

/// The columns of [`Header`].
pub(crate) const HEADER: (
    series::id,
    series::series_name,
    series::n_points,
    series::layout,
    series::metadata_yaml,
    series::version,
    series::content_hash,
    series::version_created_ns,
    series::blocks_id,
) = (
    series::id,
    series::series_name,
    series::n_points,
    series::layout,
    series::metadata_yaml,
    series::version,
    series::content_hash,
    series::version_created_ns,
    series::blocks_id,
);

/// An older version of a key, as `meteaudata_versions` holds it.
#[derive(Debug, Clone, diesel::Queryable, diesel::Insertable)]
#[diesel(table_name = crate::schema::meteaudata_versions)]
pub(crate) struct Archived {
    pub series_key: String,
    pub version: i64,
    pub blocks_id: i64,
    pub series_name: String,
    pub n_points: i64,
    pub layout: String,
    pub metadata_yaml: String,
    pub content_hash: Option<String>,
    pub created_ns: Option<i64>,
}

impl Archived {
    /// The header its points are read with.
    pub(crate) fn header(&self) -> Header {
        Header {
            id: 0,
            series_name: self.series_name.clone(),
            n_points: self.n_points,
            layout: self.layout.clone(),
            metadata_yaml: self.metadata_yaml.clone(),
            version: self.version,
            content_hash: self.content_hash.clone(),
            version_created_ns: self.created_ns,
            blocks: self.blocks_id,
        }
    }
}

/// The version a save makes: its content hash and time (its number is taken in the
/// transaction).
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewVersion<'a, 's> {
    pub content_hash: &'a LazyHash<'s>,
    pub created_ns: i64,
}

/// A content hash known now, or being computed on another thread and awaited only when the
/// transaction needs it (after the blocks are written): the hash of a save costs no time
/// where the insert outlasts it. Awaited once; a retried transaction reuses it.
pub(crate) struct LazyHash<'s> {
    pending: std::sync::Mutex<
        Option<std::thread::ScopedJoinHandle<'s, meteaudata_core::Result<ContentHash>>>,
    >,
    value: std::sync::OnceLock<Result<String, String>>,
}

impl std::fmt::Debug for LazyHash<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyHash")
            .field("value", &self.value.get())
            .finish()
    }
}

impl<'s> LazyHash<'s> {
    /// A hash known now.
    pub(crate) fn ready(hash: ContentHash) -> Self {
        let value = std::sync::OnceLock::new();
        let _ = value.set(Ok(hash.to_string()));
        LazyHash {
            pending: std::sync::Mutex::new(None),
            value,
        }
    }

    /// A hash the thread `handle` computes.
    pub(crate) fn pending(
        handle: std::thread::ScopedJoinHandle<'s, meteaudata_core::Result<ContentHash>>,
    ) -> Self {
        LazyHash {
            pending: std::sync::Mutex::new(Some(handle)),
            value: std::sync::OnceLock::new(),
        }
    }

    /// The hash as 64 hex digits (waiting for its thread the first time).
    pub(crate) fn get(&self) -> Result<&str, E> {
        let value = self.value.get_or_init(|| {
            let handle = self
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            match handle.map(|h| h.join()) {
                Some(Ok(Ok(hash))) => Ok(hash.to_string()),
                Some(Ok(Err(e))) => Err(e.to_string()),
                Some(Err(_)) => Err("the hashing thread panicked".to_string()),
                None => Err("the content hash was taken already".to_string()),
            }
        });
        match value {
            Ok(h) => Ok(h.as_str()),
            Err(e) => Err(E::Md(Error::invalid_input(format!(
                "cannot hash the series: {e}"
            )))),
        }
    }
}

/// The series row as written by a save (and, but for its key, as an overwrite updates it).
#[derive(Debug, Clone, diesel::Insertable, diesel::AsChangeset)]
#[diesel(table_name = crate::schema::meteaudata_series)]
pub(crate) struct NewHeader<'a> {
    #[diesel(skip_update)]
    pub series_key: &'a str,
    pub series_name: &'a str,
    pub n_points: i64,
    pub index_kind: &'a str,
    pub index_dtype: &'a str,
    pub values_dtype: &'a str,
    pub layout: &'a str,
    pub metadata_yaml: &'a str,
    /// Set in the transaction (one more than the version it replaces).
    pub version: i64,
    pub content_hash: Option<&'a str>,
    pub version_created_ns: Option<i64>,
    /// Set in the transaction: where the new version's blocks are.
    pub blocks_id: i64,
}

/// Now, in UTC nanoseconds since the epoch (a version's time).
pub(crate) fn now_ns() -> i64 {
    meteaudata_core::chrono::Utc::now()
        .timestamp_nanos_opt()
        .unwrap_or(i64::MAX)
}

/// The stored point count of a block, checked.
pub(crate) fn block_len(n: i32, pos0: i64, key: &str) -> Result<usize, Error> {
    usize::try_from(n).map_err(|_| Error::Corrupt {
        location: key.to_string(),
        message: format!("the block at position {pos0} records {n} points"),
    })
}

/// What a scan reads once, when it starts.
#[derive(Debug)]
pub(crate) struct ScanStart {
    pub header: Header,
    pub layout: Layout,
    pub metadata: meteaudata_core::metadata::TimeSeriesMetadata,
    /// For a window: the starts of the blocks that may hold points of it.
    pub starts: Option<Vec<i64>>,
}

/// Where a scan is.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ScanCursor {
    /// Full scans: the position the next block starts at.
    pub next: i64,
    /// Window scans: the next entry of [`ScanStart::starts`].
    pub at: usize,
}

/// A row of Python's metadata table.
#[derive(Debug, diesel::QueryableByName)]
pub(crate) struct PyMetaRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub metadata_json: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub series_name: Option<String>,
}

/// A row of Python's data table.
#[derive(Debug, diesel::QueryableByName)]
pub(crate) struct PyDataRow {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub index_value: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub value: Option<f64>,
}

/// A key of Python's metadata table.
#[derive(Debug, diesel::QueryableByName)]
pub(crate) struct PyKeyRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub key: String,
}

/// A count.
#[derive(Debug, diesel::QueryableByName)]
pub(crate) struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// The queries that read the same on every database. Expanded inside each database module,
/// which defines `Conn`, `LoadMode`, `write_tx`,
/// `read_tx`, `lock` and `insert_blocks`.
macro_rules! common_ops {
    () => {
        use crate::blob::{block as into_block, BlockRow};
        use crate::block::{Block, Chain, BLOCK_POINTS};
        use crate::codec::{Columns, Decoder, Encoded, Rows};
        use crate::layout::{appended_layout, IndexKind, Layout};
        use crate::ops::{Archived, Header, NewHeader, NewVersion, E};
        use crate::schema::blobs::meteaudata_blocks as b;
        use crate::schema::meteaudata_series as s;
        use crate::schema::meteaudata_snapshots as snap;
        use crate::schema::meteaudata_versions as ver;
        use diesel::prelude::*;
        use meteaudata_core::metadata::TimeSeriesMetadata;
        use meteaudata_core::storage::{Stored, TimeRange};
        use meteaudata_core::Series;

        pub(crate) fn find(conn: &mut Conn, key: &str) -> Result<Option<Header>, E> {
            Ok(s::table
                .filter(s::series_key.eq(key))
                .select(crate::ops::HEADER)
                .first::<Header>(conn)
                .optional()?)
        }

        /// Blocks fetched per query of a window read.
        const WINDOW_LOOKUP: usize = 256;

        /// The columns of a block row, as `BlockRow` holds them.
        const BLOCK_COLUMNS: (b::pos0, b::n_points, b::t, b::label, b::v, b::vi, b::vs) =
            (b::pos0, b::n_points, b::t, b::label, b::v, b::vi, b::vs);

        /// The starts of the blocks of `h` that may hold points of `r`, sorted: from the
        /// `(series_id, t_min, t_max)` index alone (in one query with the blocks, MySQL would read
        /// every block's columns before testing the times).
        fn window_starts(conn: &mut Conn, h: &Header, r: TimeRange) -> Result<Vec<i64>, E> {
            let mut q = b::table
                .filter(b::series_id.eq(h.blocks))
                .filter(b::pos0.lt(h.n_points))
                .filter(b::t_min.is_not_null())
                .into_boxed();
            if let Some(start) = r.start {
                q = q.filter(b::t_max.ge(start));
            }
            if let Some(end) = r.end {
                q = q.filter(b::t_min.lt(end));
            }
            let mut starts: Vec<i64> = q.select(b::pos0).load(conn)?;
            starts.sort_unstable();
            Ok(starts)
        }

        /// Fails unless a window (when there is one) meets a datetime index.
        fn check_window(
            key: &str,
            h: &Header,
            layout: &Layout,
            range: Option<TimeRange>,
        ) -> Result<(), E> {
            if range.is_some() && layout.index.kind != IndexKind::Datetime {
                return Err(E::Md(meteaudata_core::Error::invalid_input(format!(
                    "series {:?} under {key}: a time window needs a datetime index",
                    h.series_name
                ))));
            }
            Ok(())
        }

        /// Calls `f` with the blocks of `h` (stored with columns `cols`) in position order:
        /// all of them, or those that may hold a point of `window`.
        fn for_each_block(
            conn: &mut Conn,
            h: &Header,
            cols: Columns,
            key: &str,
            window: Option<TimeRange>,
            mut f: impl FnMut(Block) -> Result<(), E>,
        ) -> Result<(), E> {
            let mut emit = |row: BlockRow| f(into_block(row, key)?.checked(cols, key)?);
            let Some(r) = window else {
                let rows = b::table
                    .filter(b::series_id.eq(h.blocks))
                    .filter(b::pos0.lt(h.n_points))
                    .order(b::pos0.asc())
                    .select(BLOCK_COLUMNS)
                    .load_iter::<BlockRow, LoadMode>(conn)?;
                for row in rows {
                    emit(row?)?;
                }
                return Ok(());
            };
            // First the starts of the blocks that meet the window, then those blocks by
            // primary key.
            let starts = window_starts(conn, h, r)?;
            for chunk in starts.chunks(WINDOW_LOOKUP) {
                let rows = b::table
                    .filter(b::series_id.eq(h.blocks))
                    .filter(b::pos0.eq_any(chunk))
                    .order(b::pos0.asc())
                    .select(BLOCK_COLUMNS)
                    .load_iter::<BlockRow, LoadMode>(conn)?;
                for row in rows {
                    emit(row?)?;
                }
            }
            Ok(())
        }

        fn read_points(
            conn: &mut Conn,
            h: &Header,
            layout: &Layout,
            key: &str,
            range: Option<TimeRange>,
        ) -> Result<Series, E> {
            let full = range.is_none();
            // The count comes from the database: it sizes the first allocation only up to a
            // bound, and the points read must then match it.
            let capacity = if full {
                h.n_points.clamp(0, 1 << 20) as usize
            } else {
                0
            };
            let mut dec = Decoder::new(layout, key, capacity, full);
            for_each_block(conn, h, Columns::of(layout), key, range, |blk| {
                dec.push_block(&blk, range)?;
                Ok(())
            })?;
            if full && dec.count() as i64 != h.n_points {
                return Err(E::Md(meteaudata_core::Error::Corrupt {
                    location: key.to_string(),
                    message: format!(
                        "{} points are recorded but {} are stored",
                        h.n_points,
                        dec.count()
                    ),
                }));
            }
            Ok(dec.finish(&h.series_name)?)
        }

        /// The last block of `h` (stored with columns `cols`) when it holds fewer than
        /// [`BLOCK_POINTS`] points and ends the series (appends fill it up instead of adding a
        /// small block each time). A full last block is not decoded.
        fn short_last_block(
            conn: &mut Conn,
            h: &Header,
            cols: Columns,
            key: &str,
        ) -> Result<Option<Block>, E> {
            let last = b::table
                .filter(b::series_id.eq(h.blocks))
                .filter(b::pos0.lt(h.n_points))
                .order(b::pos0.desc())
                .select(BLOCK_COLUMNS)
                .first::<BlockRow>(conn)
                .optional()?;
            let Some(row) = last.filter(|row| h.n_points - row.0 < BLOCK_POINTS as i64) else {
                return Ok(None);
            };
            let blk = into_block(row, key)?.checked(cols, key)?;
            Ok((blk.pos0 + blk.n as i64 == h.n_points).then_some(blk))
        }

        fn metadata(key: &str, h: &Header) -> Result<TimeSeriesMetadata, E> {
            TimeSeriesMetadata::from_yaml(&h.metadata_yaml).map_err(|e| {
                E::Md(meteaudata_core::Error::Corrupt {
                    location: key.to_string(),
                    message: format!("unreadable metadata: {e}"),
                })
            })
        }

        /// Records the current version of `key` (locked) among the older versions: a row of
        /// `meteaudata_versions` naming its blocks, which stay where they are (`copy`: under a
        /// fresh id, a copy of them, for an append that changes them in place). Returns its
        /// header; `None` when the key holds nothing.
        fn archive_current(conn: &mut Conn, key: &str, copy: bool) -> Result<Option<Header>, E> {
            let Some(old) = lock(conn, key)? else {
                return Ok(None);
            };
            let blocks_id = if copy {
                use diesel::IntoSql;
                let a = crate::writer::fresh_blocks_id();
                diesel::insert_into(b::table)
                    .values(b::table.filter(b::series_id.eq(old.blocks)).select((
                        a.into_sql::<diesel::sql_types::BigInt>(),
                        b::pos0,
                        b::n_points,
                        b::t_min,
                        b::t_max,
                        b::t,
                        b::label,
                        b::v,
                        b::vi,
                        b::vs,
                    )))
                    .into_columns((
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
                    ))
                    .execute(conn)
                    .map_err(|e| match e {
                        // Another save drew the same id: again, with another.
                        diesel::result::Error::DatabaseError(
                            diesel::result::DatabaseErrorKind::UniqueViolation,
                            _,
                        ) => E::Again,
                        e => e.into(),
                    })?;
                a
            } else {
                old.blocks
            };
            diesel::insert_into(ver::table)
                .values(&Archived {
                    series_key: key.to_string(),
                    version: old.version,
                    blocks_id,
                    series_name: old.series_name.clone(),
                    n_points: old.n_points,
                    layout: old.layout.clone(),
                    metadata_yaml: old.metadata_yaml.clone(),
                    content_hash: old.content_hash.clone(),
                    created_ns: old.version_created_ns,
                })
                .execute(conn)?;
            Ok(Some(old))
        }

        /// Writes the series row of `h` as the next version of its key, whose blocks are (or
        /// will be, in this transaction) under `blocks`; the current version, if any, is
        /// recorded among the older ones. With `create` the row is inserted only if the key is
        /// free, else `Conflict`: the database's unique key on `series_key` makes the check
        /// and the insert one step for every connection.
        fn next_header(
            conn: &mut Conn,
            h: &NewHeader<'_>,
            create: bool,
            v: NewVersion<'_, '_>,
            blocks: i64,
        ) -> Result<(), E> {
            let hash = v.content_hash.get()?;
            let row = |version: i64| NewHeader {
                version,
                content_hash: Some(hash),
                version_created_ns: Some(v.created_ns),
                blocks_id: blocks,
                ..h.clone()
            };
            if !create {
                if let Some(old) = archive_current(conn, h.series_key, false)? {
                    diesel::update(s::table.filter(s::id.eq(old.id)))
                        .set((&row(old.version + 1), s::updated_at.eq(diesel::dsl::now)))
                        .execute(conn)?;
                    return Ok(());
                }
            }
            match diesel::insert_into(s::table).values(&row(1)).execute(conn) {
                Ok(_) => Ok(()),
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) if create => Err(E::Md(meteaudata_core::storage::key_taken(h.series_key))),
                // Another writer saved the key first since the lock found nothing: again,
                // as an overwrite of its version.
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => Err(E::Again),
                Err(e) => Err(e.into()),
            }
        }

        /// The current header of `key` and its older versions, oldest first.
        pub(crate) fn versions(
            conn: &mut Conn,
            key: &str,
        ) -> Result<Option<(Header, Vec<Archived>)>, E> {
            read_tx(conn, |conn| {
                let Some(h) = find(conn, key)? else {
                    return Ok(None);
                };
                let older = ver::table
                    .filter(ver::series_key.eq(key))
                    .order(ver::version.asc())
                    .load::<Archived>(conn)?;
                Ok(Some((h, older)))
            })
        }

        /// The series and metadata of an older version of `key`.
        pub(crate) fn load_archived(
            conn: &mut Conn,
            key: &str,
            version: i64,
        ) -> Result<Option<Stored>, E> {
            read_tx(conn, |conn| {
                let Some(a) = ver::table
                    .filter(ver::series_key.eq(key))
                    .filter(ver::version.eq(version))
                    .first::<Archived>(conn)
                    .optional()?
                else {
                    return Ok(None);
                };
                let h = a.header();
                let layout = h.layout(key)?;
                let series = read_points(conn, &h, &layout, key, None)?;
                Ok(Some((series, metadata(key, &h)?)))
            })
        }

        /// Removes the older versions `gone` of `key` with their blocks.
        pub(crate) fn prune(conn: &mut Conn, key: &str, gone: &[i64]) -> Result<(), E> {
            write_tx(conn, |conn| {
                let ids: Vec<i64> = ver::table
                    .filter(ver::series_key.eq(key))
                    .filter(ver::version.eq_any(gone))
                    .select(ver::blocks_id)
                    .load(conn)?;
                diesel::delete(b::table.filter(b::series_id.eq_any(&ids))).execute(conn)?;
                diesel::delete(
                    ver::table
                        .filter(ver::series_key.eq(key))
                        .filter(ver::version.eq_any(gone)),
                )
                .execute(conn)?;
                Ok(())
            })
        }

        /// Removes every older version of `key` with its blocks.
        fn drop_versions(conn: &mut Conn, key: &str) -> Result<(), E> {
            let ids: Vec<i64> = ver::table
                .filter(ver::series_key.eq(key))
                .select(ver::blocks_id)
                .load(conn)?;
            diesel::delete(b::table.filter(b::series_id.eq_any(&ids))).execute(conn)?;
            diesel::delete(ver::table.filter(ver::series_key.eq(key))).execute(conn)?;
            Ok(())
        }

        pub(crate) fn save(
            conn: &mut Conn,
            h: &NewHeader<'_>,
            enc: &Encoded<'_>,
            create: bool,
            v: NewVersion<'_, '_>,
        ) -> Result<(), E> {
            write_tx(conn, |conn| {
                // New blocks under a fresh id: the previous version keeps its own. They are
                // written before the key's row is locked (no other writer waits for them),
                // while the content hash is computed on another thread; the row then names
                // them.
                let blocks = crate::writer::fresh_blocks_id();
                insert_blocks(conn, blocks, 0, enc, &enc.layout).map_err(|e| match e {
                    // Another save drew the same id: again, with another.
                    E::Db(diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    )) => E::Again,
                    e => e,
                })?;
                next_header(conn, h, create, v, blocks)
            })
        }

        pub(crate) fn load(
            conn: &mut Conn,
            key: &str,
            range: Option<TimeRange>,
        ) -> Result<Option<Stored>, E> {
            read_tx(conn, |conn| {
                let Some(h) = find(conn, key)? else {
                    return Ok(None);
                };
                let layout = h.layout(key)?;
                check_window(key, &h, &layout, range)?;
                let series = read_points(conn, &h, &layout, key, range)?;
                Ok(Some((series, metadata(key, &h)?)))
            })
        }

        /// What a scan of `key` needs first: its header, layout and metadata, and for a
        /// window the starts of the blocks that may hold points of it (sorted).
        pub(crate) fn scan_open(
            conn: &mut Conn,
            key: &str,
            range: Option<TimeRange>,
        ) -> Result<Option<crate::ops::ScanStart>, E> {
            read_tx(conn, |conn| {
                let Some(h) = find(conn, key)? else {
                    return Ok(None);
                };
                let layout = h.layout(key)?;
                check_window(key, &h, &layout, range)?;
                let meta = metadata(key, &h)?;
                let starts = match range {
                    None => None,
                    Some(r) => Some(window_starts(conn, &h, r)?),
                };
                Ok(Some(crate::ops::ScanStart {
                    header: h,
                    layout,
                    metadata: meta,
                    starts,
                }))
            })
        }

        /// The next blocks of a scan (up to `blocks` of them) decoded into one series, cut to
        /// the window; `None` once every block was read. Fails when the series changed since
        /// the scan started or its blocks are not contiguous.
        pub(crate) fn scan_part(
            conn: &mut Conn,
            key: &str,
            start: &crate::ops::ScanStart,
            cursor_out: &mut crate::ops::ScanCursor,
            range: Option<TimeRange>,
            blocks: usize,
        ) -> Result<Option<Series>, E> {
            // The cursor moves only when the part was read (a retried query starts over).
            let mut c = *cursor_out;
            let cursor = &mut c;
            let part = read_tx(conn, |conn| {
                let h = &start.header;
                let now = find(conn, key)?;
                let same = now.as_ref().is_some_and(|n| {
                    n.blocks == h.blocks && n.n_points == h.n_points && n.layout == h.layout
                });
                if !same {
                    return Err(E::Md(meteaudata_core::Error::Conflict(format!(
                        "{key} was replaced or deleted while it was being scanned"
                    ))));
                }
                let cols = Columns::of(&start.layout);
                let rows: Vec<BlockRow> = match &start.starts {
                    None => {
                        if cursor.next >= h.n_points {
                            return Ok(None);
                        }
                        b::table
                            .filter(b::series_id.eq(h.blocks))
                            .filter(b::pos0.ge(cursor.next))
                            .filter(b::pos0.lt(h.n_points))
                            .order(b::pos0.asc())
                            .limit(blocks as i64)
                            .select(BLOCK_COLUMNS)
                            .load(conn)?
                    }
                    Some(starts) => {
                        if cursor.at >= starts.len() {
                            return Ok(None);
                        }
                        let end = (cursor.at + blocks).min(starts.len());
                        let chunk = &starts[cursor.at..end];
                        cursor.at = end;
                        b::table
                            .filter(b::series_id.eq(h.blocks))
                            .filter(b::pos0.eq_any(chunk))
                            .order(b::pos0.asc())
                            .select(BLOCK_COLUMNS)
                            .load(conn)?
                    }
                };
                if rows.is_empty() {
                    if start.starts.is_none() {
                        return Err(E::Md(meteaudata_core::Error::Corrupt {
                            location: key.to_string(),
                            message: format!(
                                "{} points are recorded but the blocks end at position {}",
                                h.n_points, cursor.next
                            ),
                        }));
                    }
                    return Ok(Some(
                        Decoder::new(&start.layout, key, 0, false)
                            .finish_part(&h.series_name, 0)?,
                    ));
                }
                let mut dec = Decoder::new(&start.layout, key, 0, false);
                let mut first_pos = None;
                for row in rows {
                    let blk = into_block(row, key)?.checked(cols, key)?;
                    if start.starts.is_none() && blk.pos0 != cursor.next {
                        return Err(E::Md(meteaudata_core::Error::Corrupt {
                            location: key.to_string(),
                            message: format!(
                                "a block starts at position {} where position {} was expected",
                                blk.pos0, cursor.next
                            ),
                        }));
                    }
                    cursor.next = blk.pos0 + blk.n as i64;
                    if let Some(pos) = dec.push_block(&blk, range)? {
                        first_pos.get_or_insert(pos);
                    }
                }
                if start.starts.is_none() && cursor.next > h.n_points {
                    return Err(E::Md(meteaudata_core::Error::Corrupt {
                        location: key.to_string(),
                        message: format!(
                            "{} points are recorded but the blocks hold {}",
                            h.n_points, cursor.next
                        ),
                    }));
                }
                Ok(Some(
                    dec.finish_part(&h.series_name, first_pos.unwrap_or(0))?,
                ))
            })?;
            *cursor_out = c;
            Ok(part)
        }

        /// Writes the points of `series` as blocks from position `pos0` under the staging id
        /// `staging` (a negative id no header has: invisible to every read).
        pub(crate) fn stage(
            conn: &mut Conn,
            staging: i64,
            pos0: i64,
            series: &Series,
        ) -> Result<(), E> {
            let enc = Encoded::new(series)?;
            // One transaction per piece, so that a retried piece starts clean.
            write_tx(conn, |conn| {
                insert_blocks(conn, staging, pos0, &enc, &enc.layout)
            })
        }

        /// Removes the blocks staged under `staging`.
        pub(crate) fn unstage(conn: &mut Conn, staging: i64) -> Result<(), E> {
            diesel::delete(b::table.filter(b::series_id.eq(staging))).execute(conn)?;
            Ok(())
        }

        /// Removes the blocks of every abandoned writer (negative ids that no version,
        /// current or older, holds).
        pub(crate) fn unstage_all(conn: &mut Conn) -> Result<usize, E> {
            let older = ver::table.select(ver::blocks_id);
            let current = s::table.select(s::blocks_id);
            Ok(diesel::delete(
                b::table
                    .filter(b::series_id.lt(0))
                    .filter(diesel::dsl::not(b::series_id.eq_any(older)))
                    .filter(diesel::dsl::not(b::series_id.eq_any(current))),
            )
            .execute(conn)?)
        }

        /// Makes the blocks staged under `staging` the points of the series `h` describes, in
        /// one transaction (readers see the previous value or this one): the row now names
        /// them, and the blocks do not move.
        pub(crate) fn commit_staged(
            conn: &mut Conn,
            h: &NewHeader<'_>,
            staging: i64,
            create: bool,
            v: NewVersion<'_, '_>,
        ) -> Result<(), E> {
            write_tx(conn, |conn| next_header(conn, h, create, v, staging))
        }

        fn set_points(conn: &mut Conn, id: i64, n: usize, layout: &Layout) -> Result<(), E> {
            diesel::update(s::table.filter(s::id.eq(id)))
                .set((
                    s::n_points.eq(n as i64),
                    s::index_kind.eq(layout.index.kind.as_str()),
                    s::layout.eq(layout.to_json()?),
                    s::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
            Ok(())
        }

        pub(crate) fn append(conn: &mut Conn, key: &str, more: &Series) -> Result<bool, E> {
            write_tx(conn, |conn| {
                // The version before the append is kept: a copy of its blocks.
                let Some(h) = archive_current(conn, key, true)? else {
                    return Ok(false);
                };
                let layout = h.layout(key)?;
                let enc = Encoded::new(more)?;
                match appended_layout(&layout, &enc.layout, more)? {
                    Some(new_layout) => {
                        match short_last_block(conn, &h, Columns::of(&layout), key)? {
                            Some(last) => {
                                diesel::delete(
                                    b::table
                                        .filter(b::series_id.eq(h.blocks))
                                        .filter(b::pos0.eq(last.pos0)),
                                )
                                .execute(conn)?;
                                let rows = Chain {
                                    first: &last,
                                    second: &enc,
                                };
                                insert_blocks(conn, h.blocks, last.pos0, &rows, &new_layout)?;
                            }
                            None => insert_blocks(conn, h.blocks, h.n_points, &enc, &new_layout)?,
                        }
                        set_points(conn, h.id, h.n_points as usize + enc.len(), &new_layout)?;
                    }
                    None => {
                        let series = read_points(conn, &h, &layout, key, None)?;
                        let joined = series.append(more)?;
                        let all = Encoded::new(&joined)?;
                        diesel::delete(b::table.filter(b::series_id.eq(h.blocks))).execute(conn)?;
                        insert_blocks(conn, h.blocks, 0, &all, &all.layout)?;
                        set_points(conn, h.id, all.len(), &all.layout)?;
                    }
                }
                // The new version hashes the whole series.
                let after = find(conn, key)?.ok_or_else(|| {
                    E::Md(meteaudata_core::Error::invalid_input(format!(
                        "{key}: the series row went away during an append"
                    )))
                })?;
                let series = read_points(conn, &after, &after.layout(key)?, key, None)?;
                let hash = series.content_hash()?.to_string();
                diesel::update(s::table.filter(s::id.eq(h.id)))
                    .set((
                        s::version.eq(h.version + 1),
                        s::content_hash.eq(Some(hash)),
                        s::version_created_ns.eq(Some(crate::ops::now_ns())),
                    ))
                    .execute(conn)?;
                Ok(true)
            })
        }

        pub(crate) fn exists(conn: &mut Conn, key: &str) -> Result<bool, E> {
            Ok(s::table
                .filter(s::series_key.eq(key))
                .select(s::id)
                .first::<i64>(conn)
                .optional()?
                .is_some())
        }

        pub(crate) fn delete(conn: &mut Conn, key: &str) -> Result<bool, E> {
            write_tx(conn, |conn| {
                let Some(h) = lock(conn, key)? else {
                    return Ok(false);
                };
                diesel::delete(b::table.filter(b::series_id.eq(h.blocks))).execute(conn)?;
                diesel::delete(s::table.filter(s::id.eq(h.id))).execute(conn)?;
                drop_versions(conn, key)?;
                Ok(true)
            })
        }

        /// Every stored key, as bytes (decoded one by one by the caller).
        pub(crate) fn list(conn: &mut Conn) -> Result<Vec<Vec<u8>>, E> {
            Ok(s::table
                .select(diesel::dsl::sql::<diesel::sql_types::Binary>(KEY_BYTES_SQL))
                .load::<Vec<u8>>(conn)?)
        }

        pub(crate) fn clear(conn: &mut Conn) -> Result<(), E> {
            write_tx(conn, |conn| {
                diesel::delete(b::table).execute(conn)?;
                diesel::delete(s::table).execute(conn)?;
                diesel::delete(ver::table).execute(conn)?;
                diesel::delete(snap::table).execute(conn)?;
                Ok(())
            })
        }

        /// Inserts a snapshot row; `false` if the name is taken (the row is left alone).
        pub(crate) fn snapshot_insert(
            conn: &mut Conn,
            name: &str,
            created_ns: i64,
            document: &str,
        ) -> Result<bool, E> {
            let row = (
                snap::name.eq(name),
                snap::created_ns.eq(created_ns),
                snap::document.eq(document),
            );
            match diesel::insert_into(snap::table).values(row).execute(conn) {
                Ok(_) => Ok(true),
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => Ok(false),
                Err(e) => Err(e.into()),
            }
        }

        /// The document of snapshot `name`.
        pub(crate) fn snapshot_document(conn: &mut Conn, name: &str) -> Result<Option<String>, E> {
            Ok(snap::table
                .filter(snap::name.eq(name))
                .select(snap::document)
                .first::<String>(conn)
                .optional()?)
        }

        /// Every snapshot name (in no particular order: collations differ).
        pub(crate) fn snapshot_names(conn: &mut Conn) -> Result<Vec<String>, E> {
            Ok(snap::table.select(snap::name).load::<String>(conn)?)
        }

        /// Removes snapshot `name`; `false` if there was none.
        pub(crate) fn snapshot_delete(conn: &mut Conn, name: &str) -> Result<bool, E> {
            Ok(diesel::delete(snap::table.filter(snap::name.eq(name))).execute(conn)? > 0)
        }

        pub(crate) fn migrate(conn: &mut Conn) -> Result<(), E> {
            use diesel_migrations::MigrationHarness;
            let mut last = None;
            // Processes opening one database at once take turns (`migration_lock`, a lock of
            // the database server); a failure is still tried again. SQLite has no such lock:
            // a migration that read the schema before another connection changed it is
            // refused at once ("database is locked", without waiting for the busy timeout),
            // so those are retried, with pauses, for up to a minute.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            let mut pause = std::time::Duration::from_millis(5);
            let mut failures = 0;
            while failures < 3 {
                migration_lock(conn)?;
                let ran = conn.run_pending_migrations(MIGRATIONS).map(|_| ());
                migration_unlock(conn);
                match ran {
                    Ok(()) => return Ok(()),
                    Err(e) => {
                        let text = e.to_string();
                        let locked = text.contains("database is locked");
                        if !locked || std::time::Instant::now() >= deadline {
                            failures += 1;
                        }
                        last = Some(text);
                        std::thread::sleep(pause);
                        pause = (pause * 2).min(std::time::Duration::from_millis(200));
                    }
                }
            }
            Err(E::Md(meteaudata_core::Error::Backend {
                backend: NAME.to_string(),
                message: format!("cannot create the tables: {}", last.unwrap_or_default()),
                source: None,
            }))
        }

        pub(crate) fn unmigrate(conn: &mut Conn) -> Result<(), E> {
            use diesel_migrations::MigrationHarness;
            conn.revert_all_migrations(MIGRATIONS).map_err(|e| {
                E::Md(meteaudata_core::Error::Backend {
                    backend: NAME.to_string(),
                    message: format!("cannot drop the tables: {e}"),
                    source: None,
                })
            })?;
            Ok(())
        }

        /// Whether the connection still works after an error.
        pub(crate) fn healthy(conn: &mut Conn) -> bool {
            use diesel::connection::{AnsiTransactionManager, TransactionManager};
            !<AnsiTransactionManager as TransactionManager<Conn>>::is_broken_transaction_manager(
                conn,
            ) && diesel::sql_query("SELECT 1").execute(conn).is_ok()
        }

        pub(crate) fn python_tables(conn: &mut Conn) -> Result<bool, E> {
            let n: Vec<crate::ops::CountRow> = diesel::sql_query(PY_TABLES_SQL).load(conn)?;
            Ok(n.first().is_some_and(|r| r.n > 0))
        }

        pub(crate) fn python_keys(conn: &mut Conn) -> Result<Vec<String>, E> {
            if !python_tables(conn)? {
                return Ok(Vec::new());
            }
            let rows: Vec<crate::ops::PyKeyRow> = diesel::sql_query(PY_KEYS_SQL).load(conn)?;
            Ok(rows.into_iter().map(|r| r.key).collect())
        }

        /// Creates Python's tables if they are not there.
        pub(crate) fn python_create(conn: &mut Conn) -> Result<(), E> {
            use diesel::connection::SimpleConnection;
            conn.batch_execute(PY_CREATE_SQL)?;
            Ok(())
        }

        /// Whether Python's tables hold `key`.
        pub(crate) fn python_exists(conn: &mut Conn, key: &str) -> Result<bool, E> {
            use diesel::sql_types::Text;
            let n: Vec<crate::ops::CountRow> = diesel::sql_query(PY_COUNT_SQL)
                .bind::<Text, _>(key)
                .load(conn)?;
            Ok(n.first().is_some_and(|r| r.n > 0))
        }

        /// Replaces `key` in Python's tables by `rows` (index text, value), in one write
        /// transaction: the metadata row first (which makes concurrent saves of the key wait
        /// for each other), then the points, in multi-row INSERTs of a bounded size.
        pub(crate) fn python_save(
            conn: &mut Conn,
            key: &str,
            meta: &crate::python_layout::PyMeta,
            rows: &[(String, Option<f64>)],
        ) -> Result<(), E> {
            use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text};
            write_tx(conn, |conn| {
                diesel::sql_query(PY_UPSERT_META_SQL)
                    .bind::<Text, _>(key)
                    .bind::<Text, _>(&meta.metadata_json)
                    .bind::<Nullable<Text>, _>(meta.series_name.as_deref())
                    .bind::<BigInt, _>(meta.length)
                    .bind::<Text, _>(&meta.dtype)
                    .execute(conn)?;
                diesel::sql_query(PY_DELETE_DATA_SQL)
                    .bind::<Text, _>(key)
                    .execute(conn)?;
                for (b, chunk) in rows
                    .chunks(crate::python_layout::ROWS_PER_INSERT)
                    .enumerate()
                {
                    let mut sql = String::from(PY_INSERT_HEAD);
                    for j in 0..chunk.len() {
                        let n = 4 * j;
                        if j > 0 {
                            sql.push_str(", ");
                        }
                        sql.push_str(&format!(
                            "({}, {}, {}, {})",
                            param(n + 1),
                            param(n + 2),
                            param(n + 3),
                            param(n + 4)
                        ));
                    }
                    let mut q = diesel::sql_query(sql).into_boxed();
                    for (j, (label, value)) in chunk.iter().enumerate() {
                        let idx = i32::try_from(b * crate::python_layout::ROWS_PER_INSERT + j)
                            .map_err(|_| {
                                E::Md(meteaudata_core::Error::invalid_input(
                                    "Python's SQL layout numbers points with 32-bit integers",
                                ))
                            })?;
                        q = q
                            .bind::<Text, _>(key)
                            .bind::<Integer, _>(idx)
                            .bind::<Text, _>(label.as_str())
                            .bind::<Nullable<Double>, _>(*value);
                    }
                    q.execute(conn)?;
                }
                Ok(())
            })
        }

        /// Removes `key` from Python's tables; `false` if it was not there.
        pub(crate) fn python_delete(conn: &mut Conn, key: &str) -> Result<bool, E> {
            use diesel::sql_types::Text;
            write_tx(conn, |conn| {
                let n = diesel::sql_query(PY_DELETE_META_SQL)
                    .bind::<Text, _>(key)
                    .execute(conn)?;
                diesel::sql_query(PY_DELETE_DATA_SQL)
                    .bind::<Text, _>(key)
                    .execute(conn)?;
                Ok(n > 0)
            })
        }

        /// Empties Python's tables.
        pub(crate) fn python_clear(conn: &mut Conn) -> Result<(), E> {
            use diesel::connection::SimpleConnection;
            write_tx(conn, |conn| Ok(conn.batch_execute(PY_CLEAR_SQL)?))
        }

        pub(crate) fn python_load(
            conn: &mut Conn,
            key: &str,
        ) -> Result<Option<(crate::ops::PyMetaRow, Vec<crate::ops::PyDataRow>)>, E> {
            use diesel::sql_types::Text;
            if !python_tables(conn)? {
                return Ok(None);
            }
            read_tx(conn, |conn| {
                let meta: Vec<crate::ops::PyMetaRow> = diesel::sql_query(PY_META_SQL)
                    .bind::<Text, _>(key)
                    .load(conn)?;
                let Some(meta) = meta.into_iter().next() else {
                    return Ok(None);
                };
                let data: Vec<crate::ops::PyDataRow> = diesel::sql_query(PY_DATA_SQL)
                    .bind::<Text, _>(key)
                    .load(conn)?;
                Ok(Some((meta, data)))
            })
        }
    };
}

pub(crate) use common_ops;

/// `lock`: the series row of a key, locked for the rest of the write transaction
/// (`SELECT … FOR UPDATE`; PostgreSQL and MySQL). Concurrent appends and deletes of one key wait
/// for each other.
#[cfg(any(feature = "postgres", feature = "mysql"))]
macro_rules! row_lock {
    () => {
        fn lock(conn: &mut Conn, key: &str) -> Result<Option<Header>, E> {
            Ok(s::table
                .filter(s::series_key.eq(key))
                .select(crate::ops::HEADER)
                .for_update()
                .first::<Header>(conn)
                .optional()?)
        }
    };
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) use row_lock;
