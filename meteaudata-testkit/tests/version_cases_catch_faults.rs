//! The version cases fail on backends that break the contract: each wrapper below breaks
//! one rule around a correct memory backend.

use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{
    Capabilities, MemoryBackend, Retention, StorageBackend, StorageKey, Stored, VersionInfo,
};
use meteaudata_core::{ContentHash, Result, Series};
use meteaudata_testkit::cases::{self, Outcome};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// Lists only the latest version.
    ForgetsOld,
    /// Records a hash of nothing.
    WrongHash,
    /// Claims no versions capability but answers as if it kept none.
    SilentWithout,
    /// Prunes the latest version too.
    PrunesLatest,
}

#[derive(Debug)]
struct Faulty {
    inner: MemoryBackend,
    fault: Fault,
}

impl StorageBackend for Faulty {
    fn backend_type(&self) -> &str {
        "faulty"
    }
    fn capabilities(&self) -> Capabilities {
        let mut c = self.inner.capabilities();
        c.versions = self.fault != Fault::SilentWithout;
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
        let mut v = self.inner.list_versions(key)?;
        match self.fault {
            Fault::ForgetsOld => Ok(v.split_off(v.len().saturating_sub(1))),
            Fault::WrongHash => Ok(v
                .into_iter()
                .map(|i| {
                    VersionInfo::new(
                        i.version,
                        ContentHash::from_bytes([0; 32]),
                        i.points,
                        i.created,
                    )
                })
                .collect()),
            Fault::SilentWithout => Ok(Vec::new()),
            Fault::PrunesLatest => Ok(v),
        }
    }
    fn load_version(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        self.inner.load_version(key, version)
    }
    fn prune_versions(&self, key: &StorageKey, retention: Retention) -> Result<Vec<u64>> {
        let mut gone = self.inner.prune_versions(key, retention)?;
        if self.fault == Fault::PrunesLatest {
            if let Some(last) = self.inner.list_versions(key)?.last() {
                gone.push(last.version);
            }
        }
        Ok(gone)
    }
}

fn run(fault: Fault, case: fn(&dyn StorageBackend) -> cases::CaseResult) -> cases::CaseResult {
    case(&Faulty {
        inner: MemoryBackend::new(),
        fault,
    })
}

#[test]
fn each_fault_is_caught() {
    for (fault, case, name) in [
        (
            Fault::ForgetsOld,
            cases::versions_overwrite as fn(&dyn StorageBackend) -> cases::CaseResult,
            "versions_overwrite",
        ),
        (
            Fault::WrongHash,
            cases::versions_hash_every_kind,
            "versions_hash_every_kind",
        ),
        (
            Fault::WrongHash,
            cases::versions_overwrite,
            "versions_overwrite",
        ),
        (
            Fault::SilentWithout,
            cases::versions_overwrite,
            "versions_overwrite",
        ),
        (
            Fault::PrunesLatest,
            cases::versions_retention,
            "versions_retention",
        ),
    ] {
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
    for (name, case) in cases::ALL
        .iter()
        .filter(|(n, _)| n.starts_with("versions_"))
    {
        assert_eq!(case(&MemoryBackend::new()), Ok(Outcome::Passed), "{name}");
    }
}
