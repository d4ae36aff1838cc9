//! Bytes as a YAML metadata document (lossy UTF-8): a time series' metadata, a signal sidecar
//! and a dataset sidecar. Parsing must fail cleanly, and what parses must write YAML that parses
//! again to the same document (the writer is our own emitter).
#![no_main]

use libfuzzer_sys::fuzz_target;
use meteaudata_core::metadata::{DatasetMetadata, SignalMetadata, TimeSeriesMetadata};

/// `to_yaml` of a parsed document must read back, and write the same text again.
macro_rules! round_trip {
    ($t:ty, $text:expr) => {
        if let Ok(doc) = <$t>::from_yaml($text) {
            if let Ok(written) = doc.to_yaml() {
                let back = <$t>::from_yaml(&written).unwrap_or_else(|e| {
                    panic!(
                        "{} does not read back what it wrote: {e}\n{written}",
                        stringify!($t)
                    )
                });
                let again = back.to_yaml().expect("a document read back writes");
                assert_eq!(written, again, "{} changes on a round trip", stringify!($t));
            }
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    round_trip!(TimeSeriesMetadata, &text);
    round_trip!(SignalMetadata, &text);
    round_trip!(DatasetMetadata, &text);
});
