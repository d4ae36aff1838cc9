//! Footers, and the page headers of files without checksums, checked before the `parquet`
//! crate decodes them.
//!
//! The crate's Thrift decoder skips a list of booleans as if its elements took no bytes, so a
//! list claiming 2³¹ of them loops 2³¹ times: a 704-byte file took 17 s to open (found by the
//! `parquet_read` fuzz target; nested lists would take hours). Every footer (the file metadata,
//! decoded before its checksum can be checked) is therefore walked first with the reader
//! below, and refused when it is not a well-formed structure or holds a list, set or map of
//! booleans (the file metadata has none); a collection claiming more elements than bytes left
//! is refused at once.
//! Page headers are walked the same way.
//!
//! The crate sizes buffers from page headers without checking them against the page: a
//! dictionary page claiming 1.4 × 10⁹ values made it allocate 11 GB for a 2 KB file (found by
//! the `parquet_read` fuzz target), and a page's uncompressed size (up to 2 GiB) is allocated
//! before decompressing. Files with our checksums were written by us and are checked byte for
//! byte, so only files without them (Python's, or ours from before checksums) are walked here:
//! every page header of the column chunks to be read is parsed (Thrift compact protocol) and
//! refused when
//!
//! * its column chunk has a negative offset or size (the crate's `byte_range` panics on one),
//! * its uncompressed size is negative or above [`MAX_PAGE_BYTES`],
//! * a dictionary page holds more values than its bytes can encode (at least the width of the
//!   column's physical type per value: 4 bytes for byte arrays, a bit for booleans),
//! * a dictionary-encoded data page comes without a dictionary page before it in its column
//!   chunk (the crate panics on one).
//!
//! Nothing else is trusted or changed: the `parquet` crate parses the same headers again.

use crate::parquet_read::corrupt;
use crate::source::ReadAt;
use meteaudata_core::Result;
use parquet::basic::Type as PhysicalType;
use parquet::file::metadata::ParquetMetaData;

/// The largest uncompressed page accepted from a file without checksums (writers use pages
/// of about 1 MiB: pyarrow, Spark and parquet-rs by default).
pub const MAX_PAGE_BYTES: i64 = 64 << 20;

/// Page header bytes read at first; a header that needs more is read again with more, up to
/// [`MAX_HEADER_BYTES`].
const FIRST_READ: usize = 4096;
const MAX_HEADER_BYTES: usize = 16 << 20;
/// Nesting of Thrift structures and lists accepted (the `parquet` crate's own limit).
const MAX_DEPTH: usize = 64;

/// What a page header says, of what is checked.
#[derive(Debug, Default, PartialEq, Eq)]
struct Header {
    /// Bytes of the header itself.
    len: usize,
    page_type: Option<i32>,
    uncompressed: Option<i32>,
    compressed: Option<i32>,
    /// `num_values` of a dictionary page header.
    dict_values: Option<i32>,
    /// The values' encoding of a data page (v1 or v2).
    data_encoding: Option<i32>,
    /// The byte lengths of a v2 data page's definition and repetition levels.
    v2_levels: Option<(Option<i32>, Option<i32>)>,
}

const DICTIONARY_PAGE: i32 = 2;
/// Encodings whose values are indexes into the column chunk's dictionary page.
const DICTIONARY_ENCODINGS: [i32; 2] = [2, 8];

/// Checks the page headers of the column chunks of `groups` (see the module docs).
pub(crate) fn check_pages(
    file: &dyn ReadAt,
    meta: &ParquetMetaData,
    groups: &[usize],
) -> Result<()> {
    let path = file.location();
    let len = file.len();
    for &g in groups {
        let Some(group) = meta.row_groups().get(g) else {
            continue;
        };
        for col in group.columns() {
            let descr = col.column_descr();
            // The fewest bits a value takes in a dictionary page.
            let bits: i64 = match descr.physical_type() {
                PhysicalType::BOOLEAN => 1,
                PhysicalType::INT32 | PhysicalType::FLOAT | PhysicalType::BYTE_ARRAY => 32,
                PhysicalType::INT64 | PhysicalType::DOUBLE => 64,
                PhysicalType::INT96 => 96,
                PhysicalType::FIXED_LEN_BYTE_ARRAY => 8 * i64::from(descr.type_length().max(1)),
            };
            // `byte_range` would panic on a negative offset or size.
            let start = col
                .dictionary_page_offset()
                .unwrap_or_else(|| col.data_page_offset());
            let (Ok(start), Ok(size)) =
                (u64::try_from(start), u64::try_from(col.compressed_size()))
            else {
                return Err(corrupt(
                    path,
                    "a column chunk has a negative offset or size",
                ));
            };
            let end = start.saturating_add(size).min(len);
            let mut at = start;
            let mut dictionary = false;
            while at < end {
                let h = read_header(file, at, end)
                    .map_err(|why| corrupt(path, format!("a page header at byte {at} {why}")))?;
                judge(&h, bits, dictionary)
                    .map_err(|why| corrupt(path, format!("a page at byte {at} {why}")))?;
                dictionary |= h.page_type == Some(DICTIONARY_PAGE);
                at = at
                    .saturating_add(h.len as u64)
                    .saturating_add(h.compressed.unwrap_or(0) as u64);
            }
        }
    }
    Ok(())
}

/// Whether the `parquet` crate can be trusted with the page of header `h`, in a column whose
/// values take at least `bits` bits each, after a dictionary page or not (see the module
/// docs). The reason it cannot, if not.
fn judge(h: &Header, bits: i64, dictionary: bool) -> std::result::Result<(), String> {
    let uncompressed = h.uncompressed.unwrap_or(-1);
    if !(0..=MAX_PAGE_BYTES).contains(&i64::from(uncompressed)) {
        return Err(format!(
            "claims {uncompressed} bytes uncompressed (at most {MAX_PAGE_BYTES} are read from files without checksums)"
        ));
    }
    if h.compressed.unwrap_or(-1) < 0 {
        return Err("has a negative size".into());
    }
    if h.data_encoding
        .is_some_and(|e| DICTIONARY_ENCODINGS.contains(&e))
        && !dictionary
    {
        // The `parquet` crate panics on it ("Decoder for dict should have been set").
        return Err("is dictionary-encoded and has no dictionary page before it".into());
    }
    if let Some((def, rep)) = h.v2_levels {
        // The crate adds the two as `i32` (an overflow panics in debug builds).
        let (def, rep) = (i64::from(def.unwrap_or(-1)), i64::from(rep.unwrap_or(-1)));
        if def < 0 || rep < 0 || def + rep > i64::from(uncompressed) {
            return Err(format!(
                "claims {def} + {rep} bytes of levels in {uncompressed} bytes"
            ));
        }
    }
    if h.page_type == Some(DICTIONARY_PAGE) {
        let n = i64::from(h.dict_values.unwrap_or(-1));
        if n < 0 || n.saturating_mul(bits) > 8 * i64::from(uncompressed) {
            return Err(format!(
                "is a dictionary page claiming {n} values in {uncompressed} bytes"
            ));
        }
    }
    Ok(())
}

/// Checks the footer of the Parquet file `file` (see the module docs). A file too short for a
/// footer, or without the `PAR1` magic, is left to the `parquet` crate to refuse.
pub(crate) fn check_footer(file: &dyn ReadAt) -> Result<()> {
    let path = file.location();
    let len = file.len();
    let tail = match len.checked_sub(8) {
        Some(at) if len >= 12 => file.read_at(at, 8).ok(),
        _ => None,
    };
    let Some(tail) = tail.filter(|t| &t[4..] == b"PAR1") else {
        return Ok(());
    };
    let n = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if n + 8 > len {
        return Ok(());
    }
    let footer = file
        .read_at(len - 8 - n, n as usize)
        .map_err(|e| meteaudata_core::Error::io(path, e))?;
    let mut r = Reader {
        buf: &footer,
        pos: 0,
    };
    r.skip_value(12, 0).map_err(|e| {
        let why = match e {
            Short => "is cut short",
            Bad(why) => why,
        };
        corrupt(path, format!("the footer is damaged: {why}"))
    })
}

/// Reads the page header at `at` (the column chunk ends at `end`).
fn read_header(file: &dyn ReadAt, at: u64, end: u64) -> std::result::Result<Header, String> {
    let available = usize::try_from(end - at).unwrap_or(usize::MAX);
    let mut want = FIRST_READ.min(available);
    loop {
        let buf = file
            .read_at(at, want)
            .map_err(|e| format!("cannot be read: {e}"))?;
        match parse_header(&buf) {
            Ok(h) => return Ok(h),
            Err(Short) if want < available.min(MAX_HEADER_BYTES) => {
                want = (want * 4).min(available).min(MAX_HEADER_BYTES);
            }
            Err(Short) => return Err("is cut short or too long".into()),
            Err(Bad(why)) => return Err(format!("is damaged: {why}")),
        }
    }
}

use ParseError::{Bad, Short};

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// The bytes end before the header does.
    Short,
    /// Not a Thrift compact structure.
    Bad(&'static str),
}

type Parsed<T> = std::result::Result<T, ParseError>;

/// A Thrift compact protocol reader over a byte slice.
pub(crate) struct Reader<'b> {
    pub(crate) buf: &'b [u8],
    pub(crate) pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Parsed<u8> {
        let b = *self.buf.get(self.pos).ok_or(Short)?;
        self.pos += 1;
        Ok(b)
    }

    /// A ULEB128 varint (at most 10 bytes).
    pub(crate) fn varint(&mut self) -> Parsed<u64> {
        let mut out: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            if shift == 63 && b > 1 {
                return Err(Bad("a varint overflows"));
            }
            out |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(out);
            }
        }
        Err(Bad("a varint overflows"))
    }

    fn zigzag(&mut self) -> Parsed<i64> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn i32(&mut self) -> Parsed<i32> {
        i32::try_from(self.zigzag()?).map_err(|_| Bad("an i32 is out of range"))
    }

    fn skip(&mut self, n: u64) -> Parsed<()> {
        let n = usize::try_from(n).map_err(|_| Short)?;
        let end = self.pos.checked_add(n).ok_or(Short)?;
        if end > self.buf.len() {
            return Err(Short);
        }
        self.pos = end;
        Ok(())
    }

    /// Whether `n` elements can follow: each takes a byte at least (booleans in collections
    /// are refused), so the walk stays linear in the bytes.
    fn fits(&self, n: u64) -> Parsed<()> {
        if n > (self.buf.len() - self.pos) as u64 {
            return Err(Short);
        }
        Ok(())
    }

    /// Skips one value of compact type `t`.
    fn skip_value(&mut self, t: u8, depth: usize) -> Parsed<()> {
        if depth > MAX_DEPTH {
            return Err(Bad("structures nest too deep"));
        }
        match t {
            1 | 2 => Ok(()),
            3 => self.skip(1),
            4..=6 => self.varint().map(|_| ()),
            7 => self.skip(8),
            8 => {
                let n = self.varint()?;
                self.skip(n)
            }
            9 | 10 => {
                let h = self.byte()?;
                let size = match h >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                let elem = h & 0x0f;
                if elem == 1 || elem == 2 {
                    // Legal Thrift, but in no footer or page header; the `parquet` crate
                    // would skip such a list in time proportional to its claimed size.
                    return Err(Bad("a list of booleans"));
                }
                self.fits(size)?;
                for _ in 0..size {
                    self.skip_value(elem, depth + 1)?;
                }
                Ok(())
            }
            11 => {
                let size = self.varint()?;
                if size == 0 {
                    return Ok(());
                }
                let kv = self.byte()?;
                if [kv >> 4, kv & 0x0f].iter().any(|t| *t == 1 || *t == 2) {
                    // As for lists (no Parquet structure has a map at all).
                    return Err(Bad("a map of booleans"));
                }
                self.fits(size)?;
                for _ in 0..size {
                    self.skip_value(kv >> 4, depth + 1)?;
                    self.skip_value(kv & 0x0f, depth + 1)?;
                }
                Ok(())
            }
            12 => self.fields(depth + 1, |r, _, t, d| r.skip_value(t, d)),
            _ => Err(Bad("unknown field type")),
        }
    }

    /// Reads the fields of a structure up to its stop byte, calling `field` with each field's
    /// id and type (`field` reads or skips the value).
    fn fields(
        &mut self,
        depth: usize,
        mut field: impl FnMut(&mut Self, i16, u8, usize) -> Parsed<()>,
    ) -> Parsed<()> {
        let mut last: i16 = 0;
        loop {
            let h = self.byte()?;
            if h == 0 {
                return Ok(());
            }
            let t = h & 0x0f;
            let id = match h >> 4 {
                0 => {
                    i16::try_from(self.zigzag()?).map_err(|_| Bad("a field id is out of range"))?
                }
                delta => last.saturating_add(i16::from(delta)),
            };
            last = id;
            field(self, id, t, depth)?;
        }
    }
}

/// Parses a page header from the start of `buf`.
fn parse_header(buf: &[u8]) -> Parsed<Header> {
    let mut r = Reader { buf, pos: 0 };
    let mut h = Header::default();
    r.fields(0, |r, id, t, depth| match (id, t) {
        (1, 5) => r.i32().map(|v| h.page_type = Some(v)),
        (2, 5) => r.i32().map(|v| h.uncompressed = Some(v)),
        (3, 5) => r.i32().map(|v| h.compressed = Some(v)),
        (7, 12) => r.fields(depth + 1, |r, id, t, d| match (id, t) {
            (1, 5) => r.i32().map(|v| h.dict_values = Some(v)),
            _ => r.skip_value(t, d),
        }),
        // data_page_header (encoding: field 2) and data_page_header_v2 (field 4).
        (5, 12) => r.fields(depth + 1, |r, id, t, d| match (id, t) {
            (2, 5) => r.i32().map(|v| h.data_encoding = Some(v)),
            _ => r.skip_value(t, d),
        }),
        (8, 12) => {
            let mut levels = (None, None);
            r.fields(depth + 1, |r, id, t, d| match (id, t) {
                (4, 5) => r.i32().map(|v| h.data_encoding = Some(v)),
                (5, 5) => r.i32().map(|v| levels.0 = Some(v)),
                (6, 5) => r.i32().map(|v| levels.1 = Some(v)),
                _ => r.skip_value(t, d),
            })?;
            h.v2_levels = Some(levels);
            Ok(())
        }
        _ => r.skip_value(t, depth),
    })?;
    h.len = r.pos;
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn i32_field(delta: u8, v: i32, out: &mut Vec<u8>) {
        out.push(delta << 4 | 5);
        varint(((v << 1) ^ (v >> 31)) as u32 as u64, out);
    }

    /// A dictionary page header: type 2, sizes, crc, then the dictionary header (field 7).
    fn dictionary_header(uncompressed: i32, values: i32) -> Vec<u8> {
        let mut out = Vec::new();
        i32_field(1, DICTIONARY_PAGE, &mut out);
        i32_field(1, uncompressed, &mut out);
        i32_field(1, 100, &mut out);
        i32_field(1, 12345, &mut out); // crc
        out.push(3 << 4 | 12); // field 7, a structure
        i32_field(1, values, &mut out);
        i32_field(1, 0, &mut out); // encoding
        out.push(1 << 4 | 1); // is_sorted: true
        out.push(0);
        out.push(0);
        out
    }

    #[test]
    fn headers_are_read() {
        let bytes = dictionary_header(800, 100);
        let h = parse_header(&bytes).unwrap();
        assert_eq!(
            h,
            Header {
                len: bytes.len(),
                page_type: Some(DICTIONARY_PAGE),
                uncompressed: Some(800),
                compressed: Some(100),
                dict_values: Some(100),
                data_encoding: None,
                v2_levels: None,
            }
        );
        for cut in 0..bytes.len() {
            assert_eq!(parse_header(&bytes[..cut]), Err(Short), "{cut}");
        }
        // Unknown fields of every type are skipped: a list of structures, a map, a binary.
        let mut more = bytes[..bytes.len() - 1].to_vec();
        more.push(1 << 4 | 9); // field 8: a list
        more.push(2 << 4 | 12); // of 2 structures
        more.extend_from_slice(&[0, 0]);
        more.push(1 << 4 | 11); // field 9: a map
        more.extend_from_slice(&[1, 8 << 4 | 5, 1, b'k', 4]);
        more.push(1 << 4 | 8); // field 10: a binary
        more.extend_from_slice(&[3, b'a', b'b', b'c']);
        more.push(0);
        assert_eq!(parse_header(&more).unwrap().dict_values, Some(100));
    }

    /// A v2 data page header: type 3, sizes, then its header (field 8) with the levels'
    /// lengths.
    fn v2_header(uncompressed: i32, def: i32, rep: i32) -> Vec<u8> {
        let mut out = Vec::new();
        i32_field(1, 3, &mut out);
        i32_field(1, uncompressed, &mut out);
        i32_field(1, uncompressed, &mut out);
        out.push(5 << 4 | 12); // field 8, a structure
        for v in [16, 0, 16, 0] {
            // num_values, num_nulls, num_rows, encoding
            i32_field(1, v, &mut out);
        }
        i32_field(1, def, &mut out);
        i32_field(1, rep, &mut out);
        out.push(0);
        out.push(0);
        out
    }

    #[test]
    fn v2_level_lengths_are_checked() {
        let judged = |uncompressed, def, rep| {
            let h = parse_header(&v2_header(uncompressed, def, rep)).unwrap();
            assert_eq!(h.v2_levels, Some((Some(def), Some(rep))));
            judge(&h, 64, false)
        };
        assert_eq!(judged(100, 3, 0), Ok(()));
        assert_eq!(judged(100, 60, 40), Ok(()));
        // Their sum overflows an i32 (the crate's addition panics in debug builds).
        let e = judged(100, i32::MAX, i32::MAX).unwrap_err();
        assert!(e.contains("bytes of levels"), "{e}");
        assert!(judged(100, 60, 41).is_err());
        assert!(judged(100, -1, 0).is_err());
        assert!(judged(100, 0, -5).is_err());
    }

    #[test]
    fn headers_are_judged() {
        let h = parse_header(&dictionary_header(800, 100)).unwrap();
        assert_eq!(judge(&h, 64, false), Ok(()));
        // 100 values of 64 bits do not fit in 799 bytes.
        let h = parse_header(&dictionary_header(799, 100)).unwrap();
        assert!(judge(&h, 64, false).unwrap_err().contains("100 values"));
        let h = parse_header(&dictionary_header(-1, 100)).unwrap();
        assert!(judge(&h, 64, false).unwrap_err().contains("uncompressed"));
        let h = parse_header(&dictionary_header(MAX_PAGE_BYTES as i32 + 1, 1)).unwrap();
        assert!(judge(&h, 64, false).is_err());
        // A dictionary-encoded data page needs a dictionary page before it.
        let h = Header {
            uncompressed: Some(10),
            compressed: Some(10),
            data_encoding: Some(8),
            ..Header::default()
        };
        assert!(judge(&h, 64, false)
            .unwrap_err()
            .contains("no dictionary page"));
        assert_eq!(judge(&h, 64, true), Ok(()));
    }

    #[test]
    fn lists_of_booleans_are_refused() {
        // A list field (9) of 2^31 - 1 booleans, as the fuzz target's footer had: the
        // `parquet` crate skipped it element by element without reading a byte.
        let mut bytes = vec![1 << 4 | 9, 0xf0 | 1];
        varint(i32::MAX as u64, &mut bytes);
        bytes.push(0);
        assert_eq!(parse_header(&bytes), Err(Bad("a list of booleans")));
    }

    #[test]
    fn maps_of_booleans_are_refused() {
        // A map field (9) of 2^63 entries from boolean to boolean: no byte per entry in a
        // skip that takes booleans as empty (the fuzz target's hang of this reader).
        let mut bytes = vec![1 << 4 | 11];
        varint(u64::MAX >> 1, &mut bytes);
        bytes.extend_from_slice(&[1 << 4 | 1, 0]);
        assert_eq!(parse_header(&bytes), Err(Bad("a map of booleans")));
        // A list claiming more elements than bytes left stops at once.
        let mut bytes = vec![1 << 4 | 9, 0xf0 | 5];
        varint(1 << 40, &mut bytes);
        assert_eq!(parse_header(&bytes), Err(Short));
    }

    #[test]
    fn damaged_headers_are_errors_not_panics() {
        assert_eq!(parse_header(&[0x1d]), Err(Bad("unknown field type")));
        let deep = vec![1 << 4 | 12; 200];
        assert_eq!(parse_header(&deep), Err(Bad("structures nest too deep")));
        assert_eq!(
            parse_header(&[0x15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
            Err(Bad("a varint overflows"))
        );
    }
}
