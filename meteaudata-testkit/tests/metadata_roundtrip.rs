//! Property tests: every metadata type round-trips exactly through YAML and JSON, and the
//! data-bearing JSON form and Arrow batches round-trip series of every kind.

use meteaudata_core::metadata::{
    to_sorted_yaml, DatasetMetadata, SignalMetadata, TimeSeriesMetadata,
};
use meteaudata_core::*;
use meteaudata_testkit::strategies as st;
use proptest::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::fmt::Debug;

fn both_ways<T>(value: &T) -> std::result::Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let yaml = to_sorted_yaml(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T =
        serde_yaml::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
    prop_assert_eq!(&back, value, "YAML:\n{}", yaml);
    let json = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
    prop_assert_eq!(&back, value, "JSON:\n{}", json);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn parameter_values(v in st::parameter_value()) { both_ways(&v)?; }

    #[test]
    fn parameters(p in st::parameters()) { both_ways(&p)?; }

    #[test]
    fn provenance(p in st::provenance()) { both_ways(&p)?; }

    #[test]
    fn function_info(f in st::function_info()) { both_ways(&f)?; }

    #[test]
    fn processing_steps(s in st::processing_step()) { both_ways(&s)?; }

    #[test]
    fn meta_times(t in st::meta_time()) { both_ways(&t)?; }

    #[test]
    fn index_metadata(i in st::index(3)) { both_ways(&i.metadata())?; }

    #[test]
    fn time_series_metadata(ts in st::time_series("S#1_RAW#1".into(), 4)) {
        let m: TimeSeriesMetadata = ts.metadata();
        both_ways(&m)?;
    }

    #[test]
    fn signal_metadata(s in st::signal(3)) {
        let m: SignalMetadata = s.metadata();
        both_ways(&m)?;
        let yaml = m.to_yaml().unwrap();
        prop_assert_eq!(SignalMetadata::from_yaml(&yaml).unwrap(), m);
    }

    #[test]
    fn dataset_metadata(d in st::dataset(2)) {
        let m: DatasetMetadata = d.metadata();
        both_ways(&m)?;
    }

    #[test]
    fn time_series_json_with_data(ts in st::time_series("S#1_RAW#1".into(), 8)) {
        let text = ts.to_json().unwrap();
        let back = TimeSeries::from_json(&text).unwrap();
        prop_assert_eq!(back, ts, "{}", text);
    }

    #[test]
    fn signal_and_dataset_json(d in st::dataset(4)) {
        let text = d.to_json().unwrap();
        prop_assert_eq!(Dataset::from_json(&text).unwrap(), d.clone());
        for s in d.signals().values() {
            prop_assert_eq!(&Signal::from_json(&s.to_json().unwrap()).unwrap(), s);
        }
    }

    #[test]
    fn record_batches(s in st::series("S#1_RAW#1".into(), 16)) {
        let back = Series::from_record_batch(&s.to_record_batch()).unwrap();
        prop_assert_eq!(back, s);
    }
}

#[test]
fn yaml_keys_are_sorted_like_python() {
    let step = ProcessingStep::new(
        ProcessingType::Resampling,
        "d",
        FunctionInfo::new("f", "0.1", "a", "r"),
        "RESAMPLED",
    )
    .with_parameters(Parameters::new().with("frequency", "2h"));
    let yaml = to_sorted_yaml(&step).unwrap();
    let keys: Vec<&str> = yaml
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('-'))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "description",
            "function_info",
            "input_series_names",
            "parameters",
            "requires_calibration",
            "run_datetime",
            "step_distance",
            "suffix",
            "type"
        ]
    );
    assert!(
        yaml.contains("version: \"0.1\""),
        "numeric-looking strings are quoted:\n{yaml}"
    );
    assert!(yaml.contains("type: resampling"));
}
