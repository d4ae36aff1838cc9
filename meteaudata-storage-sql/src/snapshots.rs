//! Snapshots in SQL: one row of `meteaudata_snapshots` each, holding the snapshot's JSON
//! document ([`Snapshot::to_json`]). The name is the primary key, so of two writers taking
//! one name, the database lets one insert through; the other gets `Conflict`.

use meteaudata_core::storage::snapshots::{
    check_snapshot_name, snapshot_not_found, snapshot_taken,
};
use meteaudata_core::storage::Snapshot;
use meteaudata_core::Result;

use crate::ops;
use crate::Db;
use crate::SqlBackend;

impl SqlBackend {
    pub(crate) fn save_snapshot_row(&self, snapshot: &Snapshot) -> Result<()> {
        let name = snapshot.name();
        check_snapshot_name(name)?;
        let created = snapshot.created().timestamp_nanos_opt().unwrap_or(i64::MAX);
        let document = snapshot.to_json();
        let inserted = dispatch!(self, format!("saving snapshot {name}"), |conn, m| {
            m::snapshot_insert(conn, name, created, &document)
        })?;
        if inserted {
            Ok(())
        } else {
            Err(snapshot_taken(name))
        }
    }

    pub(crate) fn load_snapshot_row(&self, name: &str) -> Result<Snapshot> {
        check_snapshot_name(name)?;
        let document = dispatch!(self, format!("loading snapshot {name}"), |conn, m| {
            m::snapshot_document(conn, name)
        })?;
        match document {
            Some(text) => {
                Snapshot::from_json(&text, &format!("snapshot {name} in {}", self.url()), name)
            }
            None => Err(snapshot_not_found(name, &self.snapshot_names()?)),
        }
    }

    /// The snapshot names, sorted byte by byte.
    pub(crate) fn snapshot_names(&self) -> Result<Vec<String>> {
        let mut names = dispatch!(self, "listing snapshots".to_string(), |conn, m| {
            m::snapshot_names(conn)
        })?;
        names.sort();
        Ok(names)
    }

    pub(crate) fn delete_snapshot_row(&self, name: &str) -> Result<()> {
        check_snapshot_name(name)?;
        let deleted = dispatch!(self, format!("deleting snapshot {name}"), |conn, m| {
            m::snapshot_delete(conn, name)
        })?;
        if deleted {
            Ok(())
        } else {
            Err(snapshot_not_found(name, &self.snapshot_names()?))
        }
    }
}
