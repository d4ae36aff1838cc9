//! Content hashes: a BLAKE3 digest of a series' points (index labels and values), the same on
//! every backend and across save, load, export and import, so that a processing step can say
//! exactly which data it was computed from.
//!
//! ```
//! use meteaudata_core::{ContentHash, ContentHasher, Index, Series};
//! let a = Series::from_f64("Flow#1_RAW#1", Index::range(4), vec![1.0, f64::NAN, 3.0, 4.0])?;
//! // The name is not content: a renamed copy hashes the same.
//! let b = a.clone().with_name("Flow#1_RAW#2");
//! assert_eq!(a.content_hash()?, b.content_hash()?);
//! // Chunk by chunk (as streaming writers do) gives the same hash as the whole series.
//! let mut hasher = ContentHasher::new();
//! hasher.update(&a.slice(0, 3))?;
//! hasher.update(&a.slice(3, 1))?;
//! assert_eq!(hasher.finish(), a.content_hash()?);
//! // A hash is 64 hex digits.
//! let text = a.content_hash()?.to_string();
//! assert_eq!(text.len(), 64);
//! assert_eq!(text.parse::<ContentHash>()?, a.content_hash()?);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! ## The canonical form (version 1)
//!
//! The hash covers what a series *is* as data, not how one library or file format spells it:
//!
//! * **Kinds, by family.** The index kind is one of `datetime`, `int` (range and integer
//!   indexes: a `RangeIndex` and the integers it stands for hash the same), `float`, `text`
//!   (string, categorical and period labels), `timedelta`. The value kind is one of `float`
//!   (float64 and float32), `int` (int64 and int32), `bool`, `text` (strings and categoricals),
//!   `datetime`. Widths and dictionary encodings are not content: backends and formats change
//!   them (Parquet, SQL, CSV) without changing a value.
//! * **Zones.** A datetime index (or datetime values) adds its zone's name (`Europe/Paris`,
//!   `UTC`, a fixed offset such as `+02:00`), empty when naive: the same instants in another
//!   zone are other content.
//! * **Points**, in stored order, as four byte streams, each hashed with BLAKE3:
//!   index labels, positions of missing labels, values, positions of missing values.
//!   Integers, datetimes and durations (nanoseconds) are 8-byte little-endian `i64`; floats
//!   are 8-byte little-endian IEEE 754 `f64` bits (float32 widened exactly), every NaN as
//!   `0x7FF8000000000000`; booleans one byte (0 or 1); text a `u64` little-endian byte length
//!   followed by the UTF-8 bytes. A missing entry (a null; for floats, a null or any NaN:
//!   pandas and Arrow spell a missing float either way) writes a zero (a zero length for text,
//!   the canonical NaN for floats) and its 0-based position, as a `u64` little-endian, to the
//!   stream of missing positions.
//! * **The digest** is BLAKE3 of `meteaudata-content-v1\0`, the index kind, `\0`, the index
//!   zone, `\0`, the value kind, `\0`, the value zone, `\0`, the number of points (`u64`
//!   little-endian), then the four stream digests (32 bytes each) in the order above.
//!
//! Names (of the series and of the index) and the index frequency are metadata, not content.
//! Because every stream is fed point by point, the digest does not depend on how the series
//! was cut into chunks.

use std::fmt;
use std::str::FromStr;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, StringArray};
use arrow_schema::{DataType, TimeUnit};

use crate::{Error, IndexData, Result, Series};

/// The version tag at the start of every digest's input: a new canonical form gets a new tag.
const FORMAT: &[u8] = b"meteaudata-content-v1\0";
/// The one NaN of the canonical form.
const CANONICAL_NAN: u64 = 0x7FF8_0000_0000_0000;
/// Points re-encoded at a time when a chunk cannot be hashed as it is in memory.
const BATCH: usize = 4096;

/// The BLAKE3 digest of a series' canonical content (see the [module docs](self)).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    /// The digest's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A hash from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        ContentHash(bytes)
    }
}

impl fmt::Display for ContentHash {
    /// 64 lowercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({self})")
    }
}

impl FromStr for ContentHash {
    type Err = Error;

    /// 64 hex digits (either case).
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::parse(
                "content hash",
                format!("{s:?} is not 64 hex digits (a BLAKE3 content hash)"),
            )
        };
        if s.len() != 64 || !s.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(ContentHash(out))
    }
}

impl serde::Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ContentHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The kinds (with zones) of a series: what every chunk of one hash must share.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Kinds {
    index: &'static str,
    index_zone: String,
    values: &'static str,
    values_zone: String,
}

fn kinds(series: &Series) -> Result<Kinds> {
    let (index, index_zone) = match series.index().data() {
        IndexData::DateTime { tz, .. } => ("datetime", tz.as_ref().map(|z| z.to_string())),
        IndexData::Range { .. } | IndexData::Int(_) => ("int", None),
        IndexData::Float(_) => ("float", None),
        IndexData::String(_) | IndexData::Categorical { .. } | IndexData::Period(_) => {
            ("text", None)
        }
        IndexData::Timedelta(_) => ("timedelta", None),
    };
    let (values, values_zone) = match series.values().data_type() {
        DataType::Float64 | DataType::Float32 => ("float", None),
        DataType::Int64 | DataType::Int32 => ("int", None),
        DataType::Boolean => ("bool", None),
        DataType::Utf8 | DataType::Dictionary(_, _) => ("text", None),
        DataType::Timestamp(TimeUnit::Nanosecond, tz) => {
            ("datetime", tz.as_deref().map(str::to_string))
        }
        other => {
            return Err(Error::invalid_input(format!(
                "series {:?}: values of type {other} cannot be hashed",
                series.name()
            )))
        }
    };
    Ok(Kinds {
        index,
        index_zone: index_zone.unwrap_or_default(),
        values,
        values_zone: values_zone.unwrap_or_default(),
    })
}

/// One column's two streams: the entries and the positions of missing entries.
#[derive(Default)]
struct Streams {
    entries: blake3::Hasher,
    missing: blake3::Hasher,
    scratch: Vec<u8>,
}

impl Streams {
    fn missing_at(&mut self, position: u64) {
        self.missing.update(&position.to_le_bytes());
    }

    /// `i64`s with nulls where `valid` says so; `start` is the position of the first.
    fn ints(&mut self, start: u64, values: &[i64], nulls: Option<&arrow_buffer::NullBuffer>) {
        match nulls.filter(|n| n.null_count() > 0) {
            None if cfg!(target_endian = "little") => {
                self.entries.update(as_bytes_i64(values));
            }
            nulls => {
                for (chunk_at, chunk) in values.chunks(BATCH).enumerate() {
                    self.scratch.clear();
                    for (j, v) in chunk.iter().enumerate() {
                        let i = chunk_at * BATCH + j;
                        if nulls.is_some_and(|n| n.is_null(i)) {
                            self.scratch.extend_from_slice(&0i64.to_le_bytes());
                            self.missing.update(&(start + i as u64).to_le_bytes());
                        } else {
                            self.scratch.extend_from_slice(&v.to_le_bytes());
                        }
                    }
                    self.entries.update(&self.scratch);
                }
            }
        }
    }

    /// `f64`s; nulls and NaNs are missing.
    fn floats(&mut self, start: u64, values: &[f64], nulls: Option<&arrow_buffer::NullBuffer>) {
        let nulls = nulls.filter(|n| n.null_count() > 0);
        if nulls.is_none() && cfg!(target_endian = "little") && !values.iter().any(|v| v.is_nan()) {
            self.entries.update(as_bytes_f64(values));
            return;
        }
        for (chunk_at, chunk) in values.chunks(BATCH).enumerate() {
            self.scratch.clear();
            for (j, v) in chunk.iter().enumerate() {
                let i = chunk_at * BATCH + j;
                if v.is_nan() || nulls.is_some_and(|n| n.is_null(i)) {
                    self.scratch.extend_from_slice(&CANONICAL_NAN.to_le_bytes());
                    self.missing.update(&(start + i as u64).to_le_bytes());
                } else {
                    self.scratch.extend_from_slice(&v.to_bits().to_le_bytes());
                }
            }
            self.entries.update(&self.scratch);
        }
    }

    /// Text entries, `None` for missing ones.
    fn texts<'a>(&mut self, start: u64, values: impl Iterator<Item = Option<&'a str>>) {
        for (i, v) in values.enumerate() {
            match v {
                Some(s) => {
                    self.entries.update(&(s.len() as u64).to_le_bytes());
                    self.entries.update(s.as_bytes());
                }
                None => {
                    self.entries.update(&0u64.to_le_bytes());
                    self.missing_at(start + i as u64);
                }
            }
        }
    }

    fn bools(&mut self, start: u64, values: &arrow_array::BooleanArray) {
        self.scratch.clear();
        for i in 0..values.len() {
            if values.is_null(i) {
                self.scratch.push(0);
                self.missing_at(start + i as u64);
            } else {
                self.scratch.push(u8::from(values.value(i)));
            }
        }
        self.entries.update(&self.scratch);
    }
}

fn as_bytes_i64(values: &[i64]) -> &[u8] {
    // SAFETY-free: an i64 slice viewed as its bytes through arrow's buffer helpers.
    arrow_buffer::ToByteSlice::to_byte_slice(values)
}

fn as_bytes_f64(values: &[f64]) -> &[u8] {
    arrow_buffer::ToByteSlice::to_byte_slice(values)
}

/// Texts of a string array, or of a dictionary array's keys resolved.
fn text_column(array: &dyn Array) -> Option<Vec<Option<&str>>> {
    if let Some(s) = array.as_string_opt::<i32>() {
        return Some(s.iter().collect());
    }
    let dict = array.as_dictionary_opt::<Int32Type>()?;
    let words: &StringArray = dict.values().as_string_opt::<i32>()?;
    Some(
        dict.keys()
            .iter()
            .map(|k| {
                k.and_then(|k| usize::try_from(k).ok())
                    .filter(|&k| k < words.len() && words.is_valid(k))
                    .map(|k| words.value(k))
            })
            .collect(),
    )
}

/// Hashes a series chunk by chunk into the [`ContentHash`] of the whole (see the
/// [module docs](self)). Every chunk must have the kinds and zones of the first.
#[derive(Default)]
pub struct ContentHasher {
    kinds: Option<Kinds>,
    points: u64,
    index: Streams,
    values: Streams,
}

impl fmt::Debug for ContentHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContentHasher")
            .field("kinds", &self.kinds)
            .field("points", &self.points)
            .finish_non_exhaustive()
    }
}

impl ContentHasher {
    /// A hasher that has seen no point.
    pub fn new() -> Self {
        Self::default()
    }

    /// Points hashed so far.
    pub fn points(&self) -> u64 {
        self.points
    }

    /// Adds the points of `chunk` after those seen so far. A chunk whose index or value kind
    /// (or zone) differs from the first chunk's is an
    /// [`InvalidInput`](crate::ErrorKind::InvalidInput) error and adds nothing.
    pub fn update(&mut self, chunk: &Series) -> Result<()> {
        let k = kinds(chunk)?;
        match &self.kinds {
            None => self.kinds = Some(k),
            Some(first) if *first == k => {}
            Some(first) => {
                return Err(Error::invalid_input(format!(
                    "series {:?}: a chunk of {} labels ({}) and {} values ({}) cannot follow {} labels ({}) and {} values ({}) in one content hash",
                    chunk.name(), k.index, k.index_zone, k.values, k.values_zone,
                    first.index, first.index_zone, first.values, first.values_zone
                )))
            }
        }
        let start = self.points;
        self.hash_index(start, chunk);
        self.hash_values(start, chunk)?;
        self.points += chunk.len() as u64;
        Ok(())
    }

    fn hash_index(&mut self, start: u64, chunk: &Series) {
        let s = &mut self.index;
        match chunk.index().data() {
            IndexData::DateTime { values, .. } => s.ints(start, values.values(), values.nulls()),
            IndexData::Int(values) => s.ints(start, values.values(), values.nulls()),
            IndexData::Timedelta(values) => s.ints(start, values.values(), values.nulls()),
            IndexData::Range {
                start: first,
                stop,
                step,
            } => {
                let mut label = *first;
                let mut batch = Vec::with_capacity(BATCH);
                while (*step > 0 && label < *stop) || (*step < 0 && label > *stop) {
                    batch.push(label);
                    if batch.len() == BATCH {
                        s.ints(start, &batch, None);
                        batch.clear();
                    }
                    label = match label.checked_add(*step) {
                        Some(l) => l,
                        None => break,
                    };
                }
                s.ints(start, &batch, None);
            }
            IndexData::Float(values) => s.floats(start, values.values(), values.nulls()),
            IndexData::String(values) | IndexData::Period(values) => {
                s.texts(start, values.iter());
            }
            IndexData::Categorical { values, .. } => {
                let texts = text_column(values).unwrap_or_default();
                s.texts(start, texts.into_iter());
            }
        }
    }

    fn hash_values(&mut self, start: u64, chunk: &Series) -> Result<()> {
        let s = &mut self.values;
        let array = chunk.values().as_ref();
        match array.data_type() {
            DataType::Float64 => {
                let a = array.as_primitive::<Float64Type>();
                s.floats(start, a.values(), a.nulls());
            }
            DataType::Float32 => {
                let a = array.as_primitive::<Float32Type>();
                let wide: Vec<f64> = a.values().iter().map(|&v| f64::from(v)).collect();
                s.floats(start, &wide, a.nulls());
            }
            DataType::Int64 => {
                let a = array.as_primitive::<Int64Type>();
                s.ints(start, a.values(), a.nulls());
            }
            DataType::Int32 => {
                let a = array.as_primitive::<Int32Type>();
                let wide: Vec<i64> = a.values().iter().map(|&v| i64::from(v)).collect();
                s.ints(start, &wide, a.nulls());
            }
            DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                let a = array.as_primitive::<arrow_array::types::TimestampNanosecondType>();
                s.ints(start, a.values(), a.nulls());
            }
            DataType::Boolean => s.bools(start, array.as_boolean()),
            _ => {
                let texts = text_column(array).ok_or_else(|| {
                    Error::invalid_input(format!(
                        "series {:?}: values of type {} cannot be hashed",
                        chunk.name(),
                        array.data_type()
                    ))
                })?;
                s.texts(start, texts.into_iter());
            }
        }
        Ok(())
    }

    /// The hash of every point added.
    pub fn finish(self) -> ContentHash {
        let kinds = self.kinds.unwrap_or(Kinds {
            index: "",
            index_zone: String::new(),
            values: "",
            values_zone: String::new(),
        });
        let mut top = blake3::Hasher::new();
        top.update(FORMAT);
        for part in [
            kinds.index,
            &kinds.index_zone,
            kinds.values,
            &kinds.values_zone,
        ] {
            top.update(part.as_bytes());
            top.update(b"\0");
        }
        top.update(&self.points.to_le_bytes());
        for stream in [
            &self.index.entries,
            &self.index.missing,
            &self.values.entries,
            &self.values.missing,
        ] {
            top.update(stream.finalize().as_bytes());
        }
        ContentHash(*top.finalize().as_bytes())
    }
}

/// Runs `work` while the content hashes of `series` are computed on another thread (so that a
/// save or a transform does not wait for them); returns its result and the hashes, in order.
pub fn hash_beside<T>(
    series: &[&Series],
    work: impl FnOnce() -> T,
) -> (T, Result<Vec<ContentHash>>) {
    std::thread::scope(|scope| {
        let hashing = scope.spawn(|| series.iter().map(|s| s.content_hash()).collect());
        let out = work();
        let hashes = hashing.join().unwrap_or_else(|_| {
            Err(Error::invalid_input(
                "the content hash stopped unexpectedly",
            ))
        });
        (out, hashes)
    })
}

impl Series {
    /// The [`ContentHash`] of this series' points. Every value type a [`Series`] can hold
    /// hashes; the error is for types added later without a canonical form.
    pub fn content_hash(&self) -> Result<ContentHash> {
        let mut h = ContentHasher::new();
        h.update(self)?;
        Ok(h.finish())
    }

    /// Runs `work` while this series' [`ContentHash`] is computed on another thread (see
    /// [`hash_beside`]).
    pub fn content_hash_beside<T>(&self, work: impl FnOnce() -> T) -> (T, Result<ContentHash>) {
        let (out, hashes) = hash_beside(&[self], work);
        let hash = hashes.and_then(|h| {
            h.into_iter()
                .next()
                .ok_or_else(|| Error::invalid_input("the content hash gave nothing"))
        });
        (out, hash)
    }
}
