//! Zip archives: written to a temporary file beside the target and renamed over it; read by
//! extracting into a private temporary directory, refusing entries that would land outside
//! it (absolute paths, `..`, symbolic links).

use meteaudata_core::{Error, Result};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path};
use tempfile::TempDir;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::limits::{recorded_entries, ZipLimits, RATIO_FREE_BYTES};
use crate::sink::{ensure_dir, Sink};

struct ZipSink {
    writer: ZipWriter<File>,
    target: String,
}

impl Sink for ZipSink {
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        let err = |e: &dyn std::fmt::Display| Error::Io {
            path: format!("{} (entry {path})", self.target),
            source: io::Error::other(e.to_string()),
        };
        self.writer.start_file(path, opts).map_err(|e| err(&e))?;
        self.writer.write_all(bytes).map_err(|e| err(&e))
    }

    fn add_dir(&mut self, path: &str) -> Result<()> {
        let opts = SimpleFileOptions::default();
        self.writer
            .add_directory(format!("{path}/"), opts)
            .map_err(|e| Error::Io {
                path: format!("{} (entry {path}/)", self.target),
                source: io::Error::other(e.to_string()),
            })
    }
}

/// Writes the zip `target` atomically: `build` adds the entries (deflated) to a temporary file
/// in the same directory, which then replaces `target`. On error nothing is left behind.
pub(crate) fn publish_zip(
    target: &Path,
    build: impl FnOnce(&mut dyn Sink) -> Result<()>,
) -> Result<()> {
    let dir = target
        .parent()
        .ok_or_else(|| Error::invalid_input(format!("{} has no parent", target.display())))?;
    ensure_dir(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".meteaudata-save-").suffix(".zip.tmp");
    // The mode any new file gets (0666 less the umask), not tempfile's private 0600: the zip
    // is published for others to read.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    let file = tmp.reopen().map_err(|e| Error::io(tmp.path(), e))?;
    let mut sink = ZipSink {
        writer: ZipWriter::new(file),
        target: target.display().to_string(),
    };
    build(&mut sink)?;
    let file = sink.writer.finish().map_err(|e| Error::Io {
        path: target.display().to_string(),
        source: io::Error::other(e.to_string()),
    })?;
    file.sync_all().map_err(|e| Error::io(tmp.path(), e))?;
    tmp.persist(target)
        .map_err(|e| Error::io(target, e.error))?;
    Ok(())
}

/// Whether `path` is a file starting with a zip signature.
pub(crate) fn is_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06")
}

fn corrupt(zip: &Path, message: impl Into<String>) -> Error {
    Error::Corrupt {
        location: zip.display().to_string(),
        message: message.into(),
    }
}

/// Whether an entry name is a plain relative path: `/`-separated, no leading `/`, no `.` or
/// `..` segments, no backslashes, no drive letter.
fn plain_relative(name: &str) -> bool {
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    let mut segments = trimmed.split('/');
    let drive = |s: &str| s.len() == 2 && s.ends_with(':');
    !trimmed.is_empty()
        && !name.contains(['\\', '\0'])
        && segments.clone().next().is_some_and(|s| !drive(s))
        && segments.all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Bytes read from the end of a zip to find its end records (the comment may take 65 535).
const TAIL_BYTES: u64 = 65_557 + 4096;

/// The entries the zip's own end records count (see [`recorded_entries`]).
fn raw_entry_count(zip: &Path, file: &mut File) -> Result<Option<u64>> {
    use std::io::{Seek, SeekFrom};
    let len = file.metadata().map_err(|e| Error::io(zip, e))?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))
        .map_err(|e| Error::io(zip, e))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).map_err(|e| Error::io(zip, e))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(zip, e))?;
    Ok(recorded_entries(&tail))
}

/// Extracts `zip` into a new private temporary directory (removed when the returned value is
/// dropped), within `limits`.
pub(crate) fn extract(zip: &Path, limits: &ZipLimits) -> Result<TempDir> {
    let mut file = File::open(zip).map_err(|e| Error::io(zip, e))?;
    let recorded = raw_entry_count(zip, &mut file)?;
    let mut archive =
        ZipArchive::new(file).map_err(|e| corrupt(zip, format!("not a readable zip: {e}")))?;
    if recorded.is_some_and(|n| n > archive.len() as u64) {
        return Err(corrupt(
            zip,
            format!(
                "{} entries are recorded but only {} distinct names: a name appears twice",
                recorded.unwrap_or(0),
                archive.len()
            ),
        ));
    }
    if archive.len() > limits.max_entries {
        return Err(too_big(
            zip,
            format!(
                "{} entries, more than the limit of {}",
                archive.len(),
                limits.max_entries
            ),
        ));
    }
    let dir = tempfile::Builder::new()
        .prefix("meteaudata-load-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut written_total: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| corrupt(zip, format!("entry {i}: {e}")))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let rel = entry
            .enclosed_name()
            .filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))))
            .filter(|_| plain_relative(&name))
            .ok_or_else(|| {
                corrupt(
                    zip,
                    format!("entry {name:?} would be extracted outside the archive folder"),
                )
            })?;
        if entry.is_symlink() {
            return Err(corrupt(zip, format!("entry {name:?} is a symbolic link")));
        }
        let out = dir.path().join(&rel);
        if entry.is_dir() {
            fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
            continue;
        }
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut f = File::create_new(&out)
            .map_err(|_| corrupt(zip, format!("entry {name:?} appears twice")))?;
        let compressed = entry.compressed_size().max(1);
        // Copied a buffer at a time, the limits checked as the bytes come (the sizes the
        // headers claim are not trusted).
        let mut buf = vec![0u8; 64 * 1024];
        let mut written: u64 = 0;
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|e| corrupt(zip, format!("entry {name:?} cannot be read: {e}")))?;
            if n == 0 {
                break;
            }
            written += n as u64;
            written_total += n as u64;
            if written_total > limits.max_total_bytes {
                return Err(too_big(
                    zip,
                    format!(
                        "it expands to more than the limit of {} bytes (at entry {name:?})",
                        limits.max_total_bytes
                    ),
                ));
            }
            if written > RATIO_FREE_BYTES && written / compressed > limits.max_ratio {
                return Err(too_big(
                    zip,
                    format!(
                        "entry {name:?} expands more than {} times its compressed size",
                        limits.max_ratio
                    ),
                ));
            }
            f.write_all(&buf[..n]).map_err(|e| Error::io(&out, e))?;
        }
    }
    Ok(dir)
}

/// An archive beyond a [`ZipLimits`] limit.
fn too_big(zip: &Path, why: String) -> Error {
    Error::invalid_input(format!(
        "{}: {why}; if it is trusted, load it with larger ZipLimits",
        zip.display()
    ))
}
