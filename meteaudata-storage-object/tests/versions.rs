//! Versions in an object store: where they are kept (the disk backend's layout, out of key
//! listings), what a save killed between its archive copy and its put leaves, a writer that
//! saves between another's read and put, damaged archived versions, delete, `file://` (a lock
//! file per key, shared with the disk backend), files Python wrote, and stores without
//! versions. The conformance cases (`conformance.rs`, `servers.rs`) check the contract.

use std::fmt;
use std::fs;
use std::path::Path as FsPath;
use std::sync::{Arc, Mutex};

use futures::stream::BoxStream;
use meteaudata_core::storage::{Retention, StorageBackend, StorageKey};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries};
use meteaudata_storage_disk::DiskBackend;
use meteaudata_storage_object::object_store::memory::InMemory;
use meteaudata_storage_object::object_store::path::Path;
use meteaudata_storage_object::object_store::{
    self, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    ObjectStoreExt, PutMode, PutMultipartOptions, PutOptions, PutPayload, PutResult,
};
use meteaudata_storage_object::ObjectBackend;

const STEM: &str = "plant_Flow#1_RAW#1";

fn key() -> StorageKey {
    "plant/Flow#1/RAW#1".parse().unwrap()
}

fn ts(values: Vec<f64>) -> TimeSeries {
    let n = values.len();
    TimeSeries::new(Series::from_f64("Flow#1_RAW#1", Index::range(n), values).unwrap())
}

fn save(b: &dyn StorageBackend, t: &TimeSeries) {
    b.save(&key(), t.series().unwrap(), &t.metadata()).unwrap();
}

fn numbers(b: &dyn StorageBackend) -> Vec<u64> {
    b.list_versions(&key())
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect()
}

fn first_value(b: &dyn StorageBackend, version: u64) -> f64 {
    b.load_version(&key(), version)
        .unwrap()
        .0
        .f64_values()
        .unwrap()
        .value(0)
}

fn names(dir: &FsPath) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn file_backend(dir: &FsPath) -> ObjectBackend {
    ObjectBackend::new(&format!("file://{}", dir.display())).unwrap()
}

/// A backend on an `InMemory` store the test can reach, under `prefix`.
fn on_memory(store: &Arc<InMemory>, prefix: &str) -> ObjectBackend {
    let shared: Arc<dyn ObjectStore> = Arc::clone(store) as Arc<dyn ObjectStore>;
    ObjectBackend::from_store(shared, Path::from(prefix), &format!("memory:///{prefix}"))
        .unwrap()
        .with_versions()
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    futures::executor::block_on(f)
}

/// The names of every object under `prefix` of `store`, sorted.
fn objects(store: &InMemory, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = run(async {
        use futures::TryStreamExt;
        store
            .list(Some(&Path::from(prefix)))
            .map_ok(|m| m.location.to_string())
            .try_collect::<Vec<_>>()
            .await
    })
    .unwrap();
    v.sort();
    v
}

#[test]
fn older_versions_are_kept_where_the_disk_backend_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let b = file_backend(dir.path());
    assert!(b.capabilities().versions);
    let saved = [ts(vec![1.0, 2.0]), ts(vec![3.0]), ts(vec![4.0, 5.0, 6.0])];
    for t in &saved {
        save(&b, t);
    }
    // Our files carry their metadata: the archive needs no sidecar.
    let archive = dir.path().join(".meteaudata-versions").join(STEM);
    assert_eq!(names(&archive), ["1.parquet", "2.parquet"]);
    assert!(dir.path().join(format!("{STEM}.parquet")).exists());
    assert!(dir.path().join(format!("{STEM}_meta.yaml")).exists());
    let versions = b.list_versions(&key()).unwrap();
    assert_eq!(versions.len(), 3);
    for (v, t) in versions.iter().zip(&saved) {
        assert_eq!(v.hash, t.series().unwrap().content_hash().unwrap());
        assert_eq!(v.points, t.series().unwrap().len() as u64);
        let (s, m) = b.load_version(&key(), v.version).unwrap();
        assert_eq!(&s, t.series().unwrap());
        assert_eq!(m, t.metadata());
    }
    // The disk backend opened on the same folder (a synced copy) sees the same versions.
    let disk = DiskBackend::new(dir.path());
    assert_eq!(disk.list_versions(&key()).unwrap(), versions);
    assert_eq!(
        &disk.load_version(&key(), 1).unwrap().0,
        saved[0].series().unwrap()
    );
    // The size counts the archived versions.
    let with_versions = b.size_on_disk().unwrap().unwrap();
    let latest = fs::metadata(dir.path().join(format!("{STEM}.parquet")))
        .unwrap()
        .len();
    assert!(with_versions > 2 * latest, "{with_versions} vs {latest}");
}

#[test]
fn key_listings_never_enter_the_archive() {
    let store = Arc::new(InMemory::new());
    let b = on_memory(&store, "p");
    for i in 0..4 {
        save(&b, &ts(vec![f64::from(i)]));
    }
    let other: StorageKey = "plant/Flow#2/RAW#1".parse().unwrap();
    let t = ts(vec![9.0]);
    b.save(&other, t.series().unwrap(), &t.metadata()).unwrap();
    assert_eq!(b.list_keys().unwrap(), [key(), other.clone()]);
    assert_eq!(
        objects(&store, "p/.meteaudata-versions"),
        [1, 2, 3].map(|n| format!("p/.meteaudata-versions/{STEM}/{n}.parquet"))
    );
    // A URL-opened memory store keeps versions too.
    let m = ObjectBackend::new("memory:///p").unwrap();
    assert!(m.capabilities().versions);
    save(&m, &ts(vec![1.0]));
    save(&m, &ts(vec![2.0]));
    assert_eq!(m.list_keys().unwrap(), [key()]);
    assert_eq!(numbers(&m), [1, 2]);
    // clear removes the versions with the keys.
    b.clear().unwrap();
    assert!(objects(&store, "p").is_empty());
    assert_eq!(b.size_on_disk().unwrap(), Some(0));
}

#[test]
fn a_save_killed_after_its_archive_copy_adds_no_version() {
    let store = Arc::new(InMemory::new());
    let b = on_memory(&store, "p");
    let (one, two, three) = (ts(vec![1.0]), ts(vec![2.0]), ts(vec![3.0]));
    save(&b, &one);
    save(&b, &two);
    // What a save killed between its copy and its put leaves: the current object copied to
    // its own number.
    let current = Path::parse(format!("p/{STEM}.parquet")).unwrap();
    let copy = Path::parse(format!("p/.meteaudata-versions/{STEM}/2.parquet")).unwrap();
    run(store.copy(&current, &copy)).unwrap();
    assert_eq!(numbers(&b), [1, 2]);
    assert_eq!(
        &b.load(&key()).unwrap().0,
        two.series().unwrap(),
        "the latest is the last completed save"
    );
    assert_eq!(first_value(&b, 2), 2.0);
    // The next save goes on from there (the copy is the one it would have made).
    save(&b, &three);
    assert_eq!(numbers(&b), [1, 2, 3]);
    assert_eq!(first_value(&b, 1), 1.0);
    assert_eq!(first_value(&b, 2), 2.0);
    assert_eq!(first_value(&b, 3), 3.0);
}

/// When [`Racing`] runs its hook.
#[derive(Clone, Copy)]
enum Before {
    /// The first conditional replacement (`PutMode::Update`).
    Update,
    /// The first copy to a name that must be free, of an object under the prefix's root (a
    /// large file put in place; archive copies go to a subfolder).
    CreateCopy,
}

/// An `InMemory` store that runs `hook` once, just before the operation `before` says:
/// another writer saving between a save's read and its put.
struct Racing {
    inner: Arc<InMemory>,
    before: Before,
    hook: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl Racing {
    fn new(inner: &Arc<InMemory>, before: Before, hook: impl FnOnce() + Send + 'static) -> Self {
        Racing {
            inner: Arc::clone(inner),
            before,
            hook: Mutex::new(Some(Box::new(hook))),
        }
    }

    fn fire(&self) {
        let hook = self.hook.lock().unwrap().take();
        if let Some(hook) = hook {
            // The other writer runs on a thread of its own (it has its own runtime).
            std::thread::spawn(hook).join().unwrap();
        }
    }
}

impl fmt::Debug for Racing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Racing")
    }
}

impl fmt::Display for Racing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Racing")
    }
}

#[async_trait::async_trait]
impl ObjectStore for Racing {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        if matches!(
            (self.before, &opts.mode),
            (Before::Update, PutMode::Update(_))
        ) {
            self.fire();
        }
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(
        &self,
        location: &Path,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        self.inner.get_opts(location, options).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(
        &self,
        from: &Path,
        to: &Path,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        if matches!(
            (self.before, options.mode),
            (Before::CreateCopy, object_store::CopyMode::Create)
        ) && to.parts().count() == 2
        {
            self.fire();
        }
        self.inner.copy_opts(from, to, options).await
    }
}

#[test]
fn a_save_between_another_s_read_and_put_takes_the_next_number() {
    let inner = Arc::new(InMemory::new());
    let plain = on_memory(&inner, "p");
    save(&plain, &ts(vec![1.0]));
    let other = plain.clone();
    let racing = Arc::new(Racing::new(&inner, Before::Update, move || {
        save(&other, &ts(vec![2.0]))
    }));
    let b = ObjectBackend::from_store(racing, Path::from("p"), "memory:///p (racing)")
        .unwrap()
        .with_versions();
    // This save reads version 1, archives it, and finds version 2 in place at its put: it
    // archives 2 and becomes 3. No version is lost.
    save(&b, &ts(vec![3.0]));
    assert_eq!(numbers(&b), [1, 2, 3]);
    for (n, want) in [(1, 1.0), (2, 2.0), (3, 3.0)] {
        assert_eq!(first_value(&b, n), want, "version {n}");
    }
    let listed = b.list_versions(&key()).unwrap();
    assert_eq!(
        listed[2].hash,
        ts(vec![3.0]).series().unwrap().content_hash().unwrap()
    );
    assert!(listed.windows(2).all(|w| w[0].created <= w[1].created));
}

#[test]
fn a_damaged_archived_version_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let b = file_backend(dir.path());
    let values: Vec<f64> = (0..5000).map(f64::from).collect();
    save(&b, &ts(values));
    save(&b, &ts(vec![3.0]));
    save(&b, &ts(vec![4.0]));
    let archive = dir.path().join(".meteaudata-versions").join(STEM);
    // A flipped byte in the data of version 1 (the footer is whole: it is listed).
    let one = archive.join("1.parquet");
    let mut bytes = fs::read(&one).unwrap();
    bytes[100] ^= 0x40;
    fs::remove_file(&one).unwrap();
    fs::write(&one, &bytes).unwrap();
    assert_eq!(numbers(&b), [1, 2, 3]);
    let err = b.load_version(&key(), 1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    // Version 2 replaced by bytes that are no Parquet file.
    let two = archive.join("2.parquet");
    fs::remove_file(&two).unwrap();
    fs::write(&two, b"PAR1 damaged PAR1").unwrap();
    let err = b.load_version(&key(), 2).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(err.to_string().contains("2.parquet"), "{err}");
    let err = b.list_versions(&key()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    // The latest is untouched, and saves go on.
    assert_eq!(&b.load(&key()).unwrap().0, ts(vec![4.0]).series().unwrap());
    save(&b, &ts(vec![5.0]));
    assert_eq!(first_value(&b, 3), 4.0);
}

#[test]
fn delete_removes_every_version_and_numbering_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let b = file_backend(dir.path());
    save(&b, &ts(vec![1.0]));
    save(&b, &ts(vec![2.0]));
    save(&b, &ts(vec![3.0]));
    let archive = dir.path().join(".meteaudata-versions").join(STEM);
    let stale = fs::read(archive.join("1.parquet")).unwrap();
    b.delete(&key()).unwrap();
    assert!(!dir.path().join(".meteaudata-versions").exists());
    assert_eq!(
        b.list_versions(&key()).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // An archived object of the deleted key left behind (a delete that raced a save):
    // not a version of the key saved again, and replaced when that number is archived.
    fs::create_dir_all(&archive).unwrap();
    fs::write(archive.join("1.parquet"), &stale).unwrap();
    save(&b, &ts(vec![5.0]));
    assert_eq!(numbers(&b), [1]);
    assert_eq!(first_value(&b, 1), 5.0);
    save(&b, &ts(vec![6.0]));
    assert_eq!(numbers(&b), [1, 2]);
    assert_eq!(first_value(&b, 1), 5.0);
    assert_eq!(
        b.prune_versions(&key(), Retention::KeepLast(1)).unwrap(),
        [1]
    );
    // Folders left empty go.
    assert!(!archive.exists());
    b.clear().unwrap();
    assert!(!dir.path().join(".meteaudata-versions").exists());
}

#[test]
fn on_file_stores_a_lock_file_per_key_keeps_saves_apart() {
    let dir = tempfile::tempdir().unwrap();
    let object = file_backend(dir.path());
    let disk = DiskBackend::new(dir.path());
    // The object backend and the disk backend take the same lock file for a key: saving one
    // key at once from both (and from two object backends), no version is lost.
    let other = file_backend(dir.path());
    std::thread::scope(|s| {
        let backends: [&dyn StorageBackend; 3] = [&object, &disk, &other];
        for (t, b) in backends.into_iter().enumerate() {
            s.spawn(move || {
                for i in 0..5 {
                    save(b, &ts(vec![(t * 10 + i) as f64]));
                }
            });
        }
    });
    assert_eq!(numbers(&object), (1..=15).collect::<Vec<u64>>());
    let mut seen: Vec<i64> = (1..=15).map(|n| first_value(&object, n) as i64).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 15, "every save kept: {seen:?}");
    assert!(names(dir.path())
        .iter()
        .any(|n| n.starts_with(".meteaudata-lock-")));
    // Appends hold the lock too.
    let more = Series::from_f64(
        "Flow#1_RAW#1",
        Index::new(meteaudata_core::IndexData::Range {
            start: 1,
            stop: 2,
            step: 1,
        })
        .unwrap(),
        vec![7.0],
    )
    .unwrap();
    object.append(&key(), &more).unwrap();
    assert_eq!(numbers(&object).last(), Some(&16));
    assert_eq!(object.load(&key()).unwrap().0.len(), 2);
}

#[test]
fn a_store_without_versions_replaces_objects() {
    let store = Arc::new(InMemory::new());
    let shared: Arc<dyn ObjectStore> = Arc::clone(&store) as Arc<dyn ObjectStore>;
    // A store given by the caller keeps none unless told.
    let plain = ObjectBackend::from_store(shared, Path::from("p"), "memory:///p").unwrap();
    assert!(!plain.capabilities().versions);
    let b = on_memory(&store, "p").without_versions();
    assert!(!b.capabilities().versions);
    save(&b, &ts(vec![1.0]));
    save(&b, &ts(vec![2.0]));
    assert!(objects(&store, "p/.meteaudata-versions").is_empty());
    assert_eq!(
        b.list_versions(&key()).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
    // The same store with versions: the object (without a version entry) is version 1, its
    // hash computed from its content; the next save makes it version 2... and keeps it.
    let v = on_memory(&store, "p");
    let listed = v.list_versions(&key()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].hash,
        ts(vec![2.0]).series().unwrap().content_hash().unwrap()
    );
    save(&v, &ts(vec![3.0]));
    assert_eq!(numbers(&v), [1, 2]);
    assert_eq!(first_value(&v, 1), 2.0);
}

/// About 24 MB of Parquet (noise does not compress): more than one PUT.
fn big() -> TimeSeries {
    let n = 3_000_000;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let values: Vec<f64> = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            f64::from_bits((x >> 12) | 0x3ff0_0000_0000_0000)
        })
        .collect();
    ts(values)
}

#[test]
fn a_large_save_losing_a_free_name_is_numbered_again() {
    // A large save of a new key goes up under a temporary name, copied into place only if the
    // name is still free; another writer saves the key first: the save archives that version
    // and puts its file again, numbered 2 (streamed from the uploaded object).
    let inner = Arc::new(InMemory::new());
    let other = on_memory(&inner, "p");
    let racing = Arc::new(Racing::new(&inner, Before::CreateCopy, move || {
        save(&other, &ts(vec![1.0]))
    }));
    let b = ObjectBackend::from_store(racing, Path::from("p"), "memory:///p (racing)")
        .unwrap()
        .with_versions();
    let big = big();
    save(&b, &big);
    assert_eq!(numbers(&b), [1, 2]);
    assert_eq!(first_value(&b, 1), 1.0);
    assert_eq!(&b.load(&key()).unwrap().0, big.series().unwrap());
    assert_eq!(
        b.list_versions(&key()).unwrap()[1].hash,
        big.series().unwrap().content_hash().unwrap()
    );
    assert!(objects(&inner, "p").iter().all(|o| !o.contains(".tmp-")));
}

#[test]
fn a_large_save_archives_the_previous_version_before_it_completes() {
    // A multipart upload to the key's own name, completed only after the current object is
    // archived.
    let big = big();
    let store = Arc::new(InMemory::new());
    let b = on_memory(&store, "p");
    save(&b, &ts(vec![1.0]));
    save(&b, &big);
    save(&b, &big);
    assert_eq!(numbers(&b), [1, 2, 3]);
    assert_eq!(first_value(&b, 1), 1.0);
    assert_eq!(&b.load_version(&key(), 2).unwrap().0, big.series().unwrap());
    let listed = b.list_versions(&key()).unwrap();
    assert_eq!(listed[1].hash, listed[2].hash);
    // No temporary object is left.
    assert!(objects(&store, "p").iter().all(|o| !o.contains(".tmp-")));
}

#[test]
fn files_python_wrote_become_versions() {
    let Some(py) = meteaudata_testkit::python_reference() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../meteaudata-storage-disk/tests/python/disk_interop.py"
    );
    let out = std::process::Command::new(&py)
        .arg(script)
        .arg("write")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let b = file_backend(dir.path());
    let key: StorageKey = "py_ds/Naive#1/RAW#1".parse().unwrap();
    let stem = "py_ds_Naive#1_RAW#1";
    let (python_series, python_meta) = b.load(&key).unwrap();
    let listed = b.list_versions(&key).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].version, 1);
    assert_eq!(listed[0].hash, python_series.content_hash().unwrap());

    // A save killed after archiving Python's file: the copy is that very file, so it is
    // still version 1 (not 1 and 2).
    let archive = dir.path().join(".meteaudata-versions").join(stem);
    fs::create_dir_all(&archive).unwrap();
    fs::copy(
        dir.path().join(format!("{stem}.parquet")),
        archive.join("1.parquet"),
    )
    .unwrap();
    assert_eq!(
        b.list_versions(&key)
            .unwrap()
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [1]
    );

    let mut ours = TimeSeries::new(
        Series::from_f64(
            "Naive#1_RAW#1",
            Index::datetime_nanos(vec![0], None),
            vec![99.0],
        )
        .unwrap(),
    );
    ours.metadata_id = Some("ours".into());
    b.save(&key, ours.series().unwrap(), &ours.metadata())
        .unwrap();
    let listed = b.list_versions(&key).unwrap();
    assert_eq!(listed.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(listed[0].hash, python_series.content_hash().unwrap());
    // Python's metadata is its sidecar: archived with it.
    assert_eq!(names(&archive), ["1.parquet", "1_meta.yaml"]);
    let (s, m) = b.load_version(&key, 1).unwrap();
    assert_eq!(s, python_series);
    assert_eq!(m, python_meta);
}
