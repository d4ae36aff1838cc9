//! The snapshot cases fail on backends that break the contract: each wrapper below breaks
//! one rule around a correct memory backend.

use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{
    Capabilities, MemoryBackend, Retention, Snapshot, StorageBackend, StorageKey, Stored,
    VersionInfo,
};
use meteaudata_core::{Result, Series};
use meteaudata_testkit::cases::{self, Outcome};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// Keeps snapshots where pruning does not look: pinned versions are pruned.
    PrunesPinned,
    /// Replaces a snapshot whose name is in use.
    OverwritesName,
    /// Claims no snapshots capability but answers as if it kept them.
    SilentWithout,
    /// Accepts any name.
    AnyName,
    /// Forgets the versions of what it records (every entry says version 1).
    RecordsFirstVersion,
}

#[derive(Debug)]
struct Faulty {
    inner: MemoryBackend,
    /// Where `PrunesPinned` keeps its snapshots.
    side: MemoryBackend,
    fault: Fault,
}

impl Faulty {
    fn snapshots(&self) -> &MemoryBackend {
        if self.fault == Fault::PrunesPinned {
            &self.side
        } else {
            &self.inner
        }
    }
}

impl StorageBackend for Faulty {
    fn backend_type(&self) -> &str {
        "faulty"
    }
    fn capabilities(&self) -> Capabilities {
        let mut c = self.inner.capabilities();
        c.snapshots = self.fault != Fault::SilentWithout;
        c
    }
    fn save(&self, key: &StorageKey, series: &Series, metadata: &TimeSeriesMetadata) -> Result<()> {
        self.inner.save(key, series, metadata)
    }
    fn load(&self, key: &StorageKey) -> Result<Stored> {
        self.inner.load(key)
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
    fn list_versions(&self, key: &StorageKey) -> Result<Vec<VersionInfo>> {
        self.inner.list_versions(key)
    }
    fn load_version(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        self.inner.load_version(key, version)
    }
    fn prune_versions(&self, key: &StorageKey, retention: Retention) -> Result<Vec<u64>> {
        self.inner.prune_versions(key, retention)
    }
    fn save_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
        match self.fault {
            Fault::OverwritesName => {
                let _ = self.inner.delete_snapshot(snapshot.name());
                self.inner.save_snapshot(snapshot)
            }
            Fault::RecordsFirstVersion => {
                let mut entries = snapshot.entries().clone();
                for e in entries.values_mut() {
                    e.version = 1;
                }
                let s = Snapshot::new(snapshot.name(), snapshot.created(), entries)?;
                self.inner.save_snapshot(&s)
            }
            _ => self.snapshots().save_snapshot(snapshot),
        }
    }
    fn load_snapshot(&self, name: &str) -> Result<Snapshot> {
        if self.fault == Fault::AnyName && name.is_empty() {
            return Err(meteaudata_core::Error::not_found(
                "snapshot",
                name,
                Vec::<String>::new(),
            ));
        }
        self.snapshots().load_snapshot(name)
    }
    fn list_snapshots(&self) -> Result<Vec<String>> {
        self.snapshots().list_snapshots()
    }
    fn delete_snapshot(&self, name: &str) -> Result<()> {
        self.snapshots().delete_snapshot(name)
    }
}

fn run(fault: Fault, case: fn(&dyn StorageBackend) -> cases::CaseResult) -> cases::CaseResult {
    case(&Faulty {
        inner: MemoryBackend::new(),
        side: MemoryBackend::new(),
        fault,
    })
}

#[test]
fn each_fault_is_caught() {
    type Case = fn(&dyn StorageBackend) -> cases::CaseResult;
    let cases: [(Fault, Case, &str); 5] = [
        (
            Fault::PrunesPinned,
            cases::snapshots_spare_versions,
            "snapshots_spare_versions",
        ),
        (
            Fault::OverwritesName,
            cases::snapshots_round_trip,
            "snapshots_round_trip",
        ),
        (
            Fault::SilentWithout,
            cases::snapshots_round_trip,
            "snapshots_round_trip",
        ),
        (
            Fault::AnyName,
            cases::snapshot_names_checked,
            "snapshot_names_checked",
        ),
        (
            Fault::RecordsFirstVersion,
            cases::snapshots_round_trip,
            "snapshots_round_trip",
        ),
    ];
    for (fault, case, name) in cases {
        let out = run(fault, case);
        assert!(
            out.is_err(),
            "{name} passed a backend that {fault:?}: {out:?}"
        );
        eprintln!("{name} caught {fault:?}: {}", out.unwrap_err());
    }
}

#[test]
fn the_correct_backend_passes() {
    for (name, case) in cases::ALL.iter().filter(|(n, _)| n.contains("snapshot")) {
        assert_eq!(case(&MemoryBackend::new()), Ok(Outcome::Passed), "{name}");
    }
}
