//! Definition levels checked page by page, before the `parquet` crate decodes them.
//!
//! A nullable column stores, per page, a run-length/bit-packed hybrid of definition levels
//! (which rows hold a value). The `parquet` crate trusts the length of each bit-packed run:
//! a run claiming more groups than its page holds makes arrow-buffer panic ("offset + len out
//! of bounds"; found by the `parquet_read` fuzz target). The pages the decoder reads therefore
//! come through [`CheckedGroups`], whose page readers walk every data page's definition levels
//! (a handful of bytes per run, no decoding of values) and refuse a page whose levels do not
//! fit in it, or end before its values do, as a Parquet error the reader reports as `Corrupt`.
//!
//! Everything else is the `parquet` crate's: the same page readers, handed on unchanged.

use crate::page_check::Reader;
use bytes::Bytes;
use parquet::arrow::arrow_reader::RowGroups;
use parquet::basic::Encoding;
use parquet::column::page::{Page, PageIterator, PageMetadata, PageReader};
use parquet::errors::{ParquetError, Result};
use parquet::file::metadata::{ParquetMetaData, RowGroupMetaData};
use parquet::file::reader::ChunkReader;
use parquet::file::serialized_reader::SerializedPageReader;
use std::sync::Arc;

/// The selected row groups of one file, read through level-checking page readers.
pub(crate) struct CheckedGroups<R: ChunkReader> {
    pub(crate) file: Arc<R>,
    pub(crate) meta: Arc<ParquetMetaData>,
    pub(crate) groups: Vec<usize>,
}

impl<R: ChunkReader + 'static> RowGroups for CheckedGroups<R> {
    fn num_rows(&self) -> usize {
        self.groups
            .iter()
            .map(|&g| usize::try_from(self.meta.row_group(g).num_rows()).unwrap_or(0))
            .fold(0, usize::saturating_add)
    }

    fn column_chunks(&self, i: usize) -> Result<Box<dyn PageIterator>> {
        Ok(Box::new(Chunks {
            file: Arc::clone(&self.file),
            meta: Arc::clone(&self.meta),
            column: i,
            groups: self.groups.clone().into_iter(),
        }))
    }

    fn row_groups(&self) -> Box<dyn Iterator<Item = &RowGroupMetaData> + '_> {
        Box::new(self.groups.iter().map(|&g| self.meta.row_group(g)))
    }

    fn metadata(&self) -> &ParquetMetaData {
        &self.meta
    }
}

/// The column chunks of one column, a row group after the other.
struct Chunks<R: ChunkReader> {
    file: Arc<R>,
    meta: Arc<ParquetMetaData>,
    column: usize,
    groups: std::vec::IntoIter<usize>,
}

impl<R: ChunkReader + 'static> Iterator for Chunks<R> {
    type Item = Result<Box<dyn PageReader>>;

    fn next(&mut self) -> Option<Self::Item> {
        let g = self.groups.next()?;
        let group = self.meta.row_group(g);
        let chunk = group.column(self.column);
        let descr = chunk.column_descr();
        let def_bits = bit_width(descr.max_def_level());
        let rows = usize::try_from(group.num_rows()).unwrap_or(0);
        Some(
            SerializedPageReader::new(Arc::clone(&self.file), chunk, rows, None).map(|inner| {
                Box::new(LevelChecked {
                    inner,
                    def_bits,
                    has_rep: descr.max_rep_level() > 0,
                }) as Box<dyn PageReader>
            }),
        )
    }
}

impl<R: ChunkReader + 'static> PageIterator for Chunks<R> {}

/// The bits a level up to `max` takes (0 for a column without levels).
fn bit_width(max: i16) -> u8 {
    (16 - max.max(0).leading_zeros()) as u8
}

/// A page reader whose data pages have their definition levels checked.
struct LevelChecked<R: ChunkReader> {
    inner: SerializedPageReader<R>,
    /// Bit width of the column's definition levels (0: the column has none).
    def_bits: u8,
    /// Whether repetition levels come before the definition levels.
    has_rep: bool,
}

impl<R: ChunkReader> LevelChecked<R> {
    fn check(&self, page: &Page) -> Result<()> {
        if self.def_bits == 0 {
            return Ok(());
        }
        let (levels, values) = match page {
            Page::DataPage {
                buf,
                num_values,
                def_level_encoding: Encoding::RLE,
                rep_level_encoding,
                ..
            } => {
                // Length-prefixed runs, after the repetition levels (when the column has them).
                let mut at = 0;
                if self.has_rep {
                    if *rep_level_encoding != Encoding::RLE {
                        return Ok(());
                    }
                    match prefixed(buf, at) {
                        Some((_, end)) => at = end,
                        None => return Ok(()),
                    }
                }
                match prefixed(buf, at) {
                    Some((levels, _)) => (levels, *num_values),
                    // The `parquet` crate refuses a length past the page.
                    None => return Ok(()),
                }
            }
            Page::DataPageV2 {
                buf,
                num_values,
                def_levels_byte_len,
                rep_levels_byte_len,
                ..
            } => {
                let start = *rep_levels_byte_len as usize;
                let end = start.saturating_add(*def_levels_byte_len as usize);
                match buf.get(start..end) {
                    Some(_) => (buf.slice(start..end), *num_values),
                    None => return Ok(()),
                }
            }
            // Bit-packed (deprecated) levels are sized from the page's value count; other
            // encodings are refused by the `parquet` crate.
            _ => return Ok(()),
        };
        check_levels(&levels, self.def_bits, values as usize).map_err(|why| {
            ParquetError::General(format!("the definition levels of a data page {why}"))
        })
    }
}

/// The bytes of the length-prefixed runs at `at` in a v1 page, and where they end.
fn prefixed(buf: &Bytes, at: usize) -> Option<(Bytes, usize)> {
    let len = buf.get(at..at.checked_add(4)?)?;
    let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
    let start = at + 4;
    let end = start.checked_add(len).filter(|&e| e <= buf.len())?;
    Some((buf.slice(start..end), end))
}

/// Walks `levels` of bit width `bits` (a run-length/bit-packed hybrid) until `count` levels
/// are read: every run must lie within the bytes, and the bytes must hold `count` levels.
pub(crate) fn check_levels(
    levels: &[u8],
    bits: u8,
    count: usize,
) -> std::result::Result<(), String> {
    let value_bytes = usize::from(bits).div_ceil(8);
    let mut at = 0usize;
    let mut left = count;
    while left > 0 {
        let mut reader = Reader {
            buf: &levels[at.min(levels.len())..],
            pos: 0,
        };
        let (header, n) = reader
            .varint()
            .ok()
            .map(|h| (h, reader.pos))
            .ok_or_else(|| format!("end after {} of its {count} values", count - left))?;
        at += n;
        let run = header >> 1;
        if header & 1 == 1 {
            // `run` groups of 8 levels, `bits` bytes a group.
            let wanted = run.saturating_mul(8).min(left as u64) as usize;
            let bytes = (wanted.saturating_mul(usize::from(bits))).div_ceil(8);
            if at.saturating_add(bytes) > levels.len() {
                return Err(format!(
                    "claim a run of {} values that runs past the end of the page",
                    run.saturating_mul(8)
                ));
            }
            at = at.saturating_add(
                usize::try_from(run.saturating_mul(u64::from(bits))).unwrap_or(usize::MAX),
            );
            left -= wanted;
        } else {
            if at.saturating_add(value_bytes) > levels.len() {
                return Err("end inside a run".to_string());
            }
            at += value_bytes;
            left -= run.min(left as u64) as usize;
        }
    }
    Ok(())
}

impl<R: ChunkReader> Iterator for LevelChecked<R> {
    type Item = Result<Page>;

    fn next(&mut self) -> Option<Self::Item> {
        self.get_next_page().transpose()
    }
}

impl<R: ChunkReader> PageReader for LevelChecked<R> {
    fn get_next_page(&mut self) -> Result<Option<Page>> {
        let page = self.inner.get_next_page()?;
        if let Some(page) = &page {
            self.check(page)?;
        }
        Ok(page)
    }

    fn peek_next_page(&mut self) -> Result<Option<PageMetadata>> {
        self.inner.peek_next_page()
    }

    fn skip_next_page(&mut self) -> Result<()> {
        self.inner.skip_next_page()
    }

    fn supports_deferred_dictionary(&self) -> bool {
        self.inner.supports_deferred_dictionary()
    }

    fn take_deferred_dictionary(&mut self) -> Result<Option<Page>> {
        self.inner.take_deferred_dictionary()
    }

    fn at_record_boundary(&mut self) -> Result<bool> {
        self.inner.at_record_boundary()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_widths() {
        assert_eq!(bit_width(0), 0);
        assert_eq!(bit_width(1), 1);
        assert_eq!(bit_width(2), 2);
        assert_eq!(bit_width(3), 2);
        assert_eq!(bit_width(4), 3);
    }

    #[test]
    fn good_levels_pass() {
        // An RLE run of 10 ones.
        assert_eq!(check_levels(&[10 << 1, 1], 1, 10), Ok(()));
        // A bit-packed run of 2 groups (16 levels) holding 11 of them, then nothing more.
        assert_eq!(check_levels(&[2 << 1 | 1, 0xff, 0x07], 1, 11), Ok(()));
        // RLE then bit-packed, width 2 (2 bytes per group).
        assert_eq!(
            check_levels(&[4 << 1, 2, 1 << 1 | 1, 0xaa, 0xaa], 2, 12),
            Ok(())
        );
        // A run header of two bytes: 100 groups, 100 bytes.
        let mut two = vec![0xc9, 0x01];
        two.extend([0x55; 100]);
        assert_eq!(check_levels(&two, 1, 800), Ok(()));
        assert!(check_levels(&two[..101], 1, 800).is_err());
        // A page of no values needs no levels.
        assert_eq!(check_levels(&[], 1, 0), Ok(()));
        // A last group used in part needs only the bytes of the levels used.
        assert_eq!(check_levels(&[1 << 1 | 1, 0x07], 1, 3), Ok(()));
    }

    #[test]
    fn runs_past_the_page_are_refused() {
        // A bit-packed run of 50 groups with 2 bytes left: the fuzz target's panic.
        let e = check_levels(&[50 << 1 | 1, 0xff, 0xff], 1, 400).unwrap_err();
        assert!(e.contains("past the end"), "{e}");
        // Levels ending before the values do.
        let e = check_levels(&[4 << 1, 1], 1, 10).unwrap_err();
        assert!(e.contains("after 4 of its 10"), "{e}");
        // An RLE run without its value byte.
        assert!(check_levels(&[4 << 1], 1, 4).is_err());
        // A varint that never ends, and one of 11 bytes.
        assert!(check_levels(&[0xff, 0xff], 1, 4).is_err());
        assert!(check_levels(&[0x80; 11], 1, 4).is_err());
        // A run claiming 2^63 groups.
        let mut huge = vec![0xff; 9];
        huge.push(0x01);
        assert!(check_levels(&huge, 1, 4).is_err());
    }
}
