//! Bytes as a stored block column (the BLOB/BYTEA format documented in
//! `meteaudata-storage-sql/src/blob.rs`), decoded as integers, floats and text. A damaged
//! column must be a `Corrupt` error, never a panic, and what does decode must be a valid Arrow
//! array.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meteaudata_core::arrow_array::Array;
use meteaudata_storage_sql::fuzzing::{decode_f64, decode_i64, decode_text};

fn check(array: &dyn Array) {
    if let Err(e) = array.to_data().validate_full() {
        panic!("a decoded block column is not a valid Arrow array: {e}");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = decode_i64(data) {
        check(&a);
    }
    if let Ok(a) = decode_f64(data) {
        check(&a);
    }
    if let Ok(a) = decode_text(data) {
        check(&a);
    }
});
