//! The testkit conformance suite on every database: SQLite (a file and `:memory:`),
//! PostgreSQL (a fresh schema per case) and MySQL/MariaDB (a fresh database per case). The
//! server suites need `METEAUDATA_PG_URL` / `METEAUDATA_MYSQL_URL`; without them they skip
//! with a message, except in CI (`CI=true`), where they fail.

mod common;

use std::sync::atomic::AtomicU64;

#[cfg(feature = "sqlite")]
mod sqlite_file {
    use super::*;
    static CASES: AtomicU64 = AtomicU64::new(0);
    meteaudata_testkit::backend_suite!(|| {
        common::count_case("sqlite (file)", &CASES);
        common::sqlite_file()
    });
}

#[cfg(feature = "sqlite")]
mod sqlite_memory {
    use super::*;
    static CASES: AtomicU64 = AtomicU64::new(0);
    meteaudata_testkit::backend_suite!(|| {
        common::count_case("sqlite (:memory:)", &CASES);
        common::sqlite_memory()
    });
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    static CASES: AtomicU64 = AtomicU64::new(0);
    meteaudata_testkit::backend_suite!(optional: || {
        let b = common::postgres();
        if b.is_some() {
            common::count_case("postgresql", &CASES);
        }
        b
    });
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;
    static CASES: AtomicU64 = AtomicU64::new(0);
    meteaudata_testkit::backend_suite!(optional: || {
        let b = common::mysql();
        if b.is_some() {
            common::count_case("mysql", &CASES);
        }
        b
    });
}

// Python meteaudata's own tables (`?layout=python`), with the capabilities they can honestly
// claim: no range reads, appends, streaming, versions or snapshots of their own, and numbers
// only (`lossless_values` false).
#[cfg(feature = "sqlite")]
mod python_layout_sqlite {
    use super::*;
    static CASES: AtomicU64 = AtomicU64::new(0);
    meteaudata_testkit::backend_suite!(|| {
        common::count_case("sqlite (file, Python layout)", &CASES);
        common::sqlite_file().python_layout()
    });
}

#[cfg(feature = "postgres")]
mod python_layout_postgres {
    use super::*;
    static CASES: AtomicU64 = AtomicU64::new(0);
    meteaudata_testkit::backend_suite!(optional: || {
        let b = common::postgres().map(common::Isolated::python_layout);
        if b.is_some() {
            common::count_case("postgresql (Python layout)", &CASES);
        }
        b
    });
}

#[cfg(feature = "mysql")]
mod python_layout_mysql {
    use super::*;
    static CASES: AtomicU64 = AtomicU64::new(0);
    meteaudata_testkit::backend_suite!(optional: || {
        let b = common::mysql().map(common::Isolated::python_layout);
        if b.is_some() {
            common::count_case("mysql (Python layout)", &CASES);
        }
        b
    });
}

/// Prints how many conformance cases run per database in this build and environment.
#[test]
fn cases_per_backend() {
    let n = meteaudata_testkit::cases::ALL.len();
    let mut lines = Vec::new();
    if cfg!(feature = "sqlite") {
        lines.push(format!("sqlite (file): {n} cases"));
        lines.push(format!("sqlite (:memory:): {n} cases"));
        lines.push(format!("sqlite (file, Python layout): {n} cases"));
    }
    for (feature, on, var, name) in [
        (
            "postgres",
            cfg!(feature = "postgres"),
            "METEAUDATA_PG_URL",
            "postgresql",
        ),
        (
            "mysql",
            cfg!(feature = "mysql"),
            "METEAUDATA_MYSQL_URL",
            "mysql",
        ),
    ] {
        let status = if !on {
            format!("0 cases (feature `{feature}` off)")
        } else if std::env::var(var).is_ok_and(|v| !v.is_empty()) {
            format!("{n} cases")
        } else {
            format!("0 cases ({var} unset: skipped)")
        };
        lines.push(format!("{name}: {status}"));
        lines.push(format!("{name} (Python layout): {status}"));
        if on && common::in_ci() {
            assert!(std::env::var(var).is_ok(), "{var} must be set in CI");
        }
    }
    eprintln!("conformance cases per backend:\n  {}", lines.join("\n  "));
}
