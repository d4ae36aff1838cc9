//! Conformance cases of the chunked contract: `load_metadata`, `scan` and `writer`.

use meteaudata_core::storage::{ChunkShape, SeriesScan, StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{ErrorKind, Index, IndexData, Series, TimeSeries};

use crate::cases::{
    e2s, every_kind, fresh_namespace, key, sample_time_series, save_ts, scattered_series,
    CaseResult, Outcome,
};

fn check(cond: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(msg())
    }
}

/// Reads a scan to the end, checking each chunk's size; returns the joined series (or the one
/// empty chunk of an empty series) and the chunk count.
fn drain(scan: SeriesScan<'_>, chunk: usize, what: &str) -> Result<(Series, usize), String> {
    let mut joined: Option<Series> = None;
    let mut n = 0;
    let mut empty = 0;
    for c in scan {
        let c = c.map_err(e2s(what))?;
        check(c.len() <= chunk, || {
            format!("{what}: a chunk of {} points (asked {chunk})", c.len())
        })?;
        if c.is_empty() {
            empty += 1;
        }
        n += 1;
        joined = Some(match joined {
            None => c,
            Some(j) => j.append(&c).map_err(e2s("join chunks"))?,
        });
    }
    check(empty == 0 || n == 1, || {
        format!("{what}: {empty} empty chunks among {n}")
    })?;
    let joined = joined.ok_or_else(|| {
        format!("{what}: no chunk at all (an empty series yields one empty chunk)")
    })?;
    Ok((joined, n))
}

/// `load_metadata` returns the stored document without the data; a missing key is
/// `NotFound`.
pub fn load_metadata(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("load_metadata");
    let ts = sample_time_series();
    let k = key(&ns, "A#1/RESAMPLED#1")?;
    save_ts(b, &k, &ts)?;
    let meta = b.load_metadata(&k).map_err(e2s("load_metadata"))?;
    check(meta == ts.metadata(), || {
        format!("load_metadata: {meta:?}, saved {:?}", ts.metadata())
    })?;
    let err = b
        .load_metadata(&key(&ns, "A#1/RAW#404")?)
        .err()
        .ok_or("load_metadata of a missing key succeeded")?;
    check(err.kind() == ErrorKind::NotFound, || {
        format!("load_metadata of a missing key: {:?}", err.kind())
    })?;
    Ok(Outcome::Passed)
}

/// A scan yields the stored points in order, in non-empty chunks of at most the asked size,
/// joining into what `load` returns, for every index kind and chunk sizes down to 1; an
/// empty series yields one empty chunk of its kind; 0 points per chunk is `InvalidInput`; a
/// missing key is `NotFound`.
pub fn scan_chunks(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("scan_chunks");
    let mut series = every_kind();
    series.push(scattered_series()?);
    series.push(
        sample_time_series()
            .series()
            .map_err(e2s("sample"))?
            .clone(),
    );
    for (i, s) in series.into_iter().enumerate() {
        let ts = crate::cases::storable(b, &TimeSeries::new(s.with_name(format!("S#1_K{i}#1"))));
        let k = key(&ns, &format!("S#1/K{i}#1"))?;
        save_ts(b, &k, &ts)?;
        let (want, _) = b.load(&k).map_err(e2s("load"))?;
        for chunk in [1, 2, 7, 1000, 1 << 20] {
            let scan = b
                .scan(&k, TimeRange::default(), chunk)
                .map_err(e2s("scan"))?;
            check(scan.metadata() == &ts.metadata(), || {
                format!("scan of {k}: metadata differs")
            })?;
            let (got, n) = drain(scan, chunk, &format!("scan of {k} by {chunk}"))?;
            check(got == want, || {
                format!("scan of {k} by {chunk}: joined chunks differ from load\n got: {got:?}\nwant: {want:?}")
            })?;
            let least = want.len().div_ceil(chunk).max(1);
            check(n >= least, || {
                format!(
                    "scan of {k} by {chunk}: {n} chunks for {} points",
                    want.len()
                )
            })?;
        }
    }
    // Empty series: one empty chunk of the right kind.
    let empty = TimeSeries::new(
        Series::from_f64(
            "E#1_RAW#1",
            Index::datetime_nanos(vec![], None).with_name("time"),
            vec![],
        )
        .map_err(e2s("series"))?,
    );
    let k = key(&ns, "E#1/RAW#1")?;
    save_ts(b, &k, &empty)?;
    let (got, n) = drain(
        b.scan(&k, TimeRange::default(), 5).map_err(e2s("scan"))?,
        5,
        "scan of an empty series",
    )?;
    check(n == 1 && got.is_empty(), || {
        format!("scan of an empty series: {n} chunks, {} points", got.len())
    })?;
    check(
        got.index().metadata() == empty.index_metadata().clone(),
        || {
            format!(
                "scan of an empty series: index {:?}",
                got.index().metadata()
            )
        },
    )?;
    let err = b
        .scan(&k, TimeRange::default(), 0)
        .err()
        .ok_or("a scan with 0 points per chunk started")?;
    check(err.kind() == ErrorKind::InvalidInput, || {
        format!("scan by 0: {:?}", err.kind())
    })?;
    let err = b
        .scan(&key(&ns, "E#1/RAW#404")?, TimeRange::default(), 5)
        .err()
        .ok_or("a scan of a missing key started")?;
    check(err.kind() == ErrorKind::NotFound, || {
        format!("scan of a missing key: {:?}", err.kind())
    })?;
    Ok(Outcome::Passed)
}

/// A scan of a time window yields exactly the points `load_range` returns, in order.
pub fn scan_windows(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("scan_windows");
    let ts = TimeSeries::new(scattered_series()?);
    let k = key(&ns, "W#1/RAW#1")?;
    save_ts(b, &k, &ts)?;
    let s = 1_700_000_000_000_000_000i64;
    let sec = 1_000_000_000i64;
    for (start, end) in [
        (Some(s + 100 * sec), Some(s + 2100 * sec)),
        (None, Some(s + 3 * sec)),
        (Some(s + 4990 * sec), None),
        (Some(s + 6000 * sec), None),
    ] {
        let range = TimeRange::new(start, end);
        let (want, _) = b.load_range(&k, range).map_err(e2s("load_range"))?;
        for chunk in [1, 64, 100_000] {
            let scan = b.scan(&k, range, chunk).map_err(e2s("scan"))?;
            let (got, _) = drain(scan, chunk, &format!("window scan by {chunk}"))?;
            check(got == want, || {
                format!(
                    "scan of [{start:?}, {end:?}) by {chunk}: {} points, want {}",
                    got.len(),
                    want.len()
                )
            })?;
        }
    }
    let ints = TimeSeries::new(
        Series::from_f64("A#1_RAW#1", Index::range(2), vec![1.0, 2.0]).map_err(e2s("s"))?,
    );
    let k2 = key(&ns, "A#1/RAW#1")?;
    save_ts(b, &k2, &ints)?;
    let windowed = b.scan(&k2, TimeRange::new(Some(0), None), 4);
    let failed = match windowed {
        Err(e) => e.kind() == ErrorKind::InvalidInput,
        Ok(scan) => scan
            .into_iter()
            .any(|c| c.is_err_and(|e| e.kind() == ErrorKind::InvalidInput)),
    };
    check(failed, || {
        "a time window scan of a range index did not fail with InvalidInput".into()
    })?;
    Ok(Outcome::Passed)
}

fn write_chunks(
    b: &dyn StorageBackend,
    k: &StorageKey,
    s: &Series,
    chunk: usize,
    base: &TimeSeries,
) -> Result<meteaudata_core::metadata::TimeSeriesMetadata, String> {
    let mut w = b.writer(k).map_err(e2s("writer"))?;
    let mut shape = None;
    let mut at = 0;
    loop {
        let c = s.slice(at, chunk);
        ChunkShape::track(&mut shape, &c).map_err(e2s("shape"))?;
        w.push(&c).map_err(e2s("push"))?;
        at += chunk;
        if at >= s.len() {
            break;
        }
    }
    check(w.points() == s.len() as u64, || {
        format!("writer counts {} points, pushed {}", w.points(), s.len())
    })?;
    let meta = shape.ok_or("no chunk")?.metadata(base.metadata());
    w.commit(&meta).map_err(e2s("commit"))?;
    Ok(meta)
}

/// A series pushed chunk by chunk (down to 1 point) and committed loads back as the joined
/// series with the given metadata, for every index kind (a range pushed in contiguous slices
/// stays a range); nothing is visible before the commit.
pub fn writer_round_trip(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("writer");
    let mut series = every_kind();
    series.push(scattered_series()?);
    for (i, s) in series.into_iter().enumerate() {
        let ts = crate::cases::storable(b, &TimeSeries::new(s.with_name(format!("S#1_K{i}#1"))));
        let s = ts.series().map_err(e2s("series"))?.clone();
        for chunk in [1, 3, 1 << 20] {
            let k = key(&ns, &format!("S#1/K{i}C{chunk}#1"))?;
            let meta = write_chunks(b, &k, &s, chunk, &ts)?;
            check(meta == ts.metadata(), || {
                format!("{k}: the chunks' shape gives other metadata than the whole series:\n{meta:?}\n{:?}", ts.metadata())
            })?;
            let (got, got_meta) = b.load(&k).map_err(e2s("load"))?;
            let (want, _) = {
                let k2 = key(&ns, &format!("S#1/K{i}W#1"))?;
                save_ts(b, &k2, &ts)?;
                b.load(&k2).map_err(e2s("load saved"))?
            };
            check(got == want, || {
                format!(
                    "{k} written by {chunk}: loads as\n{got:?}\nwant (as saved whole)\n{want:?}"
                )
            })?;
            check(got_meta == meta, || format!("{k}: metadata differs"))?;
        }
    }
    // Not visible before the commit.
    let s = Series::from_f64("N#1_RAW#1", Index::range(4), vec![1.0, 2.0, 3.0, 4.0])
        .map_err(e2s("s"))?;
    let k = key(&ns, "N#1/RAW#1")?;
    let mut w = b.writer(&k).map_err(e2s("writer"))?;
    w.push(&s).map_err(e2s("push"))?;
    check(!b.exists(&k).map_err(e2s("exists"))?, || {
        "a key exists before its writer commits".into()
    })?;
    check(!b.list_keys().map_err(e2s("list"))?.contains(&k), || {
        "a key is listed before its writer commits".into()
    })?;
    w.commit(&TimeSeries::new(s.clone()).metadata())
        .map_err(e2s("commit"))?;
    check(b.exists(&k).map_err(e2s("exists"))?, || {
        "a committed key does not exist".into()
    })?;
    Ok(Outcome::Passed)
}

/// A writer dropped without its commit, or fed a chunk that cannot join, leaves the previous
/// value whole (and creates nothing for a new key); a commit without any chunk is an error.
pub fn writer_abandoned_keeps_previous(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("writer_abandoned");
    let ts = crate::cases::storable(b, &sample_time_series());
    let k = key(&ns, "A#1/RAW#1")?;
    save_ts(b, &k, &ts)?;
    let other =
        Series::from_f64("A#1_RAW#1", Index::range(3), vec![9.0, 9.0, 9.0]).map_err(e2s("s"))?;
    {
        let mut w = b.writer(&k).map_err(e2s("writer"))?;
        w.push(&other).map_err(e2s("push"))?;
        // dropped
    }
    let (got, meta) = b.load(&k).map_err(e2s("load"))?;
    check(&got == ts.series().map_err(e2s("series"))?, || {
        "an abandoned writer changed the stored series".into()
    })?;
    check(meta == ts.metadata(), || {
        "an abandoned writer changed the metadata".into()
    })?;
    // A chunk of another kind is refused.
    let mut w = b.writer(&k).map_err(e2s("writer"))?;
    w.push(&other).map_err(e2s("push"))?;
    let wrong = Series::from_f64(
        "A#1_RAW#1",
        Index::new(IndexData::DateTime {
            values: vec![1i64].into(),
            tz: None,
        })
        .map_err(e2s("index"))?,
        vec![1.0],
    )
    .map_err(e2s("s"))?;
    let err = w
        .push(&wrong)
        .err()
        .ok_or("a writer took a chunk of another index kind")?;
    check(err.kind() == ErrorKind::InvalidInput, || {
        format!("mismatched chunk: {:?}", err.kind())
    })?;
    drop(w);
    let (got, _) = b.load(&k).map_err(e2s("load"))?;
    check(&got == ts.series().map_err(e2s("series"))?, || {
        "a refused chunk changed the stored series".into()
    })?;
    // A new key abandoned: nothing appears.
    let k2 = key(&ns, "A#1/RAW#2")?;
    {
        let mut w = b.writer(&k2).map_err(e2s("writer"))?;
        w.push(&other).map_err(e2s("push"))?;
    }
    check(!b.exists(&k2).map_err(e2s("exists"))?, || {
        "an abandoned writer created its key".into()
    })?;
    let w = b.writer(&k2).map_err(e2s("writer"))?;
    check(w.commit(&ts.metadata()).is_err(), || {
        "a commit without any chunk succeeded".into()
    })?;
    check(!b.exists(&k2).map_err(e2s("exists"))?, || {
        "a failed commit created its key".into()
    })?;
    Ok(Outcome::Passed)
}
