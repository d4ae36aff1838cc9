//! Batched multi-row INSERTs of encoded blocks, for the databases without a bulk COPY
//! (SQLite, MySQL).

use meteaudata_core::{Error, Result};

use crate::blob::{encode_f64, encode_i64, encode_text};
use crate::block::spans;
use crate::codec::{Columns, Rows};
use crate::layout::Layout;
use crate::ops::E;

/// A block row as inserted by SQLite and MySQL (PostgreSQL streams the same columns by COPY).
#[derive(Debug, diesel::Insertable)]
#[diesel(table_name = crate::schema::blobs::meteaudata_blocks)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct BlobBlock {
    pub series_id: i64,
    pub pos0: i64,
    pub n_points: i32,
    pub t_min: Option<i64>,
    pub t_max: Option<i64>,
    pub t: Option<Vec<u8>>,
    pub label: Option<Vec<u8>>,
    pub v: Option<Vec<u8>>,
    pub vi: Option<Vec<u8>>,
    pub vs: Option<Vec<u8>>,
}

/// Blocks per INSERT statement (10 parameters each).
const BLOB_BATCH_BLOCKS: usize = 64;
/// Bytes per INSERT statement, well below MySQL's default 16 MiB packet limit.
const BLOB_BATCH_BYTES: usize = 4 << 20;

/// Encodes the points of `rows` (positions from `pos0`) as BLOB block rows and hands them to
/// `insert` in batches of at most [`BLOB_BATCH_BLOCKS`] rows and about [`BLOB_BATCH_BYTES`].
pub(crate) fn blob_batches(
    id: i64,
    pos0: i64,
    rows: &impl Rows,
    layout: &Layout,
    mut insert: impl FnMut(&[BlobBlock]) -> Result<(), E>,
) -> Result<(), E> {
    let cols = Columns::of(layout);
    let mut batch = Vec::with_capacity(BLOB_BATCH_BLOCKS);
    let mut bytes = 0;
    for span in spans(rows, layout) {
        let block = BlobBlock {
            series_id: id,
            pos0: pos0 + span.start as i64,
            n_points: i32::try_from(span.len())
                .map_err(|_| Error::invalid_input("block too large"))?,
            t_min: span.t_min,
            t_max: span.t_max,
            t: cols
                .t
                .then(|| encode_i64(rows, span, |r| r.t))
                .transpose()?,
            label: cols
                .label
                .then(|| encode_text(rows, span, |r| r.label))
                .transpose()?,
            v: cols.v.then(|| encode_f64(rows, span)).transpose()?,
            vi: cols
                .vi
                .then(|| encode_i64(rows, span, |r| r.vi))
                .transpose()?,
            vs: cols
                .vs
                .then(|| encode_text(rows, span, |r| r.vs))
                .transpose()?,
        };
        let size = [&block.t, &block.label, &block.v, &block.vi, &block.vs]
            .iter()
            .map(|c| c.as_ref().map_or(0, Vec::len))
            .sum::<usize>();
        // Sent before it would grow past the limits, so a statement stays below them unless
        // one block alone is larger (a single text of several MiB).
        if !batch.is_empty()
            && (batch.len() == BLOB_BATCH_BLOCKS || bytes + size > BLOB_BATCH_BYTES)
        {
            insert(&batch)?;
            batch.clear();
            bytes = 0;
        }
        bytes += size;
        batch.push(block);
    }
    if !batch.is_empty() {
        insert(&batch)?;
    }
    Ok(())
}

/// The batched INSERT of blocks shared by SQLite and MySQL. Expanded in each of them (diesel
/// needs the concrete connection type).
macro_rules! insert_blocks {
    () => {
        fn insert_blocks(
            conn: &mut Conn,
            id: i64,
            pos0: i64,
            rows: &impl Rows,
            layout: &Layout,
        ) -> Result<(), E> {
            crate::inserts::blob_batches(id, pos0, rows, layout, |batch| {
                diesel::insert_into(b::table).values(batch).execute(conn)?;
                Ok(())
            })
        }
    };
}

pub(crate) use insert_blocks;
