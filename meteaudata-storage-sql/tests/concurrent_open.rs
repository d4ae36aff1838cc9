//! Processes (here: threads, each with its own connection) opening one new SQLite database
//! at once all succeed: switching it to WAL made SQLite answer "database is locked" to all
//! but one, at once (the race harness's `open` scenario lost a writer in most rounds).
#![cfg(feature = "sqlite")]

use meteaudata_core::storage::StorageBackend;
use meteaudata_storage_sql::SqlBackend;

#[test]
fn opening_a_new_database_from_several_connections_at_once_succeeds() {
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        // SQLAlchemy style: `sqlite:///` and an absolute path.
        let url = format!("sqlite:///{}", dir.path().join("store.db").display());
        let barrier = std::sync::Barrier::new(4);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        SqlBackend::connect(&url).and_then(|b| b.list_keys())
                    })
                })
                .collect();
            for h in handles {
                let listed = h.join().unwrap();
                assert!(listed.is_ok(), "round {round}: {listed:?}");
            }
        });
    }
}
