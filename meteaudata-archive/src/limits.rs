//! What a zip archive may expand to when it is loaded: a zip is extracted into a temporary
//! folder, and a small hostile file could otherwise fill the disk (a 1 MiB zip of zeros
//! inflates to 1 GiB) or take minutes (10^5 empty entries). The defaults let through any
//! archive this library or Python meteaudata writes for series of 10^8 points and more.

/// Limits checked while a zip archive is extracted (see [`load_signal_with`](crate::load_signal_with)).
///
/// ```
/// use meteaudata_archive::ZipLimits;
/// let strict = ZipLimits::default().max_total_bytes(1 << 30).max_entries(10_000);
/// assert_eq!(strict.max_entries, 10_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ZipLimits {
    /// Entries in the archive (files and folders).
    pub max_entries: usize,
    /// Bytes written by extraction, all entries together.
    pub max_total_bytes: u64,
    /// Uncompressed bytes per compressed byte of one entry, checked once an entry passes
    /// [`RATIO_FREE_BYTES`] (CSV of sensor data deflates about 3 to 10 times; a bomb, 1000).
    pub max_ratio: u64,
}

/// Bytes an entry may inflate to before its compression ratio is checked.
pub const RATIO_FREE_BYTES: u64 = 1 << 20;

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_entries: 1_000_000,
            max_total_bytes: 64 << 30,
            max_ratio: 200,
        }
    }
}

impl ZipLimits {
    /// Sets the largest number of entries.
    pub fn max_entries(mut self, n: usize) -> Self {
        self.max_entries = n;
        self
    }
    /// Sets the largest number of bytes extracted.
    pub fn max_total_bytes(mut self, n: u64) -> Self {
        self.max_total_bytes = n;
        self
    }
    /// Sets the largest compression ratio of an entry.
    pub fn max_ratio(mut self, r: u64) -> Self {
        self.max_ratio = r;
        self
    }
}

/// The number of entries the central directory of a zip file records, read from its end
/// records (zip64 included), or `None` when they cannot be found. The zip reader keys its
/// entries by name, so a name written twice would otherwise pass as one entry.
pub(crate) fn recorded_entries(bytes_at_end: &[u8]) -> Option<u64> {
    // End of central directory: signature, then the total entry count at offset 10 (u16).
    let eocd = bytes_at_end.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let rec = bytes_at_end.get(eocd..eocd + 22)?;
    let total = u16::from_le_bytes([rec[10], rec[11]]);
    if total != u16::MAX {
        return Some(u64::from(total));
    }
    // zip64: the zip64 end record holds the count at offset 32 (u64).
    let z = bytes_at_end[..eocd]
        .windows(4)
        .rposition(|w| w == b"PK\x06\x06")?;
    let rec = bytes_at_end.get(z + 32..z + 40)?;
    Some(u64::from_le_bytes(rec.try_into().ok()?))
}
