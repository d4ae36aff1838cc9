//! The stored form of a block column on every database (BLOB in SQLite and MySQL, BYTEA in
//! PostgreSQL).
//!
//! ```text
//! byte 0     tag: b'i' (64-bit integers), b'f' (64-bit IEEE floats), b's' (UTF-8 text)
//! byte 1     1 if a validity bitmap follows, else 0 (no NULL entries)
//! bytes 2-5  n, the number of entries (u32, little-endian)
//! [bitmap]   ceil(n / 8) bytes, bit i (least significant first) set when entry i is not NULL
//! i, f       n × 8 bytes, little-endian (NULL entries hold 0)
//! s          (n + 1) u32 little-endian offsets into the text bytes that follow
//! ```
//!
//! This is Arrow's layout of the same arrays, so floats keep every bit (NaN payloads, ±inf,
//! -0.0) and any tool can decode a column with a few lines of code.

use arrow_array::{Float64Array, Int64Array, StringArray};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer};
use meteaudata_core::{Error, Result};

use crate::block::{Block, Span};
use crate::codec::{Row, Rows};

const TAG_I64: u8 = b'i';
const TAG_F64: u8 = b'f';
const TAG_TEXT: u8 = b's';
const HEADER: usize = 6;

fn header(out: &mut Vec<u8>, tag: u8, n: usize, valid: &[bool]) -> Result<()> {
    let n32 = u32::try_from(n).map_err(|_| Error::invalid_input("block too large"))?;
    let has_nulls = valid.iter().any(|v| !v);
    out.push(tag);
    out.push(u8::from(has_nulls));
    out.extend_from_slice(&n32.to_le_bytes());
    if has_nulls {
        let mut bitmap = vec![0u8; n.div_ceil(8)];
        for (i, _) in valid.iter().enumerate().filter(|(_, v)| **v) {
            bitmap[i / 8] |= 1 << (i % 8);
        }
        out.extend_from_slice(&bitmap);
    }
    Ok(())
}

fn fixed<T>(
    rows: &impl Rows,
    span: Span,
    tag: u8,
    get: impl Fn(Row<'_>) -> Option<T>,
    bytes: impl Fn(T) -> [u8; 8],
) -> Result<Vec<u8>> {
    let vals: Vec<Option<T>> = (span.start..span.end).map(|i| get(rows.row(i))).collect();
    let valid: Vec<bool> = vals.iter().map(Option::is_some).collect();
    let mut out = Vec::with_capacity(HEADER + span.len().div_ceil(8) + 8 * span.len());
    header(&mut out, tag, span.len(), &valid)?;
    for v in vals {
        out.extend_from_slice(&v.map_or([0; 8], &bytes));
    }
    Ok(out)
}

/// The `t` (or `vi`, with `get`) column of the points of `span`.
pub(crate) fn encode_i64(
    rows: &impl Rows,
    span: Span,
    get: impl Fn(Row<'_>) -> Option<i64>,
) -> Result<Vec<u8>> {
    fixed(rows, span, TAG_I64, get, i64::to_le_bytes)
}

/// The `v` column of the points of `span`.
pub(crate) fn encode_f64(rows: &impl Rows, span: Span) -> Result<Vec<u8>> {
    fixed(
        rows,
        span,
        TAG_F64,
        |r| r.v,
        |x: f64| x.to_bits().to_le_bytes(),
    )
}

/// A text column (`label` or `vs`, with `get`) of the points of `span`.
pub(crate) fn encode_text<'r, R: Rows>(
    rows: &'r R,
    span: Span,
    get: impl Fn(Row<'r>) -> Option<&'r str>,
) -> Result<Vec<u8>> {
    let vals: Vec<Option<&str>> = (span.start..span.end).map(|i| get(rows.row(i))).collect();
    let valid: Vec<bool> = vals.iter().map(Option::is_some).collect();
    let total: usize = vals.iter().flatten().map(|s| s.len()).sum();
    let too_long = || Error::invalid_input("more than 4 GiB of text in one block");
    u32::try_from(total).map_err(|_| too_long())?;
    let mut out =
        Vec::with_capacity(HEADER + span.len().div_ceil(8) + 4 * (span.len() + 1) + total);
    header(&mut out, TAG_TEXT, span.len(), &valid)?;
    let mut offset = 0u32;
    out.extend_from_slice(&offset.to_le_bytes());
    for v in &vals {
        // Cannot overflow: the total was checked above.
        offset += v.map_or(0, str::len) as u32;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    for v in vals.into_iter().flatten() {
        out.extend_from_slice(v.as_bytes());
    }
    Ok(out)
}

/// A column split into its parts.
struct Parts<'b> {
    /// Number of entries.
    n: usize,
    /// Validity bitmap, when some entries are NULL.
    bitmap: Option<&'b [u8]>,
    /// The numbers, or the offsets and the text.
    payload: &'b [u8],
}

/// Reads a column header: entry count, validity bitmap (if any) and the payload after them.
fn open<'b>(blob: &'b [u8], tag: u8, location: &str) -> Result<Parts<'b>> {
    let corrupt = |message: String| Error::Corrupt {
        location: location.to_string(),
        message,
    };
    if blob.len() < HEADER || blob[0] != tag || blob[1] > 1 {
        return Err(corrupt(format!(
            "a block column does not start with the expected {:?} header",
            tag as char
        )));
    }
    let n = u32::from_le_bytes([blob[2], blob[3], blob[4], blob[5]]) as usize;
    let rest = &blob[HEADER..];
    if blob[1] == 0 {
        return Ok(Parts {
            n,
            bitmap: None,
            payload: rest,
        });
    }
    let len = n.div_ceil(8);
    if rest.len() < len {
        return Err(corrupt(
            "a block column's validity bitmap is cut short".into(),
        ));
    }
    Ok(Parts {
        n,
        bitmap: Some(&rest[..len]),
        payload: &rest[len..],
    })
}

/// The validity of `n` entries from a stored bitmap (`None`: no NULL entries).
fn nulls(bitmap: Option<&[u8]>, n: usize) -> Option<NullBuffer> {
    bitmap
        .map(|bits| NullBuffer::new(BooleanBuffer::new(Buffer::from(bits), 0, n)))
        .filter(|nb| nb.null_count() > 0)
}

/// The parts of a column of 8-byte numbers, its payload checked against its count.
fn fixed_parts<'b>(blob: &'b [u8], tag: u8, location: &str) -> Result<Parts<'b>> {
    // Sizes are checked before anything is allocated: the count comes from the database.
    let parts = open(blob, tag, location)?;
    if parts.payload.len() != 8 * parts.n {
        return Err(Error::Corrupt {
            location: location.to_string(),
            message: format!(
                "a block column of {} entries holds {} bytes instead of {}",
                parts.n,
                parts.payload.len(),
                8 * parts.n
            ),
        });
    }
    Ok(parts)
}

/// The little-endian 8-byte words of `payload` (a whole number of them).
fn words(payload: &[u8]) -> impl Iterator<Item = [u8; 8]> + '_ {
    payload
        .chunks_exact(8)
        .map(|c| <[u8; 8]>::try_from(c).unwrap_or_default())
}

/// Decodes an integer column in bulk.
pub(crate) fn decode_i64(blob: &[u8], location: &str) -> Result<Int64Array> {
    let Parts { n, bitmap, payload } = fixed_parts(blob, TAG_I64, location)?;
    let values: Vec<i64> = words(payload).map(i64::from_le_bytes).collect();
    Ok(Int64Array::new(values.into(), nulls(bitmap, n)))
}

/// Decodes a float column in bulk (every bit kept).
pub(crate) fn decode_f64(blob: &[u8], location: &str) -> Result<Float64Array> {
    let Parts { n, bitmap, payload } = fixed_parts(blob, TAG_F64, location)?;
    let values: Vec<f64> = words(payload).map(f64::from_le_bytes).collect();
    Ok(Float64Array::new(values.into(), nulls(bitmap, n)))
}

/// Decodes a text column in bulk (offsets and UTF-8 checked once for the whole column).
pub(crate) fn decode_text(blob: &[u8], location: &str) -> Result<StringArray> {
    let Parts { n, bitmap, payload } = open(blob, TAG_TEXT, location)?;
    let corrupt = |message: &str| Error::Corrupt {
        location: location.to_string(),
        message: format!("a text block column {message}"),
    };
    let offsets_len = 4 * (n + 1);
    if payload.len() < offsets_len {
        return Err(corrupt("is cut short"));
    }
    let (offsets, text) = payload.split_at(offsets_len);
    let offsets: Vec<i32> = offsets
        .chunks_exact(4)
        .map(|c| {
            i32::try_from(u32::from_le_bytes(
                <[u8; 4]>::try_from(c).unwrap_or_default(),
            ))
        })
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| corrupt("has an offset past 2 GiB"))?;
    if offsets[0] != 0
        || offsets.windows(2).any(|w| w[0] > w[1])
        || offsets[n] as usize != text.len()
    {
        return Err(corrupt("has inconsistent offsets"));
    }
    StringArray::try_new(
        OffsetBuffer::new(offsets.into()),
        Buffer::from(text),
        nulls(bitmap, n),
    )
    .map_err(|_| corrupt("holds invalid UTF-8"))
}

/// A block column decoded from the bytes the database driver holds (no copy into a `Vec`
/// first). A column that does not decode is kept as its error until the key is known.
macro_rules! column_type {
    ($name:ident, $array:ty, $decode:ident, $what:literal) => {
        #[doc = concat!("A stored ", $what, " column, decoded.")]
        #[derive(Debug, diesel::deserialize::FromSqlRow)]
        pub(crate) struct $name(Result<$array>);

        impl $name {
            /// The column, or `Corrupt` naming `key`.
            pub(crate) fn array(self, key: &str) -> Result<$array> {
                self.0.map_err(|e| match e {
                    Error::Corrupt { message, .. } => Error::Corrupt {
                        location: key.to_string(),
                        message,
                    },
                    other => other,
                })
            }
        }

        #[cfg(feature = "postgres")]
        impl diesel::deserialize::FromSql<diesel::sql_types::Binary, diesel::pg::Pg> for $name {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                Ok($name($decode(value.as_bytes(), "")))
            }
        }

        #[cfg(feature = "mysql")]
        impl diesel::deserialize::FromSql<diesel::sql_types::Binary, diesel::mysql::Mysql>
            for $name
        {
            fn from_sql(value: diesel::mysql::MysqlValue<'_>) -> diesel::deserialize::Result<Self> {
                Ok($name($decode(value.as_bytes(), "")))
            }
        }

        #[cfg(feature = "sqlite")]
        impl diesel::deserialize::FromSql<diesel::sql_types::Binary, diesel::sqlite::Sqlite>
            for $name
        {
            fn from_sql(
                mut value: diesel::sqlite::SqliteValue<'_, '_, '_>,
            ) -> diesel::deserialize::Result<Self> {
                Ok($name($decode(value.read_blob(), "")))
            }
        }
    };
}

column_type!(I64Column, Int64Array, decode_i64, "integer");
column_type!(F64Column, Float64Array, decode_f64, "float");
column_type!(TextColumn, StringArray, decode_text, "text");

/// A block row as read: `(pos0, n_points, t, label, v, vi, vs)`.
pub(crate) type BlockRow = (
    i64,
    i32,
    Option<I64Column>,
    Option<TextColumn>,
    Option<F64Column>,
    Option<I64Column>,
    Option<TextColumn>,
);

/// The block of a row read for `key`.
pub(crate) fn block(row: BlockRow, key: &str) -> Result<Block> {
    let (pos0, n, t, label, v, vi, vs) = row;
    Ok(Block {
        pos0,
        n: crate::ops::block_len(n, pos0, key)?,
        t: t.map(|c| c.array(key)).transpose()?,
        label: label.map(|c| c.array(key)).transpose()?,
        v: v.map(|c| c.array(key)).transpose()?,
        vi: vi.map(|c| c.array(key)).transpose()?,
        vs: vs.map(|c| c.array(key)).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::Block;

    fn block() -> Block {
        Block {
            pos0: 0,
            n: 4,
            t: Some(vec![Some(i64::MIN), None, Some(0), Some(i64::MAX)].into()),
            label: Some(vec![Some("é\"'"), Some(""), None, Some("z")].into()),
            v: Some(
                vec![
                    Some(-0.0),
                    Some(f64::from_bits(0x7ff8_0000_dead_beef)),
                    None,
                    Some(f64::NEG_INFINITY),
                ]
                .into(),
            ),
            vi: None,
            vs: None,
        }
    }

    fn span(n: usize) -> Span {
        Span {
            start: 0,
            end: n,
            t_min: None,
            t_max: None,
        }
    }

    #[test]
    fn columns_round_trip_bit_for_bit() {
        let b = block();
        let t = decode_i64(&encode_i64(&b, span(4), |r| r.t).unwrap(), "k").unwrap();
        assert_eq!(Some(t), b.t);
        let l = decode_text(&encode_text(&b, span(4), |r| r.label).unwrap(), "k").unwrap();
        assert_eq!(Some(l), b.label);
        let v = decode_f64(&encode_f64(&b, span(4)).unwrap(), "k").unwrap();
        let bits = |v: &Float64Array| v.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
        assert_eq!(bits(&v), bits(b.v.as_ref().unwrap()));
        // No NULLs: no bitmap.
        let sub = Span {
            start: 2,
            end: 4,
            ..span(0)
        };
        let enc = encode_i64(&b, sub, |r| r.t).unwrap();
        assert_eq!((enc[1], enc.len()), (0, HEADER + 16));
        let back = decode_i64(&enc, "k").unwrap();
        assert_eq!(back, Int64Array::from(vec![0, i64::MAX]));
        assert_eq!(arrow_array::Array::nulls(&back), None);
    }

    #[test]
    fn damaged_columns_are_corrupt_not_panics() {
        let b = block();
        let good = encode_text(&b, span(4), |r| r.label).unwrap();
        for cut in 0..good.len() {
            let e = decode_text(&good[..cut], "k/x").unwrap_err();
            assert_eq!(e.kind(), meteaudata_core::ErrorKind::Corrupt, "{cut}: {e}");
        }
        let nums = encode_i64(&b, span(4), |r| r.t).unwrap();
        assert!(decode_f64(&nums, "k").is_err(), "wrong tag");
        assert!(decode_i64(&nums[..nums.len() - 1], "k").is_err());
        // A count of 2^32 - 1 is refused before anything that size is allocated.
        for tag in [b'i', b'f', b's'] {
            let mut huge = vec![tag, 0];
            huge.extend_from_slice(&u32::MAX.to_le_bytes());
            huge.extend_from_slice(&[0; 16]);
            let e = match tag {
                b'i' => decode_i64(&huge, "k").map(|_| ()),
                b'f' => decode_f64(&huge, "k").map(|_| ()),
                _ => decode_text(&huge, "k").map(|_| ()),
            };
            assert_eq!(e.unwrap_err().kind(), meteaudata_core::ErrorKind::Corrupt);
        }
        let mut bad_utf8 = encode_text(&b, span(1), |r| r.label).unwrap();
        let last = bad_utf8.len() - 1;
        bad_utf8[last] = 0xff;
        assert!(decode_text(&bad_utf8, "k").is_err());
    }
}
