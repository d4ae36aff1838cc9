//! proptest strategies for arbitrary meteaudata values: text that stresses YAML and JSON,
//! parameters, steps, every index kind (nanosecond timestamps, named zones across DST), series
//! with NaN and ±inf, time series, signals and datasets.

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int32Array, Int64Array, StringArray,
};
use meteaudata_core::{
    ContentHash, DataProvenance, Dataset, FunctionInfo, Index, IndexData, MetaTime, NdArray,
    ParameterValue, Parameters, PinnedInput, ProcessingStep, ProcessingType, Series, Signal,
    StepPins, TimeSeries, TimeZone, Timestamp,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use std::sync::Arc;

/// Strings that are easy to get wrong in YAML/JSON: look-alikes of other scalars, quotes,
/// colons, leading spaces, non-ASCII, multi-line text.
pub fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "\\PC{0,24}",
        1 => "[ -~\\n\\t]{0,40}",
        2 => prop::sample::select(vec![
            "", "yes", "no", "on", "off", "y", "n", "true", "False", "null", "~", "None", "1.0",
            "0x1F", "010", "1e3", ".nan", ".inf", "-.inf", "2024-01-01", "2024-01-01 00:00:00",
            "12:30:00", "1:20", "- a", "a: b", "#c", "'q'", "\"dq\"", " lead", "trail ", "°C",
            "µS/cm", "\u{2028}", "a\nb", "=", "<<", "!tag", "&anchor", "*alias", "%", "@", "`",
        ]).prop_map(str::to_string),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(tricky_text())
}

/// A zone: UTC, named zones with DST (and odd offsets), or a fixed offset.
pub fn time_zone() -> impl Strategy<Value = TimeZone> {
    prop::sample::select(vec![
        "UTC",
        "America/Toronto",
        "Europe/Paris",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "Pacific/Chatham",
        "America/St_Johns",
        "UTC-05:00",
        "UTC+05:45",
    ])
    .prop_map(|z| z.parse().expect("listed zones parse"))
}

/// Nanoseconds between 1900 and 2200, so every value is representable.
pub fn nanos() -> impl Strategy<Value = i64> {
    -2_208_988_800_000_000_000i64..7_258_118_400_000_000_000i64
}

/// A timestamp with nanosecond precision, naive or zoned.
pub fn timestamp() -> impl Strategy<Value = Timestamp> {
    (nanos(), prop::option::of(time_zone())).prop_map(|(nanos, tz)| Timestamp { nanos, tz })
}

/// A metadata time (microseconds; naive or with an offset).
pub fn meta_time() -> impl Strategy<Value = MetaTime> {
    (nanos(), prop::option::of(-14 * 4..=14 * 4i32)).prop_map(|(n, q)| {
        let micro = n / 1_000 * 1_000;
        let naive = meteaudata_core::nanos_to_naive(micro);
        match q.and_then(|q| chrono::FixedOffset::east_opt(q * 900)) {
            None => MetaTime::naive(naive),
            Some(off) => MetaTime::with_offset(
                chrono::DateTime::<chrono::FixedOffset>::from_naive_utc_and_offset(naive, off),
            ),
        }
    })
}

fn leaf_value() -> impl Strategy<Value = ParameterValue> {
    prop_oneof![
        Just(ParameterValue::Null),
        any::<bool>().prop_map(ParameterValue::Bool),
        any::<i64>().prop_map(ParameterValue::Int),
        any::<f64>().prop_map(ParameterValue::Float),
        prop::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            1e-300,
            0.1
        ])
        .prop_map(ParameterValue::Float),
        tricky_text().prop_map(ParameterValue::String),
        timestamp().prop_map(ParameterValue::DateTime),
        any::<i64>().prop_map(ParameterValue::Duration),
        ndarray().prop_map(ParameterValue::Array),
    ]
}

fn ndarray() -> impl Strategy<Value = NdArray> {
    (vec(0usize..4, 0..3), any::<bool>()).prop_flat_map(|(shape, ints)| {
        let n: usize = shape.iter().product();
        let data = if ints {
            vec(any::<i64>().prop_map(ParameterValue::Int), n).boxed()
        } else {
            vec(any::<f64>().prop_map(ParameterValue::Float), n).boxed()
        };
        let dtype = if ints { "int64" } else { "float64" }.to_string();
        data.prop_map(move |data| NdArray {
            dtype: dtype.clone(),
            shape: shape.clone(),
            data,
        })
    })
}

/// Any parameter value, nested up to three levels.
pub fn parameter_value() -> impl Strategy<Value = ParameterValue> {
    leaf_value().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(ParameterValue::List),
            btree_map(tricky_text(), inner, 0..4).prop_map(ParameterValue::Map),
        ]
    })
}

/// A parameter record.
pub fn parameters() -> impl Strategy<Value = Parameters> {
    btree_map(tricky_text(), parameter_value(), 0..5).prop_map(|m| m.into_iter().collect())
}

/// A function identity.
pub fn function_info() -> impl Strategy<Value = FunctionInfo> {
    (
        tricky_text(),
        tricky_text(),
        tricky_text(),
        tricky_text(),
        opt_text(),
    )
        .prop_map(
            |(name, version, author, reference, source_code)| FunctionInfo {
                name,
                version,
                author,
                reference,
                source_code,
            },
        )
}

/// A provenance.
pub fn provenance() -> impl Strategy<Value = DataProvenance> {
    (
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
    )
        .prop_map(|(a, b, c, d, e, f, g)| DataProvenance {
            source_repository: a,
            project: b,
            location: c,
            equipment: d,
            parameter: e,
            purpose: f,
            metadata_id: g,
        })
}

/// A processing step (any type, parameters absent, empty or full; inputs pinned by content
/// or not).
pub fn processing_step() -> impl Strategy<Value = ProcessingStep> {
    (
        (
            prop::sample::select(ProcessingType::ALL.to_vec()),
            tricky_text(),
            meta_time(),
            any::<bool>(),
            function_info(),
            prop::option::of(parameters()),
            any::<i64>(),
            tricky_text(),
        ),
        vec(tricky_text(), 0..3),
        any::<bool>(),
        any::<[u8; 32]>(),
    )
        .prop_map(
            |((t, d, r, c, f, p, sd, suf), inputs, pinned, seed)| ProcessingStep {
                step_type: t,
                description: d,
                run_datetime: r,
                requires_calibration: c,
                function_info: f,
                parameters: p,
                step_distance: sd,
                suffix: suf,
                pins: (pinned && !inputs.is_empty()).then(|| StepPins {
                    inputs: inputs
                        .iter()
                        .enumerate()
                        .map(|(i, name)| {
                            let mut bytes = seed;
                            bytes[0] ^= i as u8;
                            PinnedInput {
                                name: name.clone(),
                                hash: ContentHash::from_bytes(bytes),
                                version: (i % 2 == 0).then_some(i as u64 + 1),
                            }
                        })
                        .collect(),
                }),
                input_series_names: inputs,
            },
        )
}

/// An index of `len` labels, of any kind.
pub fn index(len: usize) -> impl Strategy<Value = Index> {
    let n = len;
    let kind = prop_oneof![
        (vec(nanos(), n), prop::option::of(time_zone()))
            .prop_map(|(v, tz)| Index::datetime_nanos(v, tz)),
        (
            nanos(),
            1i64..10_000_000_000_000,
            prop::option::of(time_zone())
        )
            .prop_map(move |(start, step, tz)| {
                let v = (0..n as i64)
                    .map(|i| start.saturating_add(i * step))
                    .collect();
                Index::datetime_nanos(v, tz).with_frequency("ns")
            }),
        (-1000i64..1000, 1i64..5, any::<bool>()).prop_map(move |(start, step, down)| {
            let step = if down { -step } else { step };
            let stop = start + step * n as i64;
            Index::new(IndexData::Range { start, stop, step }).expect("non-zero step")
        }),
        vec(any::<i64>(), n).prop_map(Index::ints),
        vec(any::<f64>(), n).prop_map(Index::floats),
        vec(tricky_text(), n).prop_map(|v| Index::strings(&v)),
        (vec(0i32..3, n), any::<bool>()).prop_map(|(codes, ordered)| {
            let values = DictionaryArray::<Int32Type>::try_new(
                Int32Array::from(codes),
                Arc::new(StringArray::from(vec!["lo", "mid", "hi"])),
            )
            .expect("codes < 3");
            Index::new(IndexData::Categorical { values, ordered }).expect("valid")
        }),
        vec(any::<i64>(), n)
            .prop_map(|v| Index::new(IndexData::Timedelta(v.into())).expect("valid")),
    ];
    (kind, opt_text()).prop_map(|(mut idx, name)| {
        idx.set_name(name);
        idx
    })
}

/// Values of `len` points: floats (NaN, ±inf, nulls), integers, booleans or strings.
pub fn values(len: usize) -> impl Strategy<Value = ArrayRef> {
    let special = prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0]);
    let float = prop_oneof![4 => any::<f64>(), 1 => special];
    prop_oneof![
        vec(prop::option::weighted(0.9, float), len)
            .prop_map(|v| Arc::new(Float64Array::from(v)) as ArrayRef),
        vec(prop::option::weighted(0.9, any::<i64>()), len)
            .prop_map(|v| Arc::new(Int64Array::from(v)) as ArrayRef),
        vec(prop::option::weighted(0.9, any::<bool>()), len)
            .prop_map(|v| Arc::new(BooleanArray::from(v)) as ArrayRef),
        vec(prop::option::weighted(0.9, tricky_text()), len)
            .prop_map(|v| Arc::new(StringArray::from(v)) as ArrayRef),
    ]
}

/// A series of 0 to `max_len` points, named `name`, over any index kind.
pub fn series(name: String, max_len: usize) -> impl Strategy<Value = Series> {
    (0..=max_len).prop_flat_map(move |n| {
        let name = name.clone();
        (index(n), values(n))
            .prop_map(move |(i, v)| Series::new(name.clone(), i, v).expect("same length"))
    })
}

/// A float series with a datetime index (the common case), NaN included.
pub fn float_datetime_series(name: String, max_len: usize) -> impl Strategy<Value = Series> {
    (0..=max_len).prop_flat_map(move |n| {
        let name = name.clone();
        (
            vec(nanos(), n),
            prop::option::of(time_zone()),
            vec(prop_oneof![4 => any::<f64>(), 1 => Just(f64::NAN)], n),
        )
            .prop_map(move |(t, tz, v)| {
                Series::from_f64(name.clone(), Index::datetime_nanos(t, tz), v)
                    .expect("same length")
            })
    })
}

/// A time series with history.
pub fn time_series(name: String, max_len: usize) -> impl Strategy<Value = TimeSeries> {
    (
        series(name, max_len),
        vec(processing_step(), 0..3),
        opt_text(),
        meta_time(),
    )
        .prop_map(|(s, steps, id, created)| {
            let mut ts = TimeSeries::new(s).with_steps(steps);
            ts.metadata_id = id;
            ts.created_on = created;
            ts
        })
}

fn base() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9 .°-]{0,8}"
}

/// A signal with up to three series.
pub fn signal(max_len: usize) -> impl Strategy<Value = Signal> {
    (
        base(),
        1u32..5,
        tricky_text(),
        provenance(),
        meta_time(),
        meta_time(),
        vec((base(), 1u32..4), 0..3),
    )
        .prop_flat_map(move |(b, n, units, prov, c, u, keys)| {
            let name = format!("{b}#{n}");
            let mut seen = std::collections::HashSet::new();
            let keys: Vec<String> = keys
                .into_iter()
                .map(|(k, m)| format!("{name}_{k}#{m}"))
                .filter(|k| seen.insert(k.clone()))
                .collect();
            let series: Vec<_> = keys
                .iter()
                .map(|k| {
                    time_series(k.clone(), max_len).prop_map({
                        let k = k.clone();
                        move |ts| (k.clone(), ts)
                    })
                })
                .collect();
            (Just((name, units, prov, c, u)), series).prop_map(
                |((name, units, prov, c, u), series)| {
                    Signal::from_parts(&name, units, prov, c, u, series).expect("valid names")
                },
            )
        })
}

/// A dataset with up to three signals.
pub fn dataset(max_len: usize) -> impl Strategy<Value = Dataset> {
    (
        "[a-z][a-z0-9_-]{0,10}",
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        meta_time(),
        meta_time(),
        vec(signal(max_len), 0..3),
    )
        .prop_map(|(name, d, o, pu, pr, c, u, signals)| {
            let mut seen = std::collections::HashSet::new();
            let signals: Vec<_> = signals
                .into_iter()
                .filter(|s| seen.insert(s.name().to_string()))
                .collect();
            Dataset::from_parts(&name, d, o, pu, pr, c, u, signals).expect("unique names")
        })
}

/// A series that can stream: a sorted time index (datetimes, naive or in Europe/Paris near a
/// DST change, or durations) with duplicate instants and gaps from nanoseconds to weeks, and
/// float values with NaN runs and infinities.
pub fn streamable_series(name: String, max_len: usize) -> impl Strategy<Value = Series> {
    // 2024-03-31 00:00 UTC (Paris springs forward at 01:00 UTC) and 2024-10-27 00:00 UTC.
    let start = prop_oneof![
        Just(1_711_843_200_000_000_000i64),
        Just(1_729_987_200_000_000_000i64)
    ];
    let step = prop_oneof![
        3 => Just(0i64),
        20 => 1i64..=1_200,
        4 => 1_200i64..=20_000,
        1 => 20_000i64..=1_500_000,
    ];
    let value = prop_oneof![
        10 => -100.0f64..100.0,
        6 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-0.0),
    ];
    let kind = 0u8..3;
    (start, vec((step, value), 0..=max_len), kind).prop_map(move |(start, points, kind)| {
        let mut t = start;
        let mut times = Vec::with_capacity(points.len());
        let mut values = Vec::with_capacity(points.len());
        for (s, v) in points {
            t += s * 1_000_000_000 + 3;
            times.push(t);
            values.push(v);
        }
        let index = match kind {
            0 => Index::datetime_nanos(times, None),
            1 => Index::datetime_nanos(times, Some("Europe/Paris".parse().expect("known zone"))),
            _ => Index::new(IndexData::Timedelta(
                times.iter().map(|x| x - start).collect::<Vec<_>>().into(),
            ))
            .expect("valid"),
        };
        Series::from_f64(name.clone(), index.with_name("time"), values).expect("same length")
    })
}
