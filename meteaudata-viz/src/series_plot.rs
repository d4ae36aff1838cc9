//! Plot of one time series: one trace styled by its last processing step, shifted forward when
//! its history holds predictions.
//!
//! Defaults follow Python meteaudata: the legend is `<base>#<n>`, the title
//! `Time series plot of <signal>`, the y title `<signal> values` and the x title `Time`, to which
//! the zone (`Time (Europe/Paris)`) or the unit of a normalised index (`Time (h)`) is added.
//!
//! **Prediction shift.** When the history holds prediction steps, x is moved forward by the sum
//! of their `step_distance` times the series period: the index frequency when it is a fixed
//! duration (`30min`, `h`, `D` = 24 h), otherwise the spacing of the first two points. So a
//! one-step-ahead forecast is drawn where it applies.
//!
//! ```
//! use meteaudata_core::{Index, ProcessOptions, Series, Signal};
//! use meteaudata_viz::{plot_series, PlotOptions};
//! # use meteaudata_core::chrono::{NaiveDate, TimeDelta};
//! # let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let index = Index::date_range(start, 4, TimeDelta::minutes(30), None)?.with_frequency("30min");
//! let mut signal = Signal::new("Temperature", "°C")?
//!     .with_series(Series::from_f64("RAW", index, vec![20.0, 20.5, f64::NAN, 21.0])?)?;
//! signal.process(&["Temperature#1_RAW#1"], &meteaudata_processing::predict_from_previous_point(),
//!     ProcessOptions::new())?;
//!
//! let ts = signal.get("Temperature#1_PREV-PRED#1")?;
//! let svg = plot_series(ts, &PlotOptions::new())?;
//! let text = svg.to_svg_string();
//! assert!(text.contains(r#"data-marker="square""#));
//! assert!(text.contains(r#"data-x-shift="1800""#)); // one 30-minute step, in seconds
//! assert!(text.contains("Time series plot of Temperature#1"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use meteaudata_core::arrow_array::Array;
use meteaudata_core::naming::SeriesName;
use meteaudata_core::Frequency;
use meteaudata_core::{Error, ParameterValue, ProcessingType, Result, TimeSeries};

use crate::figure::{Figure, Panel, Trace};
use crate::interactive::Interactive;
use crate::options::PlotOptions;
use crate::output::Svg;
use crate::styles::TraceStyle;
use crate::time_axis::{x_positions, XKind};

/// Default width of every plot, in pixels.
pub const DEFAULT_WIDTH: u32 = 1000;
/// Default height of a single-row plot, in pixels.
pub const DEFAULT_HEIGHT: u32 = 450;

/// The SVG plot of one time series.
pub fn plot_series(ts: &TimeSeries, opts: &PlotOptions) -> Result<Svg> {
    series_figure(ts, opts)?.render()
}

/// The interactive plot of one time series (see [`plot_series`] and
/// [`interactive`](crate::interactive)).
pub fn interactive_series(ts: &TimeSeries, opts: &PlotOptions) -> Result<Interactive> {
    series_figure(ts, opts)?.interactive()
}

fn series_figure(ts: &TimeSeries, opts: &PlotOptions) -> Result<Figure> {
    let name = SeriesName::parse(ts.name());
    let signal = if name.signal.is_empty() {
        "<No signal>".to_string()
    } else {
        name.signal.clone()
    };
    let legend = opts.legend.clone().unwrap_or_else(|| {
        if name.signal.is_empty() {
            ts.name().to_string()
        } else {
            ts.name()[name.signal.len() + 1..].to_string()
        }
    });
    let trace = trace_of(ts, legend, 0)?;
    let kind = trace.0;
    let panel = Panel {
        x_label: kind.axis_label(opts.x_label.as_deref().unwrap_or("Time")),
        y_label: opts
            .y_label
            .clone()
            .unwrap_or_else(|| format!("{signal} values")),
        kind,
        traces: vec![trace.1],
    };
    Ok(Figure {
        title: opts
            .title
            .clone()
            .unwrap_or_else(|| format!("Time series plot of {signal}")),
        width: opts.width.unwrap_or(DEFAULT_WIDTH),
        height: opts.height.unwrap_or(DEFAULT_HEIGHT),
        panels: vec![panel],
        shared_x: false,
        window: (opts.start.clone(), opts.end.clone()),
        fixed_width: opts.width.is_some(),
    })
}

/// The unit of a normalised index: the `unit` parameter of the newest transformation step
/// that has one.
pub fn normalized_unit(ts: &TimeSeries) -> Option<String> {
    ts.processing_steps
        .iter()
        .rev()
        .filter(|s| s.step_type == ProcessingType::Transformation)
        .find_map(|s| match s.parameters.as_ref()?.get("unit")? {
            ParameterValue::String(u) => Some(u.clone()),
            _ => None,
        })
}

/// Number of steps predictions move this series forward (sum of their `step_distance`).
pub fn prediction_steps(ts: &TimeSeries) -> i64 {
    ts.processing_steps
        .iter()
        .filter(|s| s.step_type == ProcessingType::Prediction)
        .fold(0i64, |a, s| a.saturating_add(s.step_distance))
}

/// Builds the trace of a time series: positions (shifted), values, style.
pub(crate) fn trace_of(
    ts: &TimeSeries,
    name: String,
    color_index: usize,
) -> Result<(XKind, Trace)> {
    let series = ts.series()?;
    let unit = normalized_unit(ts);
    let (kind, mut xs) = x_positions(series.index(), unit.as_deref());
    let ys = values_f64(series)?;
    let k = prediction_steps(ts);
    let mut x_shift = 0.0;
    if k != 0 {
        let period = period_of(&kind, series.index().frequency(), &xs);
        if let Some(p) = period {
            x_shift = k as f64 * p;
            for x in &mut xs {
                *x += x_shift;
            }
        }
        // Otherwise (fewer than two points and no fixed frequency) there is no step to shift
        // by: the series is drawn where it is, with `data-x-shift="0"`.
    }
    Ok((
        kind,
        Trace {
            name,
            style: TraceStyle::of(ts),
            color_index,
            xs,
            ys,
            x_shift,
        },
    ))
}

/// Period of one step on the axis: the fixed frequency, else the first spacing.
fn period_of(kind: &XKind, frequency: Option<&str>, xs: &[f64]) -> Option<f64> {
    if let (XKind::Time { .. }, Some(f)) = (kind, frequency) {
        if let Some(n) = Frequency::parse(f).ok().and_then(|f| f.fixed_nanos()) {
            return Some(n as f64 / 1e9);
        }
    }
    if let XKind::Category { .. } = kind {
        return Some(1.0);
    }
    let mut finite = xs.iter().filter(|x| x.is_finite());
    let a = finite.next()?;
    let b = finite.next()?;
    let d = b - a;
    (d.is_finite() && d != 0.0).then_some(d)
}

/// The values as floats (missing values and nulls are NaN).
pub(crate) fn values_f64(series: &meteaudata_core::Series) -> Result<Vec<f64>> {
    if let Some(v) = series.f64_values() {
        if v.null_count() == 0 {
            return Ok(v.values().to_vec());
        }
        return Ok((0..v.len())
            .map(|i| if v.is_null(i) { f64::NAN } else { v.value(i) })
            .collect());
    }
    if let Some(v) = series.i64_values() {
        return Ok((0..v.len())
            .map(|i| {
                if v.is_null(i) {
                    f64::NAN
                } else {
                    v.value(i) as f64
                }
            })
            .collect());
    }
    if let Some(v) = series.bool_values() {
        return Ok((0..v.len())
            .map(|i| match v.is_null(i) {
                true => f64::NAN,
                false => f64::from(u8::from(v.value(i))),
            })
            .collect());
    }
    let values = series.values();
    use meteaudata_core::arrow_array::cast::AsArray;
    use meteaudata_core::arrow_array::types::{Float32Type, Int32Type};
    if let Some(v) = values.as_primitive_opt::<Float32Type>() {
        return Ok((0..v.len())
            .map(|i| {
                if v.is_null(i) {
                    f64::NAN
                } else {
                    f64::from(v.value(i))
                }
            })
            .collect());
    }
    if let Some(v) = values.as_primitive_opt::<Int32Type>() {
        return Ok((0..v.len())
            .map(|i| {
                if v.is_null(i) {
                    f64::NAN
                } else {
                    f64::from(v.value(i))
                }
            })
            .collect());
    }
    Err(Error::Unsupported(format!(
        "{}: values of dtype {} cannot be plotted (numbers and booleans only)",
        series.name(),
        series.values_dtype()
    )))
}
