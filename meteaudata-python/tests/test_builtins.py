"""The wheel's built-ins in Signal.process, beside Python meteaudata's originals. The generated
differential cases (1000 per run) are in meteaudata-processing/tests/differential.rs, which
runs them through this wheel too; here: the whole history a processing chain records, the
identity of the engine in it, and the exceptions of Python's interface."""

import numpy as np
import pandas as pd
import pytest
from meteaudata import DataProvenance, Dataset, Signal
from meteaudata.processing_steps.multivariate.average import average_signals
from meteaudata.processing_steps.univariate.interpolate import linear_interpolation
from meteaudata.processing_steps.univariate.normalize_index import normalize_index_to_numeric_delta
from meteaudata.processing_steps.univariate.prediction import predict_from_previous_point
from meteaudata.processing_steps.univariate.replace import replace_ranges
from meteaudata.processing_steps.univariate.resample import resample
from meteaudata.processing_steps.univariate.subset import subset

import meteaudata_rs
from conftest import step_facts

PYTHON = dict(resample=resample, linear_interpolation=linear_interpolation, subset=subset,
              replace_ranges=replace_ranges, predict_from_previous_point=predict_from_previous_point,
              normalize_index_to_numeric_delta=normalize_index_to_numeric_delta, average_signals=average_signals)
RUST = {name: getattr(meteaudata_rs, name) for name in PYTHON}


def chain(f):
    idx = pd.date_range("2024-01-01", periods=60, freq="7min", tz="America/Toronto")
    raw = pd.Series(np.where(np.arange(60) % 9 == 4, np.nan, np.sqrt(np.arange(60.0))), index=idx, name="RAW")
    a = Signal(input_data=raw, name="A", provenance=DataProvenance(parameter="A"), units="mg/L")
    b = Signal(input_data=raw * 2, name="B", provenance=DataProvenance(parameter="B"), units="mg/L")
    ds = Dataset(name="d", description="d", owner="o", purpose="p", project="q", signals={"A": a, "B": b})
    s = ds.signals["A#1"]
    s.process(["A#1_RAW#1"], f["resample"], "30min")
    s.process(["A#1_RESAMPLED#1"], f["linear_interpolation"])
    s.process(["A#1_LIN-INT#1"], f["subset"], "2024-01-01 01:00", "2024-01-01 05:00")
    s.process(["A#1_SLICE#1"], f["replace_ranges"], [["2024-01-01 02:00", "2024-01-01 03:00"]], "calibration", replace_with=-1.0)
    s.process(["A#1_REPLACED-RANGES#1"], f["predict_from_previous_point"])
    s.process(["A#1_PREV-PRED#1"], f["normalize_index_to_numeric_delta"], unit="min")
    ds.process(["A#1_RAW#1", "B#1_RAW#1"], f["average_signals"])
    return ds


def test_a_processing_chain_records_the_same_history():
    ours, theirs = chain(RUST), chain(PYTHON)
    assert sorted(ours.signals) == sorted(theirs.signals)
    for sname in theirs.signals:
        assert list(ours.signals[sname].time_series) == list(theirs.signals[sname].time_series)
        for tname, ts in theirs.signals[sname].time_series.items():
            mine = ours.signals[sname].time_series[tname]
            pd.testing.assert_series_equal(mine.series, ts.series, check_freq=True, obj=tname)
            a = [step_facts(s) for s in mine.processing_steps]
            b = [step_facts(s) for s in ts.processing_steps]
            for x, y in zip(a, b):
                if y["function"] == "Signal Averaging":
                    # Python records no parameters and misspells the description (compatibility.md).
                    for k in ("parameters", "description"):
                        x.pop(k), y.pop(k)
                if y["function"] == "normalize_index_to_timedelta":
                    y["function"] = "normalize_index_to_numeric_delta"  # upstream's old name
            assert a == b, tname
    assert len(ours.signals["A#1"].time_series) == 7


def test_steps_name_the_engine_that_computed_them():
    ds = chain(RUST)
    step = ds.signals["A#1"].time_series["A#1_RESAMPLED#1"].processing_steps[-1]
    assert step.function_info.name == "resample"
    assert step.function_info.version == meteaudata_rs.__version__
    assert "meteaudata-rs" in step.function_info.author
    assert step.function_info.source_code is None  # not the Python source of a function it did not run


def test_python_s_exceptions():
    s = pd.Series([1.0, 2.0], index=[0, 1], name="A#1_RAW#1")
    for name in ("resample", "linear_interpolation", "predict_from_previous_point"):
        args = ("5min",) if name == "resample" else ()
        with pytest.raises(IndexError):
            RUST[name]([s], *args)
    t = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, freq="h"), name="A#1_RAW#1")
    with pytest.raises(ValueError):
        RUST["resample"]([t], "5 parsecs")
    with pytest.raises(ValueError):
        RUST["replace_ranges"]([t], [["2024-01-01"]], "one bound")
    with pytest.raises(ValueError):
        RUST["normalize_index_to_numeric_delta"]([t], unit="fortnights")
    with pytest.raises(TypeError):
        RUST["normalize_index_to_numeric_delta"]([pd.Series([1.0], index=["x"], name="A#1_RAW#1")])


def test_each_output_keeps_its_input_s_time_unit():
    a = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, freq="h", unit="s"), name="A#1_RAW#1")
    b = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, freq="h", unit="us"), name="B#1_RAW#1")
    ours = [s.index.unit for s, _ in RUST["linear_interpolation"]([a, b])]
    theirs = [s.index.unit for s, _ in PYTHON["linear_interpolation"]([a, b])]
    assert ours == theirs == ["s", "us"]


def test_timestamps_and_timedeltas_as_bounds():
    t = pd.Series(np.arange(6.0), index=pd.date_range("2024-01-01", periods=6, freq="h", tz="UTC"), name="A#1_RAW#1")
    (out, steps), = RUST["subset"]([t], pd.Timestamp("2024-01-01 01:00", tz="UTC"), pd.Timestamp("2024-01-01 03:00", tz="UTC"))
    (ref, ref_steps), = PYTHON["subset"]([t], pd.Timestamp("2024-01-01 01:00", tz="UTC"), pd.Timestamp("2024-01-01 03:00", tz="UTC"))
    pd.testing.assert_series_equal(out, ref)
    assert step_facts(steps[0], function_name=True) == step_facts(ref_steps[0], function_name=True)
    d = pd.Series(np.arange(4.0), index=pd.timedelta_range(0, periods=4, freq="10min"), name="A#1_RAW#1")
    (out, _), = RUST["subset"]([d], pd.Timedelta("10min"), pd.Timedelta("20min"))
    assert list(out.values) == [1.0, 2.0]
