//! Demo data shared by the gallery example, the tests and the benchmark: the scenario of
//! Python meteaudata's visualisation samples, built with the built-in transforms.
#![allow(dead_code)]

use meteaudata_core::chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use meteaudata_core::{
    DataProvenance, Dataset, DatasetProcessOptions, Index, ProcessOptions, Result, Series, Signal,
};
use meteaudata_processing as mp;

pub fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date")
}

/// 48 half-hourly temperatures with a gap, and every built-in applied to them.
pub fn temperature() -> Result<Signal> {
    let index =
        Index::date_range(start(), 48, TimeDelta::minutes(30), None)?.with_frequency("30min");
    let values = (0..48)
        .map(|i| {
            if (20..24).contains(&i) {
                f64::NAN
            } else {
                18.0 + 3.0 * (i as f64 / 48.0 * std::f64::consts::TAU).sin()
                    + 0.3 * ((i * 7) % 5) as f64
            }
        })
        .collect();
    let mut s = Signal::new("Temperature", "°C")?
        .with_provenance(DataProvenance {
            source_repository: Some("demo".into()),
            project: Some("viz".into()),
            location: Some("Tank 1".into()),
            equipment: Some("TC-1".into()),
            parameter: Some("Temperature".into()),
            purpose: Some("docs".into()),
            metadata_id: Some("t-1".into()),
        })
        .with_series(Series::from_f64("RAW", index, values)?)?;
    let raw = "Temperature#1_RAW#1";
    s.process(&[raw], &mp::linear_interpolation(), ProcessOptions::new())?;
    s.process(&[raw], &mp::resample("2h")?, ProcessOptions::new())?;
    s.process(
        &[raw],
        &mp::predict_from_previous_point(),
        ProcessOptions::new(),
    )?;
    s.process(
        &[raw],
        &mp::replace_ranges([("2024-01-01 15:00", "2024-01-01 18:00")], "maintenance"),
        ProcessOptions::new(),
    )?;
    s.process(
        &[raw],
        &mp::subset("2024-01-01 06:00", "2024-01-01 12:00"),
        ProcessOptions::new(),
    )?;
    s.process(
        &[raw],
        &mp::normalize_index_to_numeric_delta("h")?,
        ProcessOptions::new(),
    )?;
    Ok(s)
}

/// 48 half-hourly pH values, resampled and interpolated.
pub fn ph() -> Result<Signal> {
    let index =
        Index::date_range(start(), 48, TimeDelta::minutes(30), None)?.with_frequency("30min");
    let values = (0..48)
        .map(|i| 7.0 + 0.2 * (i as f64 / 6.0).cos())
        .collect();
    let mut s = Signal::new("pH", "pH units")?
        .with_provenance(DataProvenance {
            location: Some("Tank 1".into()),
            parameter: Some("pH".into()),
            metadata_id: Some("ph-1".into()),
            ..Default::default()
        })
        .with_series(Series::from_f64("RAW", index, values)?)?;
    s.process(&["pH#1_RAW#1"], &mp::resample("2h")?, ProcessOptions::new())?;
    s.process(
        &["pH#1_RESAMPLED#1"],
        &mp::linear_interpolation(),
        ProcessOptions::new(),
    )?;
    Ok(s)
}

/// Temperature and pH in one dataset.
pub fn tank() -> Result<Dataset> {
    Dataset::new("tank_monitoring")?
        .with_description("demo")
        .with_owner("me")
        .with_purpose("docs")
        .with_project("viz")
        .with_signals([temperature()?, ph()?])
}

/// The COD / NH4 scenario: two resampling branches for COD, one chain for NH4, and their
/// cross-signal average (a new signal).
pub fn cod_nh4() -> Result<Dataset> {
    let idx = || {
        Index::date_range(start(), 72, TimeDelta::minutes(2), None)
            .map(|i| i.with_frequency("2min"))
    };
    let cod_values = (0..72)
        .map(|i| {
            if i % 11 == 5 {
                f64::NAN
            } else {
                300.0 + 40.0 * (i as f64 / 9.0).sin()
            }
        })
        .collect();
    let nh4_values = (0..72)
        .map(|i| {
            if i % 13 == 4 {
                f64::NAN
            } else {
                25.0 + 5.0 * (i as f64 / 7.0).cos()
            }
        })
        .collect();
    let mut cod =
        Signal::new("COD", "mg/L")?.with_series(Series::from_f64("RAW", idx()?, cod_values)?)?;
    let mut nh4 =
        Signal::new("NH4", "mg/L")?.with_series(Series::from_f64("RAW", idx()?, nh4_values)?)?;
    cod.process(
        &["COD#1_RAW#1"],
        &mp::resample("5min")?,
        ProcessOptions::new().output_names(["5MIN-RESAMPLED"]),
    )?;
    cod.process(
        &["COD#1_RAW#1"],
        &mp::resample("10min")?,
        ProcessOptions::new().output_names(["10MIN-RESAMPLED"]),
    )?;
    cod.process(
        &["COD#1_5MIN-RESAMPLED#1"],
        &mp::linear_interpolation(),
        ProcessOptions::new().output_names(["LIN-INT-5MIN"]),
    )?;
    cod.process(
        &["COD#1_10MIN-RESAMPLED#1"],
        &mp::linear_interpolation(),
        ProcessOptions::new().output_names(["LIN-INT-10MIN"]),
    )?;
    nh4.process(
        &["NH4#1_RAW#1"],
        &mp::resample("5min")?,
        ProcessOptions::new(),
    )?;
    nh4.process(
        &["NH4#1_RESAMPLED#1"],
        &mp::linear_interpolation(),
        ProcessOptions::new(),
    )?;
    let mut ds = Dataset::new("plant")?.with_signals([cod, nh4])?;
    ds.process(
        &["COD#1_LIN-INT-5MIN#1", "NH4#1_LIN-INT#1"],
        &mp::average_signals().check_units(false),
        DatasetProcessOptions::new().output_signal_names(["AVG"]),
    )?;
    Ok(ds)
}

/// `n` points of a noisy daily cycle, one per second, with one spike.
pub fn large(n: usize) -> Result<Signal> {
    let first = meteaudata_core::naive_to_nanos(&start())?;
    let nanos: Vec<i64> = (0..n as i64).map(|i| first + i * 1_000_000_000).collect();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let values: Vec<f64> = (0..n)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state % 1000) as f64 / 1000.0 - 0.5;
            let v = 10.0 + 5.0 * (i as f64 / 86_400.0 * std::f64::consts::TAU).sin() + noise;
            if i == n / 3 {
                40.0
            } else {
                v
            }
        })
        .collect();
    let index = Index::datetime_nanos(nanos, None).with_frequency("s");
    Signal::new("Flow", "m3/h")?.with_series(Series::from_f64("RAW", index, values)?)
}
