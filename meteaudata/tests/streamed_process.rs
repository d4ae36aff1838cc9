//! `Signal::process` on stored series streams from the backend into the backend, and gives
//! exactly what the in-memory path gives (values bit for bit, index, names, histories), on the
//! memory, disk and SQLite backends; auto-save writes each series once.

use meteaudata::processing::{
    LinearInterpolation, NormalizeIndexToNumericDelta, PredictFromPreviousPoint, ReplaceRanges,
    Resample, Subset,
};
use meteaudata::storage::{
    MemoryBackend, SeriesScan, SeriesWriter, SharedBackend, StorageBackend, StorageConfig,
    StorageKey, Stored, TimeRange,
};
use meteaudata::*;
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn backends(dir: &std::path::Path) -> Vec<SharedBackend> {
    vec![
        Arc::new(MemoryBackend::new()),
        create_backend(&StorageConfig::disk(dir.join("disk"))).unwrap(),
        create_backend(&StorageConfig::sql(format!(
            "sqlite:///{}",
            dir.join("db.sqlite").display()
        )))
        .unwrap(),
    ]
}

/// The steps without their run times and the versions their pins name (a stored input has
/// one, the same series in memory none).
fn no_times(steps: &[ProcessingStep]) -> Vec<ProcessingStep> {
    steps
        .iter()
        .cloned()
        .map(|mut s| {
            s.run_datetime = MetaTime::naive(nanos_to_naive(0));
            if let Some(p) = &mut s.pins {
                for i in &mut p.inputs {
                    i.version = None;
                }
            }
            s
        })
        .collect()
}

/// Runs `chain` on `raw` in memory and streamed through `backend` (chunks of `chunk`), and
/// compares every output.
fn compare(
    backend: &SharedBackend,
    raw: &Series,
    chain: &[&dyn Transform],
    chunk: usize,
) -> std::result::Result<(), TestCaseError> {
    let mut mem = Signal::new("S", "mg/L").unwrap();
    mem.add_series(raw.clone()).unwrap();
    let mut streamed = mem.clone();
    streamed.set_dataset_name(format!("ds{}", chunk));
    streamed.set_backend(Arc::clone(backend), false);
    streamed.save_all(None).unwrap();
    streamed.unload();
    let mut input = "S#1_RAW#1".to_string();
    for t in chain {
        let want = mem.process(&[input.as_str()], *t, ProcessOptions::new());
        let got = streamed.process(
            &[input.as_str()],
            *t,
            ProcessOptions::new().chunk_points(chunk),
        );
        let (want, got) = match (want, got) {
            (Ok(w), Ok(g)) => (w, g),
            (Err(a), Err(b)) => {
                prop_assert_eq!(a.kind(), b.kind());
                return Ok(());
            }
            (w, g) => {
                return Err(TestCaseError::fail(format!(
                    "in memory {:?}, streamed {:?}",
                    w.map(|_| ()),
                    g.map(|_| ())
                )))
            }
        };
        prop_assert_eq!(&want, &got);
        let (w, g) = (mem.get(&want[0]).unwrap(), streamed.get(&got[0]).unwrap());
        prop_assert!(!g.is_loaded(), "the streamed output was held in memory");
        prop_assert!(
            !streamed.get(&input).unwrap().is_loaded(),
            "the input was loaded"
        );
        prop_assert_eq!(g.series().unwrap(), w.series().unwrap());
        prop_assert_eq!(g.index_metadata(), w.index_metadata());
        prop_assert_eq!(g.values_dtype(), w.values_dtype());
        prop_assert_eq!(no_times(&g.processing_steps), no_times(&w.processing_steps));
        // The streamed step pins the stored version it read.
        let pin = &g
            .processing_steps
            .last()
            .unwrap()
            .pins
            .as_ref()
            .unwrap()
            .inputs[0];
        let key = streamed.get(&input).unwrap().storage_key().unwrap().clone();
        let latest = backend.list_versions(&key).unwrap().last().unwrap().version;
        prop_assert_eq!(pin.version, Some(latest));
        streamed.unload();
        input = got[0].clone();
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn streamed_chains_equal_in_memory_chains(
        raw in meteaudata_testkit::strategies::streamable_series("RAW".into(), 300),
        chunk in prop_oneof![Just(1usize), 2usize..9, 9usize..200],
        freq in prop::sample::select(vec!["15min", "1h", "D", "W", "MS", "90s"]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let resample = Resample::new(freq).unwrap();
        let normalize = NormalizeIndexToNumericDelta::new("h").unwrap();
        let cut = Subset::by_position(Some(3), Some(200));
        let chain: [&dyn Transform; 5] =
            [&resample, &LinearInterpolation, &cut, &PredictFromPreviousPoint, &normalize];
        for b in backends(dir.path()) {
            compare(&b, &raw, &chain, chunk)?;
        }
    }
}

#[test]
fn label_ranges_stream_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = 1_711_843_200_000_000_000i64;
    let index = Index::datetime_nanos(
        (0..500).map(|i| t0 + i * 60_000_000_000).collect(),
        Some("Europe/Paris".parse().unwrap()),
    );
    let values = (0..500)
        .map(|i| if i % 7 == 0 { f64::NAN } else { i as f64 })
        .collect();
    let raw = Series::from_f64("RAW", index, values).unwrap();
    let at = |i: i64| Timestamp {
        nanos: t0 + i * 60_000_000_000,
        tz: Some(TimeZone::Utc),
    };
    let cut = Subset::by_label(at(50), at(400));
    let replace = ReplaceRanges::new([(at(100), at(120)), (at(300), at(301))], "maintenance");
    let chain: [&dyn Transform; 3] = [&cut, &replace, &LinearInterpolation];
    for b in backends(dir.path()) {
        for chunk in [1, 13, 1000] {
            compare(&b, &raw, &chain, chunk).unwrap();
        }
    }
}

/// Counts every write (save, writer commit) and every full read (load, scan).
#[derive(Debug)]
struct Counting {
    inner: MemoryBackend,
    saves: AtomicUsize,
    commits: AtomicUsize,
    loads: AtomicUsize,
    scans: AtomicUsize,
}

struct CountingWriter<'a> {
    inner: Box<dyn SeriesWriter + 'a>,
    commits: &'a AtomicUsize,
}

impl SeriesWriter for CountingWriter<'_> {
    fn push(&mut self, chunk: &Series) -> Result<()> {
        self.inner.push(chunk)
    }
    fn points(&self) -> u64 {
        self.inner.points()
    }
    fn commit(self: Box<Self>, metadata: &metadata::TimeSeriesMetadata) -> Result<()> {
        self.commits.fetch_add(1, Ordering::SeqCst);
        self.inner.commit(metadata)
    }
}

impl StorageBackend for Counting {
    fn backend_type(&self) -> &str {
        "counting"
    }
    fn capabilities(&self) -> storage::Capabilities {
        self.inner.capabilities()
    }
    fn save(&self, key: &StorageKey, s: &Series, m: &metadata::TimeSeriesMetadata) -> Result<()> {
        self.saves.fetch_add(1, Ordering::SeqCst);
        self.inner.save(key, s, m)
    }
    fn create(&self, key: &StorageKey, s: &Series, m: &metadata::TimeSeriesMetadata) -> Result<()> {
        self.saves.fetch_add(1, Ordering::SeqCst);
        self.inner.create(key, s, m)
    }
    fn load(&self, key: &StorageKey) -> Result<Stored> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        self.inner.load(key)
    }
    fn load_metadata(&self, key: &StorageKey) -> Result<metadata::TimeSeriesMetadata> {
        self.inner.load_metadata(key)
    }
    fn scan(&self, key: &StorageKey, r: TimeRange, chunk: usize) -> Result<SeriesScan<'_>> {
        self.scans.fetch_add(1, Ordering::SeqCst);
        self.inner.scan(key, r, chunk)
    }
    fn writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(CountingWriter {
            inner: self.inner.writer(key)?,
            commits: &self.commits,
        }))
    }
    fn create_writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(CountingWriter {
            inner: self.inner.create_writer(key)?,
            commits: &self.commits,
        }))
    }
    fn exists(&self, key: &StorageKey) -> Result<bool> {
        self.inner.exists(key)
    }
    fn delete(&self, key: &StorageKey) -> Result<()> {
        self.inner.delete(key)
    }
    fn list_keys(&self) -> Result<Vec<StorageKey>> {
        self.inner.list_keys()
    }
    fn clear(&self) -> Result<()> {
        self.inner.clear()
    }
}

fn counting() -> Arc<Counting> {
    Arc::new(Counting {
        inner: MemoryBackend::new(),
        saves: AtomicUsize::new(0),
        commits: AtomicUsize::new(0),
        loads: AtomicUsize::new(0),
        scans: AtomicUsize::new(0),
    })
}

fn raw() -> Series {
    let t0 = 1_700_000_000_000_000_000i64;
    let index = Index::datetime_nanos((0..2000).map(|i| t0 + i * 10_000_000_000).collect(), None);
    let values = (0..2000)
        .map(|i| {
            if i % 5 == 0 {
                f64::NAN
            } else {
                (i as f64).sqrt()
            }
        })
        .collect();
    Series::from_f64("RAW", index, values).unwrap()
}

fn five_steps(signal: &mut Signal, options: ProcessOptions) {
    let resample = Resample::new("5min").unwrap();
    let cut = Subset::by_position(Some(2), None);
    let normalize = NormalizeIndexToNumericDelta::new("s").unwrap();
    let chain: [&dyn Transform; 5] = [
        &resample,
        &LinearInterpolation,
        &cut,
        &PredictFromPreviousPoint,
        &normalize,
    ];
    let mut input = "S#1_RAW#1".to_string();
    for t in chain {
        input = signal
            .process(&[input.as_str()], t, options.clone())
            .unwrap()[0]
            .clone();
    }
    assert_eq!(signal.time_series().len(), 6);
}

#[test]
fn auto_save_of_a_streamed_five_step_chain_writes_each_series_once() {
    let backend = counting();
    let mut signal = Signal::new("S", "mg/L")
        .unwrap()
        .with_series(raw())
        .unwrap();
    signal.set_backend(backend.clone(), true);
    signal.save_all(None).unwrap();
    signal.unload();
    five_steps(&mut signal, ProcessOptions::new().chunk_points(300));
    let writes = backend.saves.load(Ordering::SeqCst) + backend.commits.load(Ordering::SeqCst);
    assert_eq!(writes, 6, "each of the 6 series written once");
    assert_eq!(
        backend.commits.load(Ordering::SeqCst),
        5,
        "the 5 outputs were streamed"
    );
    assert_eq!(
        backend.loads.load(Ordering::SeqCst),
        0,
        "no series was read whole"
    );
    assert_eq!(
        backend.scans.load(Ordering::SeqCst),
        5,
        "each input scanned once"
    );
    // Everything is in the backend as in memory.
    let mut mem = Signal::new("S", "mg/L")
        .unwrap()
        .with_series(raw())
        .unwrap();
    five_steps(&mut mem, ProcessOptions::new());
    for (name, ts) in mem.time_series() {
        let got = signal.get(name).unwrap();
        assert_eq!(got.series().unwrap(), ts.series().unwrap(), "{name}");
    }
}

#[test]
fn auto_save_in_memory_writes_each_series_once_and_reads_none_back() {
    let backend = counting();
    let mut signal = Signal::new("S", "mg/L")
        .unwrap()
        .with_series(raw())
        .unwrap();
    signal.set_backend(backend.clone(), true);
    five_steps(
        &mut signal,
        ProcessOptions::new().streaming(Streaming::Never),
    );
    assert_eq!(backend.saves.load(Ordering::SeqCst), 6);
    assert_eq!(backend.commits.load(Ordering::SeqCst), 0);
    // Each input of steps 2-5 is read once (it was unloaded by the auto-save); nothing else.
    assert_eq!(backend.loads.load(Ordering::SeqCst), 4);
}

#[test]
fn a_changed_series_is_saved_again_and_never_streamed_from_its_stale_copy() {
    let backend = counting();
    let mut signal = Signal::new("S", "mg/L")
        .unwrap()
        .with_series(raw())
        .unwrap();
    signal.set_backend(backend.clone(), false);
    signal.save_all(None).unwrap();
    signal.save_all(None).unwrap();
    assert_eq!(
        backend.saves.load(Ordering::SeqCst),
        1,
        "an unchanged series is not rewritten"
    );
    signal
        .get_mut("S#1_RAW#1")
        .unwrap()
        .set_series(raw().slice(0, 10).with_name("RAW"));
    assert!(
        !signal.get_mut("S#1_RAW#1").unwrap().unload(),
        "a series changed since its save must stay in memory (unloading would lose the change)"
    );
    // Data replaced after the save: the stored copy is stale, so process works in memory.
    let out = signal
        .process(&["S#1_RAW#1"], &LinearInterpolation, ProcessOptions::new())
        .unwrap();
    assert_eq!(backend.scans.load(Ordering::SeqCst), 0);
    assert_eq!(signal.get(&out[0]).unwrap().series().unwrap().len(), 10);
    signal.save_all(None).unwrap();
    assert_eq!(backend.saves.load(Ordering::SeqCst), 3);
    signal.get_mut(&out[0]).unwrap().processing_steps.clear();
    signal.save_all(None).unwrap();
    assert_eq!(
        backend.saves.load(Ordering::SeqCst),
        4,
        "changed metadata is saved again"
    );
}

#[test]
fn a_failed_streamed_call_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        let unsorted = Series::from_f64(
            "RAW",
            Index::datetime_nanos(vec![5, 1, 3], None),
            vec![1.0, 2.0, 3.0],
        )
        .unwrap();
        let sorted = Series::from_f64(
            "RAW",
            Index::datetime_nanos(vec![1, 2, 3], None),
            vec![1.0, 2.0, 3.0],
        )
        .unwrap();
        let mut signal = Signal::new("S", "mg/L").unwrap();
        signal.add_series(sorted).unwrap();
        signal.add_series(unsorted).unwrap();
        signal.set_backend(Arc::clone(&backend), false);
        signal.save_all(None).unwrap();
        signal.unload();
        let before = backend.list_keys().unwrap();
        let err = signal
            .process(
                &["S#1_RAW#1", "S#1_RAW#2"],
                &Resample::new("1h").unwrap(),
                ProcessOptions::new(),
            )
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains("not sorted"), "{err}");
        assert_eq!(signal.time_series().len(), 2);
        assert_eq!(
            backend.list_keys().unwrap(),
            before,
            "{}",
            backend.backend_type()
        );
        // In memory, it works.
        let keys = signal
            .process(
                &["S#1_RAW#1", "S#1_RAW#2"],
                &Resample::new("1h").unwrap(),
                ProcessOptions::new().streaming(Streaming::Never),
            )
            .unwrap();
        assert_eq!(keys.len(), 2);
    }
}

/// The progress hook hears every chunk a streamed transform reads, up to all the input points,
/// and once the total for a transform computed in memory.
#[test]
fn progress_hook_counts_input_points() {
    let dir = tempfile::tempdir().unwrap();
    let backend = create_backend(&StorageConfig::disk(dir.path())).unwrap();
    let reports = Arc::new(std::sync::Mutex::new(Vec::new()));
    let hook = {
        let r = Arc::clone(&reports);
        ProgressHook::new(move |n| r.lock().unwrap().push(n))
    };
    let mut signal = Signal::new("S", "u").unwrap().with_series(raw()).unwrap();
    signal.set_dataset_name("p".to_string());
    signal.set_backend(Arc::clone(&backend), false);
    signal.save_all(None).unwrap();
    signal.unload();
    let options = ProcessOptions::new()
        .chunk_points(300)
        .progress(hook.clone());
    signal
        .process(&["S#1_RAW#1"], &LinearInterpolation, options)
        .unwrap();
    let seen = std::mem::take(&mut *reports.lock().unwrap());
    assert!(seen.len() >= 2000 / 300, "one report per chunk: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(seen.last(), Some(&2000));
    // In memory: the total, once.
    let mut mem = Signal::new("M", "u").unwrap().with_series(raw()).unwrap();
    mem.process(
        &["M#1_RAW#1"],
        &LinearInterpolation,
        ProcessOptions::new().progress(hook),
    )
    .unwrap();
    assert_eq!(*reports.lock().unwrap(), vec![2000]);
}
