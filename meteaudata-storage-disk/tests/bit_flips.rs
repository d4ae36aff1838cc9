//! A flipped bit anywhere in a data file is never read as good: every single-bit flip of a
//! file (each bit of each byte) makes `load`, `load_range`, `scan` and `load_metadata` fail
//! with `Corrupt` or return exactly what was saved, and never panics.

use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries, TimeZone};
use meteaudata_storage_disk::DiskBackend;
use std::fs;

fn series(n: usize) -> TimeSeries {
    let t0 = 1_700_000_000_000_000_000i64;
    let times = (0..n as i64).map(|i| t0 + i * 60_000_000_000).collect();
    let values = (0..n)
        .map(|i| {
            if i % 7 == 0 {
                f64::NAN
            } else {
                i as f64 * 0.25
            }
        })
        .collect();
    TimeSeries::new(
        Series::from_f64(
            "A#1_RAW#1",
            Index::datetime_nanos(times, Some(TimeZone::Utc)),
            values,
        )
        .unwrap(),
    )
}

/// What each read path of `key` gives, or the kind of its error.
type Reads = Vec<Result<String, ErrorKind>>;

fn reads(b: &DiskBackend, key: &StorageKey, window: TimeRange) -> Reads {
    let show = |r: meteaudata_core::Result<String>| r.map_err(|e| e.kind());
    vec![
        show(b.load(key).map(|(s, m)| format!("{s:?} {m:?}"))),
        show(
            b.load_range(key, window)
                .map(|(s, m)| format!("{s:?} {m:?}")),
        ),
        show(b.load_metadata(key).map(|m| format!("{m:?}"))),
        show(b.scan(key, TimeRange::default(), 50).and_then(|scan| {
            let mut out = format!("{:?}", scan.metadata());
            for c in scan {
                out.push_str(&format!("{:?}", c?));
            }
            Ok(out)
        })),
    ]
}

#[test]
fn no_bit_flip_is_read_as_good() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let key: StorageKey = "flips/A#1/RAW#1".parse().unwrap();
    let ts = series(300);
    b.save(&key, ts.series().unwrap(), &ts.metadata()).unwrap();
    let t0 = 1_700_000_000_000_000_000i64;
    let window = TimeRange::new(
        Some(t0 + 60 * 60_000_000_000),
        Some(t0 + 90 * 60_000_000_000),
    );
    let good = reads(&b, &key, window);
    assert!(good.iter().all(Result::is_ok), "{good:?}");

    let path = dir.path().join("flips_A#1_RAW#1.parquet");
    let original = fs::read(&path).unwrap();
    let (mut flips, mut refused, mut silent) = (0, 0, Vec::new());
    // Flips after which every read still succeeds: none, the checksums cover every byte.
    let mut unchanged = Vec::new();
    for at in 0..original.len() {
        for bit in 0..8 {
            let mut damaged = original.clone();
            damaged[at] ^= 1 << bit;
            fs::write(&path, &damaged).unwrap();
            flips += 1;
            let got = reads(&b, &key, window);
            if got == good {
                unchanged.push((at, bit));
            }
            for (i, r) in got.into_iter().enumerate() {
                match r {
                    Ok(v) if Ok(v.clone()) == good[i] => {}
                    Ok(_) => silent.push((at, bit, i)),
                    Err(ErrorKind::Corrupt) | Err(ErrorKind::NotFound) => refused += 1,
                    Err(k) => panic!("byte {at} bit {bit}, read {i}: error kind {k:?}"),
                }
            }
        }
    }
    fs::write(&path, &original).unwrap();
    eprintln!(
        "{flips} single-bit flips of a {}-byte file: {refused} reads refused, {} flips read as \
         the original, {} reads silently wrong",
        original.len(),
        unchanged.len(),
        silent.len()
    );
    assert!(
        unchanged.is_empty(),
        "flips read as the original (byte, bit): {unchanged:?}"
    );
    assert!(
        silent.is_empty(),
        "silently wrong reads (byte, bit, read): {silent:?}"
    );
    assert_eq!(reads(&b, &key, window), good);
}

/// Text that looks like the checksum entry, in index labels (kept as statistics in the
/// footer), in the index name and in the metadata, is data: the file saves, loads and scans.
#[test]
fn checksum_lookalikes_in_user_text_are_data() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let fake = "meteaudata:checksums\u{18}\u{7f}v1 blake3 block=1048576 data=4 footer=\
                0000000000000000000000000000000000000000000000000000000000000000 blocks=00";
    let labels = [fake, "b", "zz meteaudata:checksums"];
    let mut index = Index::strings(&labels);
    index.set_name(Some(fake.to_string()));
    let series = Series::from_f64("A#1_RAW#1", index, vec![1.0, 2.0, 3.0]).unwrap();
    let mut ts = TimeSeries::new(series);
    ts.metadata_id = Some(fake.to_string());
    let key: StorageKey = "look/A#1/RAW#1".parse().unwrap();
    b.save(&key, ts.series().unwrap(), &ts.metadata()).unwrap();
    let (back, meta) = b.load(&key).unwrap();
    assert_eq!(&back, ts.series().unwrap());
    assert_eq!(meta, ts.metadata());
    assert_eq!(b.list_keys().unwrap(), vec![key.clone()]);
    // The file still has its checksums: a flipped bit in the data is refused.
    let path = dir.path().join("look_A#1_RAW#1.parquet");
    let mut bytes = fs::read(&path).unwrap();
    bytes[10] ^= 4;
    fs::write(&path, &bytes).unwrap();
    assert_eq!(b.load(&key).unwrap_err().kind(), ErrorKind::Corrupt);
}
