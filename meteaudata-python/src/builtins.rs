//! The built-in processing steps, run on series that come from Python.
//!
//! `apply` runs a univariate built-in by its Python name with the parameters Python meteaudata
//! records for it (the same registry the CLI's `replay` uses, `meteaudata::processing::registry`),
//! and `average` runs `average_signals`. Series cross as Arrow record batches; the steps go back
//! as the JSON list Python meteaudata's `ProcessingStep(**step)` reads.

use arrow_array::RecordBatch;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use meteaudata::processing::registry::{builtin, Builtin};
use meteaudata::processing::AverageSignals;
use meteaudata::{DataProvenance, Error, Parameters, Result, Series};
use pyo3::prelude::*;

use crate::convert::batch_for_python;
use crate::errors::to_py;

/// Steps as the JSON list Python meteaudata's `ProcessingStep(**step)` reads (the same
/// document as the YAML metadata files hold).
fn steps_json(steps: &[meteaudata::ProcessingStep]) -> Result<String> {
    serde_json::to_string(steps).map_err(|e| Error::parse("processing steps as JSON", e))
}

/// The parameters from their JSON form: a mapping of plain JSON values, with the marker
/// mappings of [`ParameterValue`](meteaudata::ParameterValue) (`__datetime__`, `__timedelta__`, `__float__`) for what JSON
/// cannot hold.
fn parameters(json: &str) -> Result<Parameters> {
    serde_json::from_str(json)
        .map_err(|e| Error::invalid_input(format!("built-in parameters: {e}")))
}

fn batches(list: &[Bound<'_, PyAny>]) -> PyResult<Vec<RecordBatch>> {
    list.iter().map(RecordBatch::from_pyarrow_bound).collect()
}

/// The series of `batches` (converted without the GIL: time units are rescaled here).
fn series_of(batches: &[RecordBatch]) -> Result<Vec<Series>> {
    batches.iter().map(Series::from_record_batch).collect()
}

/// Runs the univariate built-in `function` (its Python name) on each series, with
/// `params_json`: a JSON mapping of the parameters Python meteaudata records for it, with the
/// marker mappings of [`ParameterValue`](meteaudata::ParameterValue) for instants, durations
/// and non-finite floats. Returns one `(batch, steps_json)` per output series, the time index
/// of output `i` in `units[i]` (`s`, `ms`, `us`: its input's unit) where exact.
#[pyfunction]
#[pyo3(signature = (function, inputs, params_json, units=Vec::new()))]
pub fn apply<'py>(
    py: Python<'py>,
    function: &str,
    inputs: Vec<Bound<'py, PyAny>>,
    params_json: &str,
    units: Vec<Option<String>>,
) -> PyResult<Vec<(Bound<'py, PyAny>, String)>> {
    let inputs = batches(&inputs)?;
    let outputs = py
        .detach(|| {
            let params = parameters(params_json)?;
            let Some(Builtin::Univariate(transform)) = builtin(function, Some(&params))? else {
                return Err(Error::invalid_input(format!(
                    "{function} is not a univariate built-in"
                )));
            };
            let series = series_of(&inputs)?;
            transform
                .apply(&series)?
                .into_iter()
                .enumerate()
                .map(|(i, o)| {
                    let unit = units.get(i).and_then(Option::as_deref);
                    Ok((batch_for_python(&o.series, unit), steps_json(&o.steps)?))
                })
                .collect::<Result<Vec<_>>>()
        })
        .map_err(to_py)?;
    outputs
        .into_iter()
        .map(|(b, steps)| Ok((b.to_pyarrow(py)?, steps)))
        .collect()
}

/// `average_signals`: the mean of `inputs` (one series per requested name, named
/// `input_names`, from signals with `units`), as one batch (time index in `unit` where exact)
/// and its steps' JSON. `provenance_json` is the `final_provenance` (a JSON mapping) or `null`.
#[pyfunction]
#[pyo3(signature = (inputs, input_names, units, check_units, provenance_json, unit=None))]
pub fn average<'py>(
    py: Python<'py>,
    inputs: Vec<Bound<'py, PyAny>>,
    input_names: Vec<String>,
    units: Vec<String>,
    check_units: bool,
    provenance_json: &str,
    unit: Option<String>,
) -> PyResult<(Bound<'py, PyAny>, String)> {
    let inputs = batches(&inputs)?;
    let (batch, steps) = py
        .detach(|| {
            let series = series_of(&inputs)?;
            let mut average = AverageSignals::new().check_units(check_units);
            let provenance: Option<DataProvenance> = serde_json::from_str(provenance_json)
                .map_err(|e| Error::invalid_input(format!("final_provenance: {e}")))?;
            if let Some(p) = provenance {
                average = average.with_provenance(p);
            }
            let requested: Vec<(&str, &Series, &str)> = input_names
                .iter()
                .zip(&series)
                .zip(&units)
                .map(|((n, s), u)| (n.as_str(), s, u.as_str()))
                .collect();
            let (mean, step) = average.average(&requested)?;
            Ok::<_, Error>((
                batch_for_python(&mean, unit.as_deref()),
                steps_json(&[step])?,
            ))
        })
        .map_err(to_py)?;
    Ok((batch.to_pyarrow(py)?, steps))
}
