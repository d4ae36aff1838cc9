//! Builds the Rust model of a corpus case, as the Python script builds the pandas one.

use super::corpus::{Case, IndexSpec, SignalSpec, ValuesSpec};
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Float32Array, Float64Array, Int32Array, Int64Array,
    StringArray, TimestampNanosecondArray,
};
use meteaudata_core::{
    DataProvenance, Dataset, DatasetProcessOptions, Index, IndexData, ProcessOptions, Series,
    Signal, TimeZone,
};
use meteaudata_processing::{AverageSignals, LinearInterpolation, Resample};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Either container.
#[allow(clippy::large_enum_variant)] // test data, built once per case
pub enum Built {
    Signal(Signal),
    Dataset(Dataset),
}

fn ints(v: &[Value]) -> Vec<i64> {
    v.iter()
        .map(|x| x.as_i64().expect("integer label"))
        .collect()
}

fn strs(v: &[Value]) -> Vec<String> {
    v.iter()
        .map(|x| x.as_str().expect("text label").to_string())
        .collect()
}

fn zone(z: &Option<String>) -> Option<TimeZone> {
    z.as_ref().map(|z| z.parse().expect("zone"))
}

pub fn index(s: &IndexSpec) -> Index {
    let mut idx = match s.kind.as_str() {
        "datetime" => Index::datetime_nanos(ints(&s.labels), zone(&s.tz)),
        "range" => Index::new(IndexData::Range {
            start: s.start.unwrap(),
            stop: s.stop.unwrap(),
            step: s.step.unwrap(),
        })
        .unwrap(),
        "int" => Index::ints(ints(&s.labels)),
        "float" => Index::floats(s.labels.iter().map(|x| x.as_f64().unwrap()).collect()),
        "string" => Index::strings(&strs(&s.labels)),
        "categorical" => {
            let cats = s.categories.clone().unwrap();
            let keys: Vec<i32> = strs(&s.labels)
                .iter()
                .map(|l| cats.iter().position(|c| c == l).unwrap() as i32)
                .collect();
            let values = DictionaryArray::<Int32Type>::try_new(
                Int32Array::from(keys),
                Arc::new(StringArray::from(cats)),
            )
            .unwrap();
            Index::new(IndexData::Categorical {
                values,
                ordered: s.ordered.unwrap(),
            })
            .unwrap()
        }
        "period" => Index::new(IndexData::Period(StringArray::from(strs(&s.labels)))).unwrap(),
        "timedelta" => Index::new(IndexData::Timedelta(ints(&s.labels).into())).unwrap(),
        other => panic!("unknown index kind {other}"),
    };
    idx.set_name(s.name.clone());
    if matches!(s.kind.as_str(), "datetime" | "period" | "timedelta") {
        idx.set_frequency(s.freq.clone());
    }
    idx
}

pub fn values(v: &ValuesSpec) -> ArrayRef {
    let d = &v.data;
    match v.dtype.as_str() {
        "float64" => Arc::new(Float64Array::from(
            d.iter()
                .map(|x| x.as_f64().unwrap_or(f64::NAN))
                .collect::<Vec<_>>(),
        )),
        "float32" => Arc::new(Float32Array::from(
            d.iter()
                .map(|x| x.as_f64().map_or(f32::NAN, |f| f as f32))
                .collect::<Vec<_>>(),
        )),
        "int64" | "Int64" => Arc::new(Int64Array::from(
            d.iter().map(Value::as_i64).collect::<Vec<_>>(),
        )),
        "int32" => Arc::new(Int32Array::from(
            d.iter()
                .map(|x| x.as_i64().map(|i| i as i32))
                .collect::<Vec<_>>(),
        )),
        "bool" | "boolean" => Arc::new(BooleanArray::from(
            d.iter().map(Value::as_bool).collect::<Vec<_>>(),
        )),
        "str" => Arc::new(StringArray::from(
            d.iter().map(Value::as_str).collect::<Vec<_>>(),
        )),
        "category" => {
            let cats: Vec<String> = d
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let keys: Vec<Option<i32>> = d
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(|s| cats.iter().position(|c| c == s).unwrap() as i32)
                })
                .collect();
            Arc::new(
                DictionaryArray::<Int32Type>::try_new(
                    Int32Array::from(keys),
                    Arc::new(StringArray::from(cats)),
                )
                .unwrap(),
            )
        }
        "datetime" => {
            let a = TimestampNanosecondArray::from(d.iter().map(Value::as_i64).collect::<Vec<_>>());
            Arc::new(a.with_timezone_opt(zone(&v.tz).map(|z| z.arrow_name())))
        }
        other => panic!("unknown dtype {other}"),
    }
}

fn provenance(s: &SignalSpec) -> DataProvenance {
    let g = |k: &str| s.provenance.get(k).cloned().flatten();
    DataProvenance {
        source_repository: g("source_repository"),
        project: g("project"),
        location: g("location"),
        equipment: g("equipment"),
        parameter: g("parameter"),
        purpose: g("purpose"),
        metadata_id: g("metadata_id"),
    }
}

pub fn signal(s: &SignalSpec) -> Signal {
    let series = Series::new("RAW", index(&s.index), values(&s.values)).unwrap();
    let mut sig = Signal::new(&s.name, s.units.clone())
        .unwrap()
        .with_provenance(provenance(s))
        .with_series(series)
        .unwrap();
    if let Some(freq) = &s.process {
        let raw = format!("{}_RAW#1", sig.name());
        sig.process(
            &[raw.as_str()],
            &Resample::new(freq).unwrap(),
            ProcessOptions::new(),
        )
        .unwrap();
        let res = format!("{}_RESAMPLED#1", sig.name());
        sig.process(&[res.as_str()], &LinearInterpolation, ProcessOptions::new())
            .unwrap();
    }
    sig
}

pub fn case(c: &Case) -> Built {
    let signals: Vec<Signal> = c.signals.iter().map(signal).collect();
    let Some(d) = &c.dataset else {
        return Built::Signal(signals.into_iter().next().unwrap());
    };
    let names: Vec<String> = signals
        .iter()
        .map(|s| format!("{}_RAW#1", s.name()))
        .collect();
    let mut ds = Dataset::new(&d.name)
        .unwrap()
        .with_signals(signals)
        .unwrap();
    ds.description = d.description.clone();
    ds.owner = d.owner.clone();
    ds.purpose = d.purpose.clone();
    ds.project = d.project.clone();
    if d.average {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        ds.process(&refs, &AverageSignals::new(), DatasetProcessOptions::new())
            .unwrap();
    }
    Built::Dataset(ds)
}
