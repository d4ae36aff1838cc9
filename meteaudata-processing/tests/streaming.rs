//! Every streamed built-in equals the in-memory one: for random sorted series (NaN and
//! infinite runs, gaps, duplicate instants, zones across DST changes, naive and duration
//! indexes, float32 and integer values) and random chunk sizes down to 1, the joined output
//! chunks are the in-memory output bit for bit (values, index, name, frequency) and the
//! recorded steps are the same.

use arrow_array::{ArrayRef, Float32Array, Float64Array, Int64Array};
use meteaudata_core::storage::{SeriesScan, TimeRange};
use meteaudata_core::streaming::{run_chunks, StreamInput, StreamTransform};
use meteaudata_core::{
    Index, IndexData, MetaTime, ProcessingStep, Result, Series, TimeSeries, TimeZone, Timestamp,
    Transform,
};
use meteaudata_processing::{
    LinearInterpolation, NormalizeIndexToNumericDelta, PredictFromPreviousPoint, ReplaceRanges,
    Resample, Subset,
};
use proptest::prelude::*;
use std::sync::Arc;

const NAME: &str = "S#1_RAW#1";

/// Sorted instants from a start near a DST change, with steps of 0 (duplicates) to hours.
fn times() -> impl Strategy<Value = Vec<i64>> {
    // 2024-03-31 00:00 UTC (Paris springs forward at 01:00 UTC) and 2024-10-27 00:00 UTC.
    let starts = prop_oneof![
        Just(1_711_843_200_000_000_000i64),
        Just(1_729_987_200_000_000_000i64)
    ];
    let steps = prop::collection::vec(
        prop_oneof![
            3 => Just(0i64),
            20 => 1i64..=1_200,
            4 => 1_200i64..=20_000,
            1 => 20_000i64..=3_000_000,
        ],
        0..160,
    );
    (starts, steps).prop_map(|(start, steps)| {
        let mut t = start;
        let mut out = Vec::with_capacity(steps.len());
        for s in steps {
            t += s * 1_000_000_000 + 7;
            out.push(t);
        }
        out
    })
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        10 => -100.0f64..100.0,
        6 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(-0.0),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Naive,
    Paris,
    Utc,
    Duration,
}

#[derive(Debug, Clone, Copy)]
enum Values {
    F64,
    F32,
    Int,
    IntWithNulls,
}

fn series() -> impl Strategy<Value = Series> {
    let kind = prop_oneof![
        Just(Kind::Naive),
        Just(Kind::Paris),
        Just(Kind::Utc),
        Just(Kind::Duration)
    ];
    let vals = prop_oneof![
        6 => Just(Values::F64),
        1 => Just(Values::F32),
        1 => Just(Values::Int),
        1 => Just(Values::IntWithNulls)
    ];
    (times(), kind, vals).prop_flat_map(|(t, kind, vals)| {
        let n = t.len();
        (
            Just(t),
            Just(kind),
            Just(vals),
            prop::collection::vec(value(), n),
        )
            .prop_map(|(t, kind, vals, v)| build(t, kind, vals, v))
    })
}

fn build(t: Vec<i64>, kind: Kind, vals: Values, v: Vec<f64>) -> Series {
    let first = t.first().copied().unwrap_or(0);
    let index = match kind {
        Kind::Naive => Index::datetime_nanos(t, None),
        Kind::Paris => Index::datetime_nanos(t, Some("Europe/Paris".parse().unwrap())),
        Kind::Utc => Index::datetime_nanos(t, Some(TimeZone::Utc)),
        Kind::Duration => Index::new(IndexData::Timedelta(
            t.iter().map(|x| x - first).collect::<Vec<_>>().into(),
        ))
        .unwrap(),
    }
    .with_name("time");
    let values: ArrayRef = match vals {
        Values::F64 => Arc::new(Float64Array::from(v)),
        Values::F32 => Arc::new(Float32Array::from_iter_values(v.iter().map(|x| *x as f32))),
        Values::Int => Arc::new(Int64Array::from_iter_values(v.iter().map(|x| {
            if x.is_finite() {
                *x as i64
            } else {
                3
            }
        }))),
        Values::IntWithNulls => Arc::new(Int64Array::from_iter(
            v.iter().map(|x| x.is_finite().then_some(*x as i64)),
        )),
    };
    Series::new(NAME, index, values).unwrap()
}

fn same_time(mut steps: Vec<ProcessingStep>) -> Vec<ProcessingStep> {
    for s in &mut steps {
        s.run_datetime = MetaTime::naive(meteaudata_core::nanos_to_naive(0));
    }
    steps
}

/// Streams `t` over `input` in chunks of `chunk`; `None` when it declines to stream.
fn streamed<T: Transform + StreamTransform>(
    t: &T,
    input: &Series,
    chunk: usize,
) -> Result<Option<(Series, Vec<ProcessingStep>)>> {
    let meta = TimeSeries::new(input.clone()).metadata();
    let names = [NAME.to_string()];
    let dtype = input.values_dtype();
    let si = StreamInput {
        name: NAME,
        all_inputs: &names,
        values_dtype: &dtype,
    };
    let Some(p) = t.start(&si)? else {
        return Ok(None);
    };
    let scan = SeriesScan::from_series(input.clone(), meta, TimeRange::default(), chunk)?;
    let mut joined: Option<Series> = None;
    let steps = run_chunks(p, scan, |c| {
        joined = Some(match joined.take() {
            None => c,
            Some(j) => j.append(&c)?,
        });
        Ok(())
    })?;
    Ok(Some((joined.expect("at least one chunk"), steps)))
}

fn check<T: Transform + StreamTransform>(
    t: &T,
    input: &Series,
    chunk: usize,
) -> std::result::Result<(), TestCaseError> {
    let whole = t.apply(std::slice::from_ref(input));
    let stream = streamed(t, input, chunk);
    match (whole, stream) {
        (Ok(w), Ok(Some((s, steps)))) => {
            let w = &w[0];
            prop_assert_eq!(&s, &w.series, "chunk {}: data differ", chunk);
            prop_assert_eq!(s.index().metadata(), w.series.index().metadata());
            prop_assert_eq!(same_time(steps), same_time(w.steps.clone()));
        }
        (_, Ok(None)) => {}
        (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind()),
        (Err(e), Ok(Some(_))) => {
            return Err(TestCaseError::fail(format!("only in memory failed: {e}")))
        }
        (Ok(_), Err(e)) => {
            // Streaming refuses unsorted input only; these inputs are sorted.
            return Err(TestCaseError::fail(format!("only streaming failed: {e}")));
        }
    }
    Ok(())
}

fn chunk_size() -> impl Strategy<Value = usize> {
    prop_oneof![Just(1usize), 2usize..5, 5usize..40, Just(1000)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn interpolation_streams_exactly(s in series(), chunk in chunk_size()) {
        check(&LinearInterpolation, &s, chunk)?;
    }

    #[test]
    fn resample_streams_exactly(
        s in series(),
        chunk in chunk_size(),
        f in prop::sample::select(vec!["15min", "1h", "7min", "D", "2D", "W", "MS", "ME", "QS", "YE", "90s"]),
    ) {
        check(&Resample::new(f).unwrap(), &s, chunk)?;
    }

    #[test]
    fn predict_and_normalize_stream_exactly(s in series(), chunk in chunk_size()) {
        check(&PredictFromPreviousPoint, &s, chunk)?;
        check(&NormalizeIndexToNumericDelta::new("h").unwrap(), &s, chunk)?;
        check(&NormalizeIndexToNumericDelta::new("s").unwrap()
            .with_reference(Timestamp { nanos: 1_711_843_200_000_000_000, tz: Some(TimeZone::Utc) }), &s, chunk)?;
    }

    #[test]
    fn subset_and_replace_stream_exactly(
        s in series(),
        chunk in chunk_size(),
        a in 0usize..200,
        b in 0usize..200,
    ) {
        check(&Subset::by_position(Some(a as i64), Some(b as i64)), &s, chunk)?;
        check(&Subset::by_position(Some(a as i64), None), &s, chunk)?;
        if let IndexData::DateTime { values, tz } = s.index().data() {
            if !values.is_empty() {
                let at = |i: usize| Timestamp { nanos: values.value(i.min(values.len() - 1)), tz: *tz };
                check(&Subset::by_label(at(a), at(b)), &s, chunk)?;
                check(&ReplaceRanges::new([(at(a), at(b))], "test"), &s, chunk)?;
            }
        }
    }
}

#[test]
fn a_nan_run_across_many_chunks_is_filled_on_one_line() {
    let nan = f64::NAN;
    let mut v = vec![0.0];
    v.extend(std::iter::repeat_n(nan, 9));
    v.push(10.0);
    v.extend([nan, nan]);
    let s = build((0..13).collect(), Kind::Naive, Values::F64, v);
    for chunk in 1..14 {
        let (out, _) = streamed(&LinearInterpolation, &s, chunk).unwrap().unwrap();
        let got = out.f64_values().unwrap().values().to_vec();
        let want: Vec<f64> = (0..=10).map(f64::from).chain([10.0, 10.0]).collect();
        assert_eq!(got, want, "chunk {chunk}");
    }
}

#[test]
fn a_resample_bin_across_chunks_takes_every_point() {
    // One 15-minute bin holding 6 points, chunked 1 to 6.
    let minute = 60_000_000_000i64;
    let s = build(
        (0..6).map(|i| i * minute).collect(),
        Kind::Naive,
        Values::F64,
        vec![1.0, 2.0, 3.0, 4.0, 5.0, f64::NAN],
    );
    for chunk in 1..7 {
        let (out, _) = streamed(&Resample::new("15min").unwrap(), &s, chunk)
            .unwrap()
            .unwrap();
        assert_eq!(out.f64_values().unwrap().values(), &[3.0], "chunk {chunk}");
    }
}

#[test]
fn unsorted_input_is_a_clear_error() {
    let s = build(vec![5, 1, 3], Kind::Naive, Values::F64, vec![1.0, 2.0, 3.0]);
    let e = streamed(&Resample::new("1h").unwrap(), &s, 1).unwrap_err();
    assert_eq!(e.kind(), meteaudata_core::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("not sorted"), "{e}");
}

#[test]
fn negative_positions_and_integer_replacements_are_computed_in_memory() {
    let s = build(vec![1, 2, 3], Kind::Naive, Values::F64, vec![1.0, 2.0, 3.0]);
    assert!(streamed(&Subset::by_position(Some(-2), None), &s, 1)
        .unwrap()
        .is_none());
    let ints = build(vec![1, 2, 3], Kind::Naive, Values::Int, vec![1.0, 2.0, 3.0]);
    let r = ReplaceRanges::new(
        [(
            Timestamp { nanos: 1, tz: None },
            Timestamp { nanos: 2, tz: None },
        )],
        "x",
    );
    assert!(streamed(&r, &ints, 1).unwrap().is_none());
}
