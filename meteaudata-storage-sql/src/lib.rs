//! # meteaudata-storage-sql
//!
//! The SQL storage backend of meteaudata (to come with the storage contract), on diesel 2.3:
//! SQLite (embedded), PostgreSQL and MySQL/MariaDB, one feature each, chosen from the
//! connection URL (`sqlite:///path`, `postgresql://…`, `mysql://…`). Every save is one
//! transaction; bulk paths use SQLite prepared batches, PostgreSQL binary COPY and multi-row
//! MySQL inserts; databases written by Python meteaudata's SQL adapter can be imported.
