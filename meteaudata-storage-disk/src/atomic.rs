//! Atomic file replacement: write a temporary file in the destination directory, fsync it,
//! rename it over the destination, fsync the directory. A temporary file that is never
//! committed is removed when dropped.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::layout::TMP_PREFIX;

/// A temporary file waiting to replace `dest`.
#[derive(Debug)]
pub struct Pending {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl Pending {
    /// Creates an empty temporary file beside `dest` and returns it open for writing.
    pub fn create(dest: &Path) -> io::Result<(Pending, File)> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = dest.parent().unwrap_or(Path::new("."));
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = dir.join(format!(
            "{TMP_PREFIX}{}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            short(&name)
        ));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        Ok((
            Pending {
                tmp,
                dest: dest.to_path_buf(),
                committed: false,
            },
            file,
        ))
    }

    /// The temporary path.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Renames the temporary file over the destination.
    pub fn commit(self) -> io::Result<()> {
        let dest = self.dest.clone();
        self.commit_to(&dest)
    }

    /// Renames the temporary file to `dest` (a name chosen after it was created).
    pub fn commit_to(mut self, dest: &Path) -> io::Result<()> {
        std::fs::rename(&self.tmp, dest)?;
        self.committed = true;
        Ok(())
    }
}

/// Keeps temporary names short enough for any file system.
fn short(name: &str) -> &str {
    let mut end = name.len().min(100);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// fsyncs a directory so that renames in it are durable (best effort where unsupported).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
