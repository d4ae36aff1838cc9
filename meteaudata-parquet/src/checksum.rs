//! Checksums of data files: every byte a load decodes is verified first, so a flipped bit is
//! a `Corrupt` error, never a wrong value (Parquet's own page CRCs are optional and the
//! `parquet` crate does not write them).
//!
//! A data file carries one key/value entry, [`CHECKSUM_ENTRY`], in its footer:
//!
//! ```text
//! v1 blake3 block=1048576 data=<bytes before the footer> footer=<64 hex> blocks=<32 hex per block>
//! ```
//!
//! * `blocks`: the BLAKE3 hash (first 16 bytes) of each 1 MiB block of the file up to the
//!   footer (the last block shorter). They are computed as the bytes are written, and checked
//!   as blocks are read: a window or a scan reads and checks only the blocks its row groups
//!   live in.
//! * `footer`: the BLAKE3 hash of the footer itself (the Thrift-encoded file metadata: schema,
//!   row group offsets and statistics, key/value entries), computed with these 64 characters
//!   as zeros and then written over them ([`seal`]). It is checked before anything in the
//!   footer is trusted.
//!
//! The data columns are not touched, so Python, pandas and any Parquet reader read the file as
//! before. Files without the entry (written by Python, or by versions before checksums) are
//! read as before, unverified; a file whose footer shows any trace of the entry is verified
//! (a flipped bit in the entry's name cannot pass a file off as unverified).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use meteaudata_core::{Error, Result};

use crate::source::ReadAt;
use parquet::errors::ParquetError;
use parquet::file::reader::{ChunkReader, Length};

/// The footer entry holding the checksums.
pub const CHECKSUM_ENTRY: &str = "meteaudata:checksums";
/// Bytes per checked block.
pub const BLOCK: usize = 1 << 20;
/// Bytes of each block hash kept.
const BLOCK_HASH: usize = 16;
/// What the footer hash is written over.
const FOOTER_FIELD: &str = "footer=";
const FOOTER_PLACEHOLDER: [u8; 64] = [b'0'; 64];
/// The start of the entry's value.
const VALUE_PREFIX: &str = "v1 blake3 block=";
/// The `created_by` of files with checksums: a second sign, apart from the entry, that the
/// file must have them (a flipped bit in the entry alone cannot make it look like an older
/// file without checksums).
pub const CREATED_BY: &str = "meteaudata-rs with checksums v1 (parquet-rs)";
/// Blocks whose check passed, kept for the reads that follow (two columns interleave).
const CACHED_BLOCKS: usize = 8;

/// A writer that hashes what passes through it, a [`BLOCK`] at a time.
#[derive(Debug)]
pub struct HashingWriter<W> {
    inner: W,
    written: u64,
    done: Vec<[u8; BLOCK_HASH]>,
    current: blake3::Hasher,
    in_current: usize,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            written: 0,
            done: Vec::new(),
            current: blake3::Hasher::new(),
            in_current: 0,
        }
    }

    /// The footer entry for the bytes written so far (the data, before the footer), with
    /// the footer hash left as zeros for [`seal`].
    pub fn entry(&self) -> String {
        let mut hashes = self.done.clone();
        if self.in_current > 0 {
            hashes.push(truncated(&self.current));
        }
        let mut out = format!(
            "{VALUE_PREFIX}{BLOCK} data={} {FOOTER_FIELD}{} blocks=",
            self.written,
            std::str::from_utf8(&FOOTER_PLACEHOLDER).unwrap_or_default()
        );
        for h in &hashes {
            for b in h {
                out.push_str(&format!("{b:02x}"));
            }
        }
        out
    }

    /// The wrapped writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

fn truncated(h: &blake3::Hasher) -> [u8; BLOCK_HASH] {
    let mut out = [0u8; BLOCK_HASH];
    out.copy_from_slice(&h.finalize().as_bytes()[..BLOCK_HASH]);
    out
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let mut rest = &buf[..n];
        while !rest.is_empty() {
            let take = (BLOCK - self.in_current).min(rest.len());
            self.current.update(&rest[..take]);
            self.in_current += take;
            rest = &rest[take..];
            if self.in_current == BLOCK {
                self.done.push(truncated(&self.current));
                self.current.reset();
                self.in_current = 0;
            }
        }
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The trailer of a Parquet file: where its footer starts and how long it is.
fn footer_span(file: &dyn ReadAt) -> std::io::Result<Option<(u64, usize)>> {
    let len = file.len();
    if len < 12 {
        return Ok(None);
    }
    let trailer = file.read_at(len - 8, 8)?;
    footer_span_of(&trailer, len)
}

/// [`footer_span`] from the last 8 bytes of a file of `len` bytes.
fn footer_span_of(trailer: &[u8], len: u64) -> std::io::Result<Option<(u64, usize)>> {
    if len < 12 || trailer.len() != 8 || &trailer[4..] != b"PAR1" {
        return Ok(None);
    }
    let footer_len = u64::from(u32::from_le_bytes([
        trailer[0], trailer[1], trailer[2], trailer[3],
    ]));
    if footer_len + 12 > len {
        return Ok(None);
    }
    Ok(Some((len - 8 - footer_len, footer_len as usize)))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What the footer says of our entry, read through the Parquet metadata decoder (so that
/// text elsewhere in the footer, an index name, a statistic or a metadata document, is never
/// taken for it).
enum Entry {
    /// The entry's value starts at this offset of the footer.
    At(usize),
    /// No entry, and nothing like one: a file without checksums.
    Absent,
    /// Something like the entry (a name or value one flipped bit away), or a footer that
    /// does not decode while it holds the entry's name: damage.
    Damaged,
}

/// Whether `text` is `want` with at most two bytes changed.
fn near(text: &str, want: &str) -> bool {
    text.len() == want.len()
        && text
            .bytes()
            .zip(want.bytes())
            .filter(|(a, b)| a != b)
            .count()
            <= 2
}

fn near_key(key: &str) -> bool {
    near(key, CHECKSUM_ENTRY)
}

/// Whether the raw footer holds our `created_by`, or our entry's name right before its
/// value's prefix (as Thrift lays them out): what is left of a file with checksums whose
/// footer decodes without them (a flipped bit can end the Thrift structure early). Files
/// without checksums do not hold either unless their own text spells them exactly.
fn raw_trace(footer: &[u8]) -> bool {
    if find(footer, CREATED_BY.as_bytes()).is_some() {
        return true;
    }
    let key = CHECKSUM_ENTRY.as_bytes();
    let mut from = 0;
    while let Some(k) = find(&footer[from..], key) {
        let key_end = from + k + key.len();
        let window = &footer[key_end..(key_end + 8 + VALUE_PREFIX.len()).min(footer.len())];
        if find(window, VALUE_PREFIX.as_bytes()).is_some() {
            return true;
        }
        from = key_end;
    }
    false
}

fn entry(footer: &[u8]) -> Entry {
    let traced = || raw_trace(footer);
    let Ok(meta) = parquet::file::metadata::ParquetMetaDataReader::decode_metadata(footer) else {
        return if traced() {
            Entry::Damaged
        } else {
            Entry::Absent
        };
    };
    let entries = meta.file_metadata().key_value_metadata();
    let marked = meta
        .file_metadata()
        .created_by()
        .is_some_and(|c| near(c, CREATED_BY));
    let mut ours = entries.into_iter().flatten().filter(|kv| {
        near_key(&kv.key)
            || kv
                .value
                .as_deref()
                .is_some_and(|v| v.starts_with(VALUE_PREFIX))
    });
    let (Some(kv), None) = (ours.next(), ours.next()) else {
        return if marked || entries.into_iter().flatten().any(|kv| near_key(&kv.key)) || traced() {
            Entry::Damaged
        } else {
            Entry::Absent
        };
    };
    let value = kv.value.as_deref().unwrap_or_default();
    if kv.key != CHECKSUM_ENTRY || !value.starts_with(VALUE_PREFIX) {
        return Entry::Damaged;
    }
    // The value (its length, its footer hash, every block hash) is this file's alone: found
    // by its first bytes, then checked whole.
    let v = value.as_bytes();
    let probe = &v[..v.len().min(160)];
    let mut from = 0;
    while let Some(p) = find(&footer[from..], probe) {
        let at = from + p;
        if footer.get(at..at + v.len()) == Some(v) {
            return Entry::At(at);
        }
        from = at + 1;
    }
    Entry::Damaged
}

/// Where the footer hash sits in `footer` (the 64 characters after `footer=` in the entry
/// starting at `start`).
fn footer_field(footer: &[u8], start: usize) -> Option<usize> {
    let at = start + find(&footer[start..], FOOTER_FIELD.as_bytes())? + FOOTER_FIELD.len();
    (at + 64 <= footer.len()).then_some(at)
}

/// The footer hash of `footer` (whose entry's hash field is zeros) written into it.
fn seal_footer(footer: &mut [u8], data_end: u64) -> std::result::Result<(), String> {
    let Entry::At(start) = entry(footer) else {
        return Err("no checksum entry".into());
    };
    let value = &footer[start..];
    let data = field(value, "data=").and_then(|b| std::str::from_utf8(b).ok()?.parse::<u64>().ok());
    if data != Some(data_end) {
        return Err(format!(
            "the checksums cover {data:?} bytes but the footer starts at {data_end}"
        ));
    }
    let at = footer_field(footer, start).ok_or("no footer hash field")?;
    if footer[at..at + 64] != FOOTER_PLACEHOLDER {
        return Err("the checksum entry is already sealed".into());
    }
    let hash = blake3::hash(footer);
    footer[at..at + 64].copy_from_slice(hash.to_hex().as_bytes());
    Ok(())
}

/// Writes the footer hash into a finished file (see the module docs). The file is the one
/// just written; it is synced by the caller. Fails if the checksums do not cover exactly the
/// bytes before the footer (something was written between them that no one would check).
pub fn seal(file: &File) -> std::io::Result<()> {
    let len = file.metadata()?.len();
    let bad = |m: &str| std::io::Error::other(format!("cannot seal a data file: {m}"));
    let mut trailer = [0u8; 8];
    if len >= 8 {
        file.read_exact_at(&mut trailer, len - 8)?;
    }
    let (start, n) = footer_span_of(&trailer, len)?.ok_or_else(|| bad("no Parquet footer"))?;
    let mut footer = vec![0u8; n];
    file.read_exact_at(&mut footer, start)?;
    seal_footer(&mut footer, start).map_err(|m| bad(&m))?;
    file.write_all_at(&footer, start)
}

/// [`seal`] for a file whose last bytes are in memory (an upload whose last part is held
/// back): `tail` holds the last `tail.len()` bytes of a file of `len` bytes, and must hold the
/// whole footer.
pub fn seal_tail(tail: &mut [u8], len: u64) -> std::io::Result<()> {
    let bad = |m: &str| std::io::Error::other(format!("cannot seal a data file: {m}"));
    let t = tail.len();
    let trailer = tail.get(t.saturating_sub(8)..).unwrap_or_default();
    let (start, n) = footer_span_of(trailer, len)?.ok_or_else(|| bad("no Parquet footer"))?;
    let held_from = len - t as u64;
    if start < held_from {
        return Err(bad("the footer is longer than the bytes held back"));
    }
    let at = (start - held_from) as usize;
    seal_footer(&mut tail[at..at + n], start).map_err(|m| bad(&m))
}

/// A data file opened for reading, its checksums (if it has any) checked as it is read.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    file: Arc<dyn ReadAt>,
    len: u64,
    location: String,
    /// The block hashes and the length they cover; `None`: a file without checksums.
    blocks: Option<(Vec<[u8; BLOCK_HASH]>, u64)>,
    /// The checked footer and trailer, from their offset to the end of the file.
    tail: Option<(u64, Bytes)>,
    cache: Mutex<VecDeque<(u64, Bytes)>>,
}

fn corrupt(location: &str, message: impl Into<String>) -> Error {
    Error::Corrupt {
        location: location.to_string(),
        message: message.into(),
    }
}

fn hex_bytes(s: &[u8]) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.chunks(2)
        .map(|p| {
            // Lower case only, as written: a flipped case bit is damage too.
            let d = |c: u8| match c {
                b'0'..=b'9' => Some(u32::from(c - b'0')),
                b'a'..=b'f' => Some(u32::from(c - b'a' + 10)),
                _ => None,
            };
            Some((d(p[0])? * 16 + d(p[1])?) as u8)
        })
        .collect()
}

/// The number after `name=` in `value`.
fn field<'v>(value: &'v [u8], name: &str) -> Option<&'v [u8]> {
    let at = find(value, name.as_bytes())? + name.len();
    let end = value[at..]
        .iter()
        .position(|&c| c == b' ')
        .map_or(value.len(), |p| at + p);
    Some(&value[at..end])
}

impl CheckedFile {
    /// Opens `file` and checks its footer; the data blocks are checked as they are read.
    pub fn open(file: Arc<dyn ReadAt>) -> Result<Self> {
        let location = file.location().to_string();
        let location = location.as_str();
        let io = |e: std::io::Error| Error::io(location, e);
        let len = file.len();
        let mut blocks = None;
        let mut tail = None;
        if let Some((start, n)) = footer_span(file.as_ref()).map_err(io)? {
            // The footer and the trailer, read once: later reads of them are served from
            // these checked bytes.
            let mut bytes = file
                .read_at(start, (len - start) as usize)
                .map_err(io)?
                .to_vec();
            match entry(&bytes[..n]) {
                Entry::Absent => {}
                Entry::Damaged => {
                    return Err(corrupt(
                        location,
                        "the checksum entry of the footer is damaged (the file is damaged)",
                    ))
                }
                Entry::At(at) => {
                    blocks = Some(check_footer(&mut bytes[..n], at, start, location)?);
                    tail = Some((start, Bytes::from(bytes)));
                }
            }
        }
        Ok(CheckedFile {
            inner: Arc::new(Inner {
                file,
                len,
                location: location.to_string(),
                blocks,
                tail,
                cache: Mutex::new(VecDeque::new()),
            }),
        })
    }
}

/// Checks the footer hash (the entry's value starts at `value_start`); returns the block
/// hashes and the bytes they cover. `footer` is left as it was.
fn check_footer(
    footer: &mut [u8],
    value_start: usize,
    start: u64,
    location: &str,
) -> Result<(Vec<[u8; BLOCK_HASH]>, u64)> {
    let bad = |m: &str| corrupt(location, format!("the checksum entry {m}"));
    let at = footer_field(footer, value_start).ok_or_else(|| bad("is damaged"))?;
    let sealed: [u8; 64] = footer[at..at + 64]
        .try_into()
        .map_err(|_| bad("is damaged"))?;
    let stored = hex_bytes(&sealed).ok_or_else(|| bad("is damaged"))?;
    footer[at..at + 64].copy_from_slice(&FOOTER_PLACEHOLDER);
    let matches = blake3::hash(footer).as_bytes()[..] == stored[..];
    footer[at..at + 64].copy_from_slice(&sealed);
    if !matches {
        return Err(corrupt(
            location,
            "the footer does not match its checksum (the file is damaged)",
        ));
    }
    // The footer is intact: the entry can be trusted.
    let value = &footer[value_start..];
    let block: usize = field(value, "block=")
        .and_then(|b| std::str::from_utf8(b).ok()?.parse().ok())
        .ok_or_else(|| bad("has no block size"))?;
    let data: u64 = field(value, "data=")
        .and_then(|b| std::str::from_utf8(b).ok()?.parse().ok())
        .ok_or_else(|| bad("has no data length"))?;
    if block != BLOCK || data != start {
        return Err(bad("does not describe this file"));
    }
    let hex = field(value, "blocks=").ok_or_else(|| bad("has no block hashes"))?;
    let want = data.div_ceil(BLOCK as u64) as usize;
    // The entry ends where the Thrift string ends: only the hex digits of `want` hashes.
    let hex = hex
        .get(..want * 2 * BLOCK_HASH)
        .ok_or_else(|| bad("has too few block hashes"))?;
    let raw = hex_bytes(hex).ok_or_else(|| bad("is damaged"))?;
    let hashes = raw
        .chunks_exact(BLOCK_HASH)
        .map(|c| {
            let mut h = [0u8; BLOCK_HASH];
            h.copy_from_slice(c);
            h
        })
        .collect();
    Ok((hashes, data))
}

impl Inner {
    /// The bytes of block `i`, checked (from the cache when read before).
    fn block(&self, i: u64, hashes: &[[u8; BLOCK_HASH]], data: u64) -> Result<Bytes> {
        {
            let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((_, b)) = cache.iter().find(|(j, _)| *j == i) {
                return Ok(b.clone());
            }
        }
        let start = i * BLOCK as u64;
        let len = (data - start).min(BLOCK as u64) as usize;
        let buf = self
            .file
            .read_at(start, len)
            .map_err(|e| Error::io(&self.location, e))?;
        let want = hashes
            .get(i as usize)
            .ok_or_else(|| corrupt(&self.location, "a read past the checked data"))?;
        if blake3::hash(&buf).as_bytes()[..BLOCK_HASH] != want[..] {
            return Err(corrupt(
                &self.location,
                format!(
                    "bytes {start}..{} do not match their checksum (the file is damaged)",
                    start + len as u64
                ),
            ));
        }
        let bytes = buf;
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() == CACHED_BLOCKS {
            cache.pop_front();
        }
        cache.push_back((i, bytes.clone()));
        Ok(bytes)
    }

    /// `length` bytes from `start`, checked when they lie in the checked data.
    fn read(&self, start: u64, length: usize) -> Result<Bytes> {
        let end = start
            .checked_add(length as u64)
            .filter(|&e| e <= self.len)
            .ok_or_else(|| corrupt(&self.location, "a read past the end of the file"))?;
        let Some((hashes, data)) = &self.blocks else {
            return self
                .file
                .read_at(start, length)
                .map_err(|e| Error::io(&self.location, e));
        };
        if start >= *data {
            // The footer, checked when the file was opened.
            return match &self.tail {
                Some((from, bytes)) if start >= *from => {
                    let off = (start - from) as usize;
                    Ok(bytes.slice(off..off + length))
                }
                _ => Err(corrupt(
                    &self.location,
                    "a read of an unchecked part of the file",
                )),
            };
        }
        if end > *data {
            return Err(corrupt(
                &self.location,
                "a read across the end of the checked data",
            ));
        }
        let first = start / BLOCK as u64;
        let last = (end.max(start + 1) - 1) / BLOCK as u64;
        if first == last {
            let b = self.block(first, hashes, *data)?;
            let off = (start - first * BLOCK as u64) as usize;
            return Ok(b.slice(off..off + length));
        }
        let mut out = Vec::with_capacity(length);
        for i in first..=last {
            let b = self.block(i, hashes, *data)?;
            let block_start = i * BLOCK as u64;
            let from = start.saturating_sub(block_start) as usize;
            let to = ((end - block_start) as usize).min(b.len());
            out.extend_from_slice(&b[from..to]);
        }
        Ok(out.into())
    }
}

fn parquet_error(e: Error) -> ParquetError {
    ParquetError::External(Box::new(e))
}

impl Length for CheckedFile {
    fn len(&self) -> u64 {
        self.inner.len
    }
}

/// A reader from a position onwards, a block at a time.
pub struct CheckedRead {
    inner: Arc<Inner>,
    pos: u64,
}

impl Read for CheckedRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.inner.len || buf.is_empty() {
            return Ok(0);
        }
        // Up to the end of the block, and not across the end of the checked data.
        let mut limit = BLOCK as u64 - self.pos % BLOCK as u64;
        if let Some((_, data)) = &self.inner.blocks {
            if self.pos < *data {
                limit = limit.min(data - self.pos);
            }
        }
        let n = (buf.len() as u64).min(limit).min(self.inner.len - self.pos) as usize;
        let bytes = self
            .inner
            .read(self.pos, n)
            .map_err(std::io::Error::other)?;
        buf[..n].copy_from_slice(&bytes);
        self.pos += n as u64;
        Ok(n)
    }
}

impl ChunkReader for CheckedFile {
    type T = CheckedRead;

    fn get_read(&self, start: u64) -> parquet::errors::Result<CheckedRead> {
        Ok(CheckedRead {
            inner: Arc::clone(&self.inner),
            pos: start,
        })
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        self.inner.read(start, length).map_err(parquet_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_hashes_cover_every_byte_once() {
        let mut w = HashingWriter::new(Vec::new());
        let data: Vec<u8> = (0..(2 * BLOCK + 100)).map(|i| (i % 251) as u8).collect();
        // Written in odd pieces, across block edges.
        for piece in data.chunks(333_333) {
            w.write_all(piece).unwrap();
        }
        let entry = w.entry();
        let hex = field(entry.as_bytes(), "blocks=").unwrap();
        assert_eq!(hex.len(), 3 * 2 * BLOCK_HASH);
        let want: String = data
            .chunks(BLOCK)
            .flat_map(|c| blake3::hash(c).as_bytes()[..BLOCK_HASH].to_vec())
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(std::str::from_utf8(hex).unwrap(), want);
        assert_eq!(field(entry.as_bytes(), "data=").unwrap(), b"2097252");
        assert_eq!(w.into_inner(), data);
    }
}
