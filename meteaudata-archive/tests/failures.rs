//! Damaged, truncated, hostile and mismatched archives give typed errors naming the file;
//! saving touches nothing but the archive; loading touches nothing at all.

use meteaudata_archive::{
    load_dataset, load_signal, save_dataset, save_signal, ExportOptions, ValueNames,
};
use meteaudata_core::{Dataset, ErrorKind, Index, Series, Signal};
use std::fs;
use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;

fn signal() -> Signal {
    let raw = Series::from_f64("RAW", Index::range(3), vec![1.0, f64::NAN, 3.0]).unwrap();
    Signal::new("A", "mg/L").unwrap().with_series(raw).unwrap()
}

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn zip_slip_entries_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for evil in [
        "../escape.txt",
        "/abs/escape.txt",
        "A#1_data/../../escape.txt",
    ] {
        let z = dir.path().join("evil.zip");
        write_zip(
            &z,
            &[("A#1_metadata.yaml", b"time_series: {}"), (evil, b"x")],
        );
        let e = load_signal(&z, Some("A#1")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{evil}: {e}");
        assert!(e.to_string().contains("evil.zip"), "{e}");
        assert!(!dir.path().join("escape.txt").exists());
        assert!(!dir.path().parent().unwrap().join("escape.txt").exists());
    }
}

#[test]
fn truncated_and_garbage_zips() {
    let dir = tempfile::tempdir().unwrap();
    let good = save_signal(&signal(), dir.path(), &ExportOptions::new()).unwrap();
    let bytes = fs::read(&good).unwrap();
    for cut in [10, bytes.len() / 2, bytes.len() - 5] {
        let p = dir.path().join(format!("cut{cut}.zip"));
        fs::write(&p, &bytes[..cut]).unwrap();
        let e = load_signal(&p, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "cut at {cut}: {e}");
        assert!(e.to_string().contains(&format!("cut{cut}.zip")), "{e}");
    }
    // A flipped byte inside compressed data fails the CRC check.
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 3;
    flipped[mid] ^= 0xff;
    let p = dir.path().join("flipped.zip");
    fs::write(&p, &flipped).unwrap();
    assert!(load_signal(&p, None).is_err());
    let p = dir.path().join("text.zip");
    fs::write(&p, "not a zip").unwrap();
    assert_eq!(
        load_signal(&p, None).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let missing = dir.path().join("nothing-here.zip");
    assert_eq!(
        load_signal(&missing, None).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn missing_files_and_wrong_names() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("f");
    save_signal(&signal(), &folder, &ExportOptions::new().zip(false)).unwrap();
    let e = load_signal(&folder, Some("B#1")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("B#1_metadata.yaml"), "{e}");
    assert!(
        e.to_string().contains("A#1_metadata.yaml"),
        "lists what exists: {e}"
    );
    // A dataset loader on a signal archive, and the reverse.
    assert!(load_dataset(&folder).is_err());
    fs::remove_file(folder.join("A#1_data/A#1_RAW#1.csv")).unwrap();
    let e = load_signal(&folder, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("A#1_RAW#1.csv"), "{e}");

    let ds = Dataset::new("plant")
        .unwrap()
        .with_signals([signal()])
        .unwrap();
    let zip = save_dataset(&ds, dir.path(), &ExportOptions::new()).unwrap();
    let e = load_signal(&zip, Some("plant")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
}

#[test]
fn damaged_csv_and_yaml_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("f");
    save_signal(&signal(), &folder, &ExportOptions::new().zip(false)).unwrap();
    let csv = folder.join("A#1_data/A#1_RAW#1.csv");
    fs::write(&csv, ",A#1_RAW#1\n0,1.0\n1,abc\n2,3.0\n").unwrap();
    let e = load_signal(&folder, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.to_string().contains("A#1_RAW#1.csv, line 3"), "{e}");
    fs::write(&csv, ",A#1_RAW#1\n0,1.0\n").unwrap();
    let e = load_signal(&folder, None).unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::Corrupt,
        "row count differs from the range: {e}"
    );
    fs::write(&csv, ",A#1_RAW#1\n0,\"1.0\n").unwrap();
    assert_eq!(
        load_signal(&folder, None).unwrap_err().kind(),
        ErrorKind::Corrupt
    );
    fs::write(&csv, [0xff, 0xfe, 0x00]).unwrap();
    assert_eq!(
        load_signal(&folder, None).unwrap_err().kind(),
        ErrorKind::Parse
    );
    fs::write(folder.join("A#1_metadata.yaml"), "time_series: [unclosed").unwrap();
    let e = load_signal(&folder, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.to_string().contains("A#1_metadata.yaml"), "{e}");
}

#[test]
fn saving_never_mutates_the_model_and_records_renames_in_the_file() {
    let s = signal();
    let before = s.clone();
    let dir = tempfile::tempdir().unwrap();
    let opts = ExportOptions::new()
        .zip(false)
        .value_names(ValueNames::All("Temp".into()));
    save_signal(&s, dir.path(), &opts).unwrap();
    assert_eq!(s, before);
    let yaml = fs::read_to_string(dir.path().join("A#1_metadata.yaml")).unwrap();
    assert!(yaml.contains("meteaudata_rs:"), "{yaml}");
    assert!(yaml.contains("- Temp"), "{yaml}");
    assert!(!yaml.contains("export_rename"));
    let csv = fs::read_to_string(dir.path().join("A#1_data/A#1_RAW#1.csv")).unwrap();
    assert_eq!(csv, ",Temp\n0,1.0\n1,\n2,3.0\n");
    assert_eq!(load_signal(dir.path(), None).unwrap(), s);
}

#[test]
fn saves_touch_only_the_archive_and_loads_touch_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // A user folder named tmp next to the archive (Python's loaders delete it, M8).
    fs::create_dir(dir.path().join("tmp")).unwrap();
    fs::write(dir.path().join("tmp/keep.txt"), "mine").unwrap();
    // A user file named like Python's scratch dataset file (M9).
    fs::write(dir.path().join("plant.yaml"), "mine").unwrap();
    let ds = Dataset::new("plant")
        .unwrap()
        .with_signals([signal()])
        .unwrap();
    let zip = save_dataset(&ds, dir.path(), &ExportOptions::new()).unwrap();
    let zip2 = save_dataset(&ds, dir.path(), &ExportOptions::new()).unwrap();
    assert_eq!(zip, zip2);
    load_dataset(&zip).unwrap();
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["plant.yaml", "plant.zip", "tmp"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("tmp/keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("plant.yaml")).unwrap(),
        "mine"
    );

    // A folder save into a folder that already holds the signal changes nothing.
    let folder = dir.path().join("f");
    save_signal(&signal(), &folder, &ExportOptions::new().zip(false)).unwrap();
    let csv = folder.join("A#1_data/A#1_RAW#1.csv");
    fs::write(&csv, "edited").unwrap();
    let e = save_signal(&signal(), &folder, &ExportOptions::new().zip(false)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(fs::read_to_string(&csv).unwrap(), "edited");
    assert_eq!(
        fs::read_dir(&folder).unwrap().count(),
        2,
        "no temporary left"
    );

    // A failed zip save leaves the previous zip and no temporary file.
    let bad = ExportOptions::new().value_names(ValueNames::List(vec![]));
    let e = save_dataset(&ds, dir.path(), &bad).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(load_dataset(&zip).unwrap(), ds);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 4);
}

#[test]
fn names_are_inferred_or_must_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("two");
    save_signal(&signal(), &folder, &ExportOptions::new().zip(false)).unwrap();
    let other = Signal::new("B", "u")
        .unwrap()
        .with_series(Series::from_f64("RAW", Index::range(1), vec![1.0]).unwrap())
        .unwrap();
    save_signal(&other, &folder, &ExportOptions::new().zip(false)).unwrap();
    let e = load_signal(&folder, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.to_string().contains("A#1") && e.to_string().contains("B#1"),
        "{e}"
    );
    assert_eq!(load_signal(&folder, Some("B#1")).unwrap(), other);
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    assert_eq!(
        load_signal(&empty, None).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        save_signal(&signal(), &empty, &ExportOptions::new().separator('\n'))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
}

/// A zip that inflates far beyond its size is refused as it is extracted, before it fills the
/// disk; a name written twice is refused (the zip reader would keep only the last); more
/// entries than the limit are refused before anything is written.
#[test]
fn zip_bombs_duplicates_and_entry_counts_are_refused() {
    use meteaudata_archive::{load_signal_with, ZipLimits};
    let dir = tempfile::tempdir().unwrap();
    // 64 MiB of zeros deflate to about 64 KiB: a ratio near 1000.
    let zeros = vec![0u8; 64 << 20];
    let bomb = dir.path().join("bomb.zip");
    let mut w = zip::ZipWriter::new(fs::File::create(&bomb).unwrap());
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("A#1_metadata.yaml", deflated).unwrap();
    w.write_all(b"time_series: {}").unwrap();
    w.start_file("A#1_data/A#1_RAW#1.csv", deflated).unwrap();
    w.write_all(&zeros).unwrap();
    w.finish().unwrap();
    assert!(fs::metadata(&bomb).unwrap().len() < 1 << 20);
    let e = load_signal(&bomb, Some("A#1")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("times its compressed size"), "{e}");
    let e = load_signal_with(
        &bomb,
        Some("A#1"),
        &ZipLimits::default().max_total_bytes(1 << 20),
    )
    .unwrap_err();
    assert!(e.to_string().contains("limit of 1048576 bytes"), "{e}");

    // The same name twice: written as two names of one length, then renamed in place.
    let twice = dir.path().join("twice.zip");
    write_zip(
        &twice,
        &[
            ("A#1_metadata.yaml", b"time_series: {}"),
            ("A#1_data/x.csv", b"1"),
            ("A#1_data/y.csv", b"2"),
        ],
    );
    let bytes = fs::read(&twice).unwrap();
    let patched: Vec<u8> = {
        let mut b = bytes.clone();
        let from = b"A#1_data/y.csv";
        let mut i = 0;
        while let Some(p) = b[i..].windows(from.len()).position(|w| w == from) {
            b[i + p..i + p + from.len()].copy_from_slice(b"A#1_data/x.csv");
            i += p + from.len();
        }
        b
    };
    fs::write(&twice, patched).unwrap();
    let e = load_signal(&twice, Some("A#1")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert!(e.to_string().contains("distinct names"), "{e}");

    let many = dir.path().join("many.zip");
    let names: Vec<String> = (0..20).map(|i| format!("A#1_data/{i}.csv")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"1"[..])).collect();
    write_zip(&many, &entries);
    let e =
        load_signal_with(&many, Some("A#1"), &ZipLimits::default().max_entries(10)).unwrap_err();
    assert!(e.to_string().contains("20 entries"), "{e}");
}
