//! The few fields written differently so that Python meteaudata 0.12.1 loads the archive (the
//! exact values go to the [record](crate::record)):
//!
//! * **Index frequency.** Python rebuilds a datetime index with a frequency by re-reading the
//!   raw text (`asfreq`), which drops the zone conversion (a named zone comes back as a fixed
//!   offset or as UTC), fails on an empty index, and fails with "Length mismatch" when the
//!   labels do not follow the frequency. The frequency is therefore written only for naive,
//!   UTC and fixed-offset indexes that are non-empty and regular; named zones come back in
//!   Python with their zone and no frequency.
//! * **`last_updated`** of a signal must be naive with microseconds (Python parses it with a
//!   fixed format, M11).

use arrow_array::Array;
use chrono::Timelike;
use meteaudata_core::Frequency;
use meteaudata_core::{Index, IndexData, IndexMetadata, MetaTime, TimeZone};

use crate::text::ZoneText;

/// Whether Python can apply the recorded frequency of `index` written with `text`.
fn frequency_ok(index: &Index, text: ZoneText, frequency: &str) -> bool {
    let IndexData::DateTime { values, tz } = index.data() else {
        return true;
    };
    let zone_ok = matches!(
        (tz, text),
        (None | Some(TimeZone::Utc), _) | (Some(TimeZone::Fixed(_)), ZoneText::Local(_))
    );
    if !zone_ok || values.is_empty() || values.null_count() > 0 {
        return false;
    }
    match Frequency::parse(frequency)
        .ok()
        .and_then(|f| f.fixed_nanos())
    {
        Some(step) => values
            .values()
            .windows(2)
            .all(|w| w[1].checked_sub(w[0]) == Some(step)),
        // Calendar frequencies (months, weeks...) are trusted.
        None => true,
    }
}

/// The index metadata Python gets: the exact one, without a frequency it cannot apply.
pub(crate) fn python_index_metadata(
    exact: &IndexMetadata,
    index: &Index,
    text: ZoneText,
) -> IndexMetadata {
    let mut m = exact.clone();
    if exact.index_type == "DatetimeIndex" {
        if let Some(f) = &exact.frequency {
            if !frequency_ok(index, text, f) {
                m.frequency = None;
            }
        }
    }
    m
}

/// A stand-in for `last_updated` when Python cannot parse the exact value.
pub(crate) fn python_last_updated(t: MetaTime) -> Option<MetaTime> {
    let naive = t.naive_local();
    if t.offset().is_none() && naive.nanosecond().is_multiple_of(1_000) {
        return None;
    }
    let micros = naive.nanosecond() / 1_000 * 1_000;
    Some(MetaTime::naive(
        naive.with_nanosecond(micros).unwrap_or(naive),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_kept_only_where_python_applies_it() {
        let h = 3_600_000_000_000i64;
        let naive = Index::datetime_nanos(vec![0, h, 2 * h], None).with_frequency("h");
        let meta = naive.metadata();
        let m = python_index_metadata(&meta, &naive, ZoneText::Naive);
        assert_eq!(m.frequency.as_deref(), Some("h"));
        let irregular = Index::datetime_nanos(vec![0, 2 * h], None).with_frequency("h");
        let m = python_index_metadata(&irregular.metadata(), &irregular, ZoneText::Naive);
        assert_eq!(m.frequency, None);
        let tz: TimeZone = "Europe/Paris".parse().unwrap();
        let named = Index::datetime_nanos(vec![0, h], Some(tz)).with_frequency("h");
        let m = python_index_metadata(&named.metadata(), &named, ZoneText::Local(tz));
        assert_eq!(m.frequency, None);
        assert_eq!(m.time_zone.as_deref(), Some("Europe/Paris"));
        let empty = Index::datetime_nanos(vec![], None).with_frequency("h");
        assert_eq!(
            python_index_metadata(&empty.metadata(), &empty, ZoneText::Naive).frequency,
            None
        );
    }

    #[test]
    fn last_updated_stand_in() {
        let t: MetaTime = "2024-01-01T00:00:00.123456".parse().unwrap();
        assert_eq!(python_last_updated(t), None);
        let t: MetaTime = "2024-01-01T00:00:00.123456789+02:00".parse().unwrap();
        assert_eq!(
            python_last_updated(t).unwrap().to_string(),
            "2024-01-01T00:00:00.123456"
        );
    }
}
