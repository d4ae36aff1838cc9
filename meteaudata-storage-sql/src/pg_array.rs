//! PostgreSQL's binary array format read in bulk into Arrow arrays.
//!
//! A block column arrives as one array value: a header (dimensions, a has-NULL flag, the
//! element type), the length and lower bound of its one dimension, then each element as a
//! 4-byte big-endian length (`-1` for NULL) followed by its bytes. The elements are written
//! straight into the buffers of an Arrow array (no per-element `Option`, no allocation per
//! element), and every count is checked against the bytes received before anything is
//! allocated from it.

use arrow_array::{Float64Array, Int64Array, StringArray};
use arrow_buffer::{Buffer, NullBufferBuilder, OffsetBuffer};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Array, BigInt, Double, Nullable, Text};

/// Type oid of `BIGINT` array elements.
pub(crate) const INT8_OID: u32 = 20;
/// Type oid of `TEXT` array elements.
pub(crate) const TEXT_OID: u32 = 25;
/// Type oid of `DOUBLE PRECISION` array elements.
pub(crate) const FLOAT8_OID: u32 = 701;

/// A `BIGINT[]` block column.
#[derive(Debug, FromSqlRow)]
pub(crate) struct I64s(pub Int64Array);

/// A `DOUBLE PRECISION[]` block column (every bit kept).
#[derive(Debug, FromSqlRow)]
pub(crate) struct F64s(pub Float64Array);

/// A `TEXT[]` block column.
#[derive(Debug, FromSqlRow)]
pub(crate) struct Texts(pub StringArray);

fn be_i32(b: &[u8]) -> i32 {
    i32::from_be_bytes(<[u8; 4]>::try_from(b).unwrap_or_default())
}

/// Reads an element's 4-byte length (`-1`: NULL) from the front of `at`.
fn element_len(at: &mut &[u8]) -> deserialize::Result<i32> {
    if at.len() < 4 {
        return Err("an array value is cut short".into());
    }
    let len = be_i32(&at[..4]);
    *at = &at[4..];
    Ok(len)
}

/// The element count and the element bytes of a one-dimensional array of `oid` elements.
fn elements(bytes: &[u8], oid: u32) -> deserialize::Result<(usize, &[u8])> {
    if bytes.len() < 12 {
        return Err("an array value is cut short".into());
    }
    let (dims, elem) = (be_i32(&bytes[0..4]), be_i32(&bytes[8..12]) as u32);
    if dims == 0 {
        return Ok((0, &[]));
    }
    if dims != 1 || elem != oid || bytes.len() < 20 {
        return Err(format!(
            "expected a one-dimensional array of type {oid}, got {dims} dimension(s) of type {elem}"
        )
        .into());
    }
    let n = usize::try_from(be_i32(&bytes[12..16]))
        .map_err(|_| "an array records a negative length")?;
    let rest = &bytes[20..];
    // Each element takes at least its 4-byte length.
    if n > rest.len() / 4 {
        return Err(format!("an array records {n} elements in {} bytes", rest.len()).into());
    }
    Ok((n, rest))
}

/// Reads `n` elements of 8 bytes each (or NULL) from `rest` into values and validity.
fn fixed<T: Default>(
    n: usize,
    rest: &[u8],
    from: impl Fn([u8; 8]) -> T,
) -> deserialize::Result<(Vec<T>, Option<arrow_buffer::NullBuffer>)> {
    let mut values = Vec::with_capacity(n);
    // Without NULLs every element is 12 bytes: one pass over fixed-size records.
    if rest.len() == 12 * n {
        for rec in rest.chunks_exact(12) {
            if be_i32(&rec[..4]) != 8 {
                return Err("an array element is not 8 bytes long".into());
            }
            values.push(from(<[u8; 8]>::try_from(&rec[4..]).unwrap_or_default()));
        }
        return Ok((values, None));
    }
    let mut nulls = NullBufferBuilder::new(n);
    let mut at = rest;
    for _ in 0..n {
        let len = element_len(&mut at)?;
        if len == -1 {
            values.push(T::default());
            nulls.append_null();
            continue;
        }
        if len != 8 || at.len() < 8 {
            return Err("an array element is not 8 bytes long".into());
        }
        values.push(from(<[u8; 8]>::try_from(&at[..8]).unwrap_or_default()));
        nulls.append_non_null();
        at = &at[8..];
    }
    if !at.is_empty() {
        return Err("an array value holds bytes after its elements".into());
    }
    Ok((values, nulls.finish()))
}

impl FromSql<Array<Nullable<BigInt>>, Pg> for I64s {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let (n, rest) = elements(value.as_bytes(), INT8_OID)?;
        let (values, nulls) = fixed(n, rest, i64::from_be_bytes)?;
        Ok(I64s(Int64Array::new(values.into(), nulls)))
    }
}

impl FromSql<Array<Nullable<Double>>, Pg> for F64s {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let (n, rest) = elements(value.as_bytes(), FLOAT8_OID)?;
        let (values, nulls) = fixed(n, rest, f64::from_be_bytes)?;
        Ok(F64s(Float64Array::new(values.into(), nulls)))
    }
}

impl FromSql<Array<Nullable<Text>>, Pg> for Texts {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let (n, mut at) = elements(value.as_bytes(), TEXT_OID)?;
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0i32);
        let mut text = Vec::with_capacity(at.len().saturating_sub(4 * n));
        let mut nulls = NullBufferBuilder::new(n);
        for _ in 0..n {
            let len = element_len(&mut at)?;
            if len == -1 {
                nulls.append_null();
            } else {
                let len = usize::try_from(len).map_err(|_| "an array element has a bad length")?;
                let bytes = at.get(..len).ok_or("an array value is cut short")?;
                text.extend_from_slice(bytes);
                at = &at[len..];
                nulls.append_non_null();
            }
            offsets.push(i32::try_from(text.len()).map_err(|_| "more than 2 GiB of text")?);
        }
        if !at.is_empty() {
            return Err("an array value holds bytes after its elements".into());
        }
        let array = StringArray::try_new(
            OffsetBuffer::new(offsets.into()),
            Buffer::from_vec(text),
            nulls.finish(),
        )?;
        Ok(Texts(array))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An array value as PostgreSQL sends it.
    fn wire(oid: u32, elems: &[Option<&[u8]>]) -> Vec<u8> {
        let mut b = Vec::new();
        let has_null = elems.iter().any(Option::is_none);
        for x in [1i32, i32::from(has_null), oid as i32, elems.len() as i32, 1] {
            b.extend_from_slice(&x.to_be_bytes());
        }
        for e in elems {
            match e {
                None => b.extend_from_slice(&(-1i32).to_be_bytes()),
                Some(bytes) => {
                    b.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
                    b.extend_from_slice(bytes);
                }
            }
        }
        b
    }

    #[test]
    fn fixed_columns_with_and_without_nulls() {
        let a = 7i64.to_be_bytes();
        let b = (-1i64).to_be_bytes();
        let bytes = wire(INT8_OID, &[Some(&a), None, Some(&b)]);
        let (n, rest) = elements(&bytes, INT8_OID).unwrap();
        let (v, nulls) = fixed(n, rest, i64::from_be_bytes).unwrap();
        assert_eq!(
            Int64Array::new(v.into(), nulls),
            Int64Array::from(vec![Some(7), None, Some(-1)])
        );
        let nan = f64::from_bits(0x7ff8_0000_dead_beef).to_be_bytes();
        let bytes = wire(FLOAT8_OID, &[Some(&nan), Some(&(-0.0f64).to_be_bytes())]);
        let (n, rest) = elements(&bytes, FLOAT8_OID).unwrap();
        let (v, nulls) = fixed(n, rest, f64::from_be_bytes).unwrap();
        assert!(nulls.is_none());
        assert_eq!(v[0].to_bits(), 0x7ff8_0000_dead_beef);
        assert_eq!(v[1].to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn damaged_values_are_errors_not_panics() {
        let a = 7i64.to_be_bytes();
        let good = wire(INT8_OID, &[Some(&a), None, Some(&a)]);
        for cut in 0..good.len() {
            let r = elements(&good[..cut], INT8_OID)
                .and_then(|(n, rest)| fixed(n, rest, i64::from_be_bytes));
            assert!(r.is_err(), "cut at {cut}");
        }
        // Wrong element type, two dimensions, a huge count, a 4-byte element.
        assert!(elements(&good, FLOAT8_OID).is_err());
        let mut two = good.clone();
        two[3] = 2;
        assert!(elements(&two, INT8_OID).is_err());
        let mut huge = good.clone();
        huge[12..16].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(elements(&huge, INT8_OID).is_err());
        let short = wire(INT8_OID, &[Some(&[0, 0, 0, 1])]);
        let (n, rest) = elements(&short, INT8_OID).unwrap();
        assert!(fixed(n, rest, i64::from_be_bytes).is_err());
    }
}
