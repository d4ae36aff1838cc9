//! Writes the seed corpora of the fuzz targets into `fuzz/corpus/<target>/` (or the folder
//! given as the first argument): small valid inputs made with the library itself and taken from
//! the repository's fixtures. The seeds are committed; run this only to make them again:
//!
//! ```text
//! cd fuzz && cargo +nightly run --example seeds
//! ```

use meteaudata_archive::{save_dataset, save_signal, ExportOptions, ValueNames};
use meteaudata_core::arrow_array::{ArrayRef, BooleanArray, Int64Array, StringArray};
use meteaudata_core::chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::{Dataset, Index, Series, Signal, TimeSeries, TimeZone};
use meteaudata_storage_disk::DiskBackend;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

type R<T = ()> = Result<T, Box<dyn Error>>;

fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("a valid date")
}

fn hourly(n: usize) -> R<Index> {
    Ok(Index::date_range(start(), n, TimeDelta::hours(1), None)?.with_frequency("h"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> R {
    fs::create_dir_all(dir)?;
    fs::write(dir.join(name), bytes)?;
    Ok(())
}

fn archive(out: &Path, fixtures: &Path, tmp: &Path) -> R {
    let dir = out.join("archive");
    for (name, src) in [
        ("python-signal.zip", "signal_zip/Temperature#1.zip"),
        ("python-dataset.zip", "dataset_zip/reactor.zip"),
    ] {
        write(&dir, name, &fs::read(fixtures.join(src))?)?;
    }
    let raw = Series::from_f64("RAW", hourly(4)?, vec![20.5, f64::NAN, 21.0, 22.5])?;
    let signal = Signal::new("Temperature", "°C")?.with_series(raw)?;
    let zip = save_signal(&signal, tmp.join("a"), &ExportOptions::new())?;
    write(&dir, "signal.zip", &fs::read(zip)?)?;
    let opts = ExportOptions::new()
        .separator(';')
        .index_name(["Time", "local"])
        .value_names(ValueNames::Auto);
    let zip = save_signal(&signal, tmp.join("b"), &opts)?;
    write(&dir, "signal-options.zip", &fs::read(zip)?)?;
    let a = Signal::new("CODa", "mg/L")?.with_series(Series::from_f64(
        "RAW",
        Index::range(2),
        vec![1.0, 2.0],
    )?)?;
    let b = Signal::new("CODb", "mg/L")?.with_series(Series::new(
        "RAW",
        Index::strings(&["x", "y"]),
        Arc::new(Int64Array::from(vec![Some(3), None])) as ArrayRef,
    )?)?;
    let ds = Dataset::new("reactor")?.with_signals([a, b])?;
    let zip = save_dataset(&ds, tmp.join("c"), &ExportOptions::new())?;
    write(&dir, "dataset.zip", &fs::read(zip)?)?;
    Ok(())
}

fn csv(out: &Path, root: &Path, fixtures: &Path) -> R {
    let dir = out.join("csv_import");
    // The first byte picks the options (see fuzz_targets/csv_import.rs); 0: the defaults.
    let files = [
        (
            "seattle-temps.csv",
            root.join("meteaudata-io/tests/fixtures/seattle-temps-2010-01-01.csv"),
        ),
        (
            "seattle-weather.csv",
            root.join("meteaudata-io/tests/fixtures/seattle-weather-2012-01.csv"),
        ),
        (
            "reactor.csv",
            root.join("meteaudata/examples/data/reactor.csv"),
        ),
        (
            "python-raw.csv",
            fixtures.join("signal_dir/Temperature#1_data/Temperature#1_RAW#1.csv"),
        ),
        (
            "python-timedelta.csv",
            fixtures.join("index_types/timedelta/S#1_data/S#1_RAW#1.csv"),
        ),
        (
            "python-utc.csv",
            fixtures.join("index_types/datetime_utc/S#1_data/S#1_RAW#1.csv"),
        ),
        (
            "python-period.csv",
            fixtures.join("index_types/period_month/S#1_data/S#1_RAW#1.csv"),
        ),
        (
            "python-multiline.csv",
            fixtures.join("multiline/auto/A#1_data/A#1_RAW#1.csv"),
        ),
    ];
    for (name, src) in files {
        let mut bytes = vec![0u8];
        bytes.extend(fs::read(src)?);
        write(&dir, name, &bytes)?;
    }
    let made: [(&str, &[u8], &str); 5] = [
        // Paris, ambiguous times inferred, chunks of 3 rows.
        (
            "paris-fall-back.csv",
            &[0b0000_1110],
            "time,flow\n2021-10-31 01:30,1.0\n2021-10-31 02:30,2.0\n2021-10-31 02:30,3.0\n2021-10-31 03:30,4.0\n",
        ),
        // Paris, nonexistent times shifted forward, one row per chunk.
        (
            "paris-spring-forward.csv",
            &[0b0010_0101],
            "Date;Temp;Ok\n2021-03-28 01:30;1,5;true\n2021-03-28 02:30;N/A;false\n2021-03-28 03:30;2,5;true\n",
        ),
        // Epoch seconds, no header.
        ("epoch.csv", &[0x80, 0x11], "1700000000,1\n1700000060,2\n1700000120,\n"),
        // Slashes, day first, text column, decimal commas forced with `;`.
        (
            "dayfirst.csv",
            &[0x80, 0xC8],
            "Date;Temp;Weather\n13/01/2012 00:00;1,5;sunny\n14/01/2012 01:00;NaN;rain\n",
        ),
        // Offsets, a strftime format.
        (
            "offsets.csv",
            &[0x80, 0x06],
            "timestamp,v,w\n2024-01-01T00:00:00+0100,1,a\n2024-01-01T01:00:00+0100,2,b\n",
        ),
    ];
    for (name, sel, text) in made {
        let mut bytes = sel.to_vec();
        bytes.extend_from_slice(text.as_bytes());
        write(&dir, name, &bytes)?;
    }
    Ok(())
}

fn yaml(out: &Path, fixtures: &Path, tmp: &Path) -> R {
    let dir = out.join("yaml_metadata");
    for (name, src) in [
        (
            "python-signal.yaml",
            "signal_dir/Temperature#1_metadata.yaml",
        ),
        (
            "python-dataset.yaml",
            "dataset_zip/extracted/reactor_metadata.yaml",
        ),
        (
            "python-timedelta.yaml",
            "index_types/timedelta/S#1_metadata.yaml",
        ),
        (
            "python-categorical.yaml",
            "index_types/categorical_ordered/S#1_metadata.yaml",
        ),
        (
            "python-period.yaml",
            "index_types/period_month/S#1_metadata.yaml",
        ),
        (
            "python-utc.yaml",
            "index_types/datetime_utc/S#1_metadata.yaml",
        ),
        (
            "python-multiline.yaml",
            "multiline/both_tuples/A#1_metadata.yaml",
        ),
    ] {
        write(&dir, name, &fs::read(fixtures.join(src))?)?;
    }
    // A time series' document, as the disk backend's sidecar.
    let backend = DiskBackend::new(tmp.join("yaml-store"));
    let key: StorageKey = "d/S#1/RAW#1".parse()?;
    let series = Series::from_f64("S#1_RAW#1", hourly(3)?, vec![1.0, 2.0, 3.0])?;
    backend.save(&key, &series, &TimeSeries::new(series.clone()).metadata())?;
    write(
        &dir,
        "disk-sidecar.yaml",
        &fs::read(tmp.join("yaml-store/d_S#1_RAW#1_meta.yaml"))?,
    )?;
    Ok(())
}

/// A block column as `meteaudata-storage-sql/src/blob.rs` documents it.
fn block(tag: u8, valid: &[bool], payload: &[u8]) -> Vec<u8> {
    let has_nulls = valid.iter().any(|v| !v);
    let mut out = vec![tag, u8::from(has_nulls)];
    out.extend_from_slice(&(valid.len() as u32).to_le_bytes());
    if has_nulls {
        let mut bitmap = vec![0u8; valid.len().div_ceil(8)];
        for (i, _) in valid.iter().enumerate().filter(|(_, v)| **v) {
            bitmap[i / 8] |= 1 << (i % 8);
        }
        out.extend(bitmap);
    }
    out.extend_from_slice(payload);
    out
}

fn sql(out: &Path) -> R {
    let dir = out.join("sql_block");
    let ints: Vec<u8> = [i64::MIN, 0, 1_700_000_000_000_000_000, i64::MAX]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    write(&dir, "i64.bin", &block(b'i', &[true; 4], &ints))?;
    write(
        &dir,
        "i64-nulls.bin",
        &block(b'i', &[true, false, true, true], &ints),
    )?;
    let floats: Vec<u8> = [-0.0, f64::NAN, f64::NEG_INFINITY, 21.5, 1e-300]
        .iter()
        .flat_map(|v: &f64| v.to_bits().to_le_bytes())
        .collect();
    write(&dir, "f64.bin", &block(b'f', &[true; 5], &floats))?;
    let valid = [true, true, false, true, true, false, true, true, true];
    let mut nine = floats.clone();
    nine.extend_from_slice(&ints);
    write(&dir, "f64-nulls.bin", &block(b'f', &valid, &nine))?;
    let texts = ["é\"'", "", "", "z", "RAW#1"];
    let mut payload = Vec::new();
    let mut offset = 0u32;
    payload.extend_from_slice(&offset.to_le_bytes());
    for t in texts {
        offset += t.len() as u32;
        payload.extend_from_slice(&offset.to_le_bytes());
    }
    for t in texts {
        payload.extend_from_slice(t.as_bytes());
    }
    write(&dir, "text.bin", &block(b's', &[true; 5], &payload))?;
    write(
        &dir,
        "text-nulls.bin",
        &block(b's', &[true, true, false, true, true], &payload),
    )?;
    write(&dir, "empty.bin", &block(b'i', &[], &[]))?;
    Ok(())
}

fn parquet(out: &Path, tmp: &Path) -> R {
    let dir = out.join("parquet_read");
    let key: StorageKey = "fuzz/S#1/RAW#1".parse()?;
    let utc: TimeZone = "UTC".parse()?;
    let seeds: Vec<(&str, Series)> = vec![
        (
            "float-hourly.parquet",
            Series::from_f64(
                "S#1_RAW#1",
                hourly(48)?,
                (0..48).map(|i| f64::from(i) / 2.0).collect(),
            )?,
        ),
        (
            "float-utc-nan.parquet",
            Series::from_f64(
                "S#1_RAW#1",
                Index::date_range(start(), 5, TimeDelta::minutes(15), Some(utc))?,
                vec![1.0, f64::NAN, -0.0, f64::INFINITY, 5.0],
            )?,
        ),
        (
            "int-range.parquet",
            Series::new(
                "S#1_RAW#1",
                Index::range(6).with_name("row"),
                Arc::new(Int64Array::from(vec![
                    Some(1),
                    None,
                    Some(3),
                    Some(-4),
                    Some(5),
                    Some(6),
                ])) as ArrayRef,
            )?,
        ),
        (
            "text-strings.parquet",
            Series::new(
                "S#1_RAW#1",
                Index::strings(&["a", "b", "c"]),
                Arc::new(StringArray::from(vec![Some("x"), None, Some("zé")])) as ArrayRef,
            )?,
        ),
        (
            "bool-floats.parquet",
            Series::new(
                "S#1_RAW#1",
                Index::floats(vec![0.5, 1.5, 2.5]),
                Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])) as ArrayRef,
            )?,
        ),
        (
            "empty.parquet",
            Series::from_f64("S#1_RAW#1", hourly(0)?, vec![])?,
        ),
    ];
    for (i, (name, series)) in seeds.into_iter().enumerate() {
        let base = tmp.join(format!("parquet-{i}"));
        let backend = DiskBackend::new(&base);
        backend.save(&key, &series, &TimeSeries::new(series.clone()).metadata())?;
        write(&dir, name, &fs::read(base.join("fuzz_S#1_RAW#1.parquet"))?)?;
    }
    Ok(())
}

/// Data files without our footer entries or checksums, as pandas (Python meteaudata) writes
/// them: read unverified, so mutations reach the Parquet decoder.
fn foreign_parquet(out: &Path) -> R {
    use meteaudata_core::arrow_array::{Float64Array, RecordBatch, TimestampNanosecondArray};
    use meteaudata_core::arrow_schema::{DataType, Field, Schema, TimeUnit};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::WriterProperties;
    use std::collections::HashMap;

    let dir = out.join("parquet_read");
    let write_file = |name: &str,
                      fields: Vec<Field>,
                      columns: Vec<ArrayRef>,
                      pandas: Option<String>,
                      props: WriterProperties|
     -> R {
        let meta: HashMap<String, String> = pandas
            .map(|p| ("pandas".to_string(), p))
            .into_iter()
            .collect();
        let schema = Arc::new(Schema::new_with_metadata(fields, meta));
        let batch = RecordBatch::try_new(schema.clone(), columns)?;
        let mut bytes = Vec::new();
        let mut w = ArrowWriter::try_new(&mut bytes, schema, Some(props))?;
        w.write(&batch)?;
        w.close()?;
        write(&dir, name, &bytes)
    };
    let t0 = 1_704_067_200_000_000_000i64;
    let times: Vec<i64> = (0..20).map(|i| t0 + i * 3_600_000_000_000).collect();
    write_file(
        "pandas-datetime.parquet",
        vec![
            Field::new("S#1_RAW#1", DataType::Float64, true),
            Field::new("__index_level_0__", DataType::Timestamp(TimeUnit::Nanosecond, None), true),
        ],
        vec![
            Arc::new(Float64Array::from((0..20).map(|i| if i == 3 { None } else { Some(f64::from(i)) }).collect::<Vec<_>>())),
            Arc::new(TimestampNanosecondArray::from(times)),
        ],
        Some(r#"{"index_columns": ["__index_level_0__"], "columns": [{"name": "S#1_RAW#1", "field_name": "S#1_RAW#1", "pandas_type": "float64", "numpy_type": "float64", "metadata": null}, {"name": null, "field_name": "__index_level_0__", "pandas_type": "datetime", "numpy_type": "datetime64[ns]", "metadata": null}], "pandas_version": "2.2.0"}"#.to_string()),
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(8))
            .build(),
    )?;
    write_file(
        "pandas-range.parquet",
        vec![Field::new("S#1_RAW#1", DataType::Int64, true)],
        vec![Arc::new(Int64Array::from(vec![Some(5), None, Some(7), Some(8), Some(9)]))],
        Some(r#"{"index_columns": [{"kind": "range", "name": null, "start": 0, "stop": 5, "step": 1}], "columns": [], "pandas_version": "2.2.0"}"#.to_string()),
        WriterProperties::builder()
            .set_compression(Compression::UNCOMPRESSED)
            .set_dictionary_enabled(false)
            .build(),
    )?;
    write_file(
        "no-pandas.parquet",
        vec![
            Field::new("S#1_RAW#1", DataType::Utf8, true),
            Field::new("i", DataType::Int64, false),
        ],
        vec![
            Arc::new(StringArray::from(vec![
                Some("a"),
                Some("a"),
                None,
                Some("b"),
            ])),
            Arc::new(Int64Array::from(vec![10, 20, 30, 40])),
        ],
        None,
        WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build(),
    )?;
    Ok(())
}

/// Every Parquet seed loads as the fuzz target reads it (the foreign ones with the sidecar of
/// a saved series beside them).
fn check_parquet(out: &Path, tmp: &Path) -> R {
    let key: StorageKey = "fuzz/S#1/RAW#1".parse()?;
    let base = tmp.join("check");
    let backend = DiskBackend::new(&base);
    let series = Series::from_f64("S#1_RAW#1", hourly(2)?, vec![1.0, 2.0])?;
    backend.save(&key, &series, &TimeSeries::new(series.clone()).metadata())?;
    let mut names: Vec<_> = fs::read_dir(out.join("parquet_read"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.sort();
    for seed in names {
        fs::copy(&seed, base.join("fuzz_S#1_RAW#1.parquet"))?;
        let (s, _) = backend
            .load(&key)
            .map_err(|e| format!("seed {} does not load: {e}", seed.display()))?;
        println!("{}: {} points", seed.display(), s.len());
    }
    Ok(())
}

fn main() -> R {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = fuzz.parent().ok_or("no repository root")?.to_path_buf();
    let out = std::env::args_os()
        .nth(1)
        .map_or_else(|| fuzz.join("corpus"), PathBuf::from);
    let fixtures = root.join("fixtures/python-samples");
    let tmp = tempfile::tempdir()?;
    archive(&out, &fixtures, tmp.path())?;
    csv(&out, &root, &fixtures)?;
    yaml(&out, &fixtures, tmp.path())?;
    sql(&out)?;
    parquet(&out, tmp.path())?;
    foreign_parquet(&out)?;
    check_parquet(&out, tmp.path())?;
    println!("seeds written to {}", out.display());
    Ok(())
}
