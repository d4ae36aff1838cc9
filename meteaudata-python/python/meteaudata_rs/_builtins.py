"""Python meteaudata's seven built-in processing functions, computed by the Rust engine.

Each has the signature and the results of its Python original (a list of ``(pd.Series,
[ProcessingStep])``, or of ``Signal`` for ``average_signals``), so it goes wherever the original
goes: ``signal.process(["COD#1_RAW#1"], meteaudata_rs.resample, "5min")``. The steps record the
same type, description, parameters, suffix and inputs; their ``function_info`` names the
engine (``meteaudata-rs`` and its version) rather than Python's implementation, because it is
the engine that computed them.
"""

from __future__ import annotations

import datetime
import json
import math
from typing import Any, Optional

import numpy as np
import pandas as pd

from . import _native
from ._arrow import batch_to_series, series_to_batch


def _param(v: Any) -> Any:
    """A parameter in the JSON form of the engine's parameter values: plain JSON, with marker
    mappings for what JSON cannot hold (``__datetime__``, ``__timedelta__``, ``__float__``)."""
    if v is None or isinstance(v, (bool, np.bool_)):
        return None if v is None else bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isnan(v):
            return {"__float__": "nan"}
        if math.isinf(v):
            return {"__float__": "inf" if v > 0 else "-inf"}
        return v
    if isinstance(v, str):
        return v
    if isinstance(v, (pd.Timestamp, datetime.datetime, np.datetime64)):
        t = pd.Timestamp(v)
        if t is pd.NaT:
            return None
        return {"__datetime__": t.isoformat(), "time_zone": None if t.tz is None else str(t.tz)}
    if isinstance(v, (pd.Timedelta, datetime.timedelta, np.timedelta64)):
        return {"__timedelta__": int(pd.Timedelta(v).as_unit("ns").value)}
    if isinstance(v, (list, tuple)):
        return [_param(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _param(x) for k, x in v.items()}
    raise TypeError(f"a parameter cannot be a {type(v).__name__}")


def _python_value(v: Any) -> Any:
    """A parameter value read from the engine's YAML, as the Python object Python meteaudata
    records: marker mappings become pandas Timestamps and Timedeltas and floats."""
    if isinstance(v, dict):
        if "__datetime__" in v:
            t = pd.Timestamp(v["__datetime__"])
            zone = v.get("time_zone")
            return t.tz_convert(zone) if zone and t.tz is not None else t
        if "__timedelta__" in v:
            return pd.Timedelta(int(v["__timedelta__"]), unit="ns")
        if "__float__" in v:
            return float(v["__float__"])
        return {k: _python_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_python_value(x) for x in v]
    return v


def _steps(text: str, function: str = ""):
    from meteaudata.types import ProcessingStep

    steps = []
    for d in json.loads(text):
        params = d.get("parameters")
        if isinstance(params, dict):
            params = _python_value(params)
            # Python's normalize_index_to_numeric_delta records the reference as str(Timestamp).
            if function == "normalize_index_to_numeric_delta" and isinstance(params.get("reference_time"), pd.Timestamp):
                params["reference_time"] = str(params["reference_time"])
            d["parameters"] = params
        steps.append(ProcessingStep(**d))
    return steps


def _require_time_index(input_series: list) -> None:
    # Python meteaudata raises IndexError with this text for these functions and average_signals.
    for col in input_series:
        if not isinstance(col.index, (pd.DatetimeIndex, pd.TimedeltaIndex)):
            raise IndexError(
                f"Series {col.name} has index type {type(col.index)}. Please provide either pd.DatetimeIndex or pd.TimedeltaIndex"
            )


def _unit(series: pd.Series):
    """The time unit of a series' index (pandas keeps it through its operations; so do we,
    where it loses nothing), or None."""
    return getattr(series.index, "unit", None)


def _apply(function: str, input_series: list, params: dict) -> list:
    batches = [series_to_batch(s) for s in input_series]
    units = [_unit(s) for s in input_series]
    out = _native.apply(function, batches, json.dumps(_param(params)), units)
    return [(batch_to_series(b), _steps(steps, function)) for b, steps in out]


def resample(input_series: list[pd.Series], frequency: str, *args, **kwargs) -> list:
    """The mean of the non-missing values in each bin of ``frequency`` (``"5min"``, ``"h"``,
    ``"D"``, ``"W-MON"``, ``"MS"``, …), as Python meteaudata's ``resample``."""
    _require_time_index(input_series)
    return _apply("resample", input_series, {"frequency": frequency})


def linear_interpolation(input_series: list[pd.Series], *args, **kwargs) -> list:
    """Missing values filled linearly by position, as Python meteaudata's
    ``linear_interpolation``."""
    _require_time_index(input_series)
    return _apply("linear_interpolation", input_series, {})


def subset(input_series: list[pd.Series], start_position, end_position, rank_based=False, *args, **kwargs) -> list:
    """The points between two labels (both included), or two positions with
    ``rank_based=True``, as Python meteaudata's ``subset``."""
    _require_time_index(input_series)
    return _apply(
        "subset",
        input_series,
        {"start_position": start_position, "end_position": end_position, "rank_based": rank_based},
    )


def replace_ranges(input_series: list[pd.Series], index_pairs, reason: str, replace_with: float = np.nan) -> list:
    """The values inside each ``[start, end]`` label range set to ``replace_with``, as Python
    meteaudata's ``replace_ranges``."""
    pairs = []
    for pair in index_pairs:
        if len(pair) != 2:
            raise ValueError(
                f"Each pair of indices must contain 2 values (start, and end). Instead, received {pair}."
            )
        pairs.append(list(pair))
    return _apply(
        "replace_ranges",
        input_series,
        {"index_pairs": pairs, "reason": reason, "replace_with": replace_with},
    )


def predict_from_previous_point(input_series: list[pd.Series], *args, **kwargs) -> list:
    """Each value as the forecast of the next point, as Python meteaudata's
    ``predict_from_previous_point``."""
    _require_time_index(input_series)
    return _apply("predict_from_previous_point", input_series, {})


_UNITS = ["D", "days", "h", "hours", "min", "minutes", "s", "seconds",
          "ms", "milliseconds", "us", "microseconds", "ns", "nanoseconds"]


def normalize_index_to_numeric_delta(
    input_series: list[pd.Series],
    unit: str = "s",
    reference_time: Optional[Any] = None,
    *args,
    **kwargs,
) -> list:
    """A datetime index turned into the time elapsed since ``reference_time`` (default: the
    first label) in ``unit``, as Python meteaudata's ``normalize_index_to_numeric_delta``."""
    if unit not in _UNITS:
        raise ValueError(f"Invalid unit '{unit}'. Must be one of: {', '.join(_UNITS)}")
    if isinstance(reference_time, str):
        pd.to_datetime(reference_time)  # Python parses it first: its errors come first
    for col in input_series:
        idx = col.index
        if not (isinstance(idx, pd.DatetimeIndex) or pd.api.types.is_numeric_dtype(idx.dtype)) or isinstance(idx, pd.TimedeltaIndex):
            raise TypeError(
                f"Unsupported index type for series '{col.name}': {type(idx).__name__}. "
                "Supported types: DatetimeIndex, numeric (int/float)."
            )
    params = {"unit": unit}
    if reference_time is not None:
        params["reference_time"] = reference_time
    return _apply("normalize_index_to_numeric_delta", input_series, params)


def average_signals(
    input_signals: list,
    input_series_names: list[str],
    final_provenance=None,
    check_units: bool = True,
    *args,
    **kwargs,
) -> list:
    """One new ``AVERAGE`` signal holding the point-wise mean of the named series, as Python
    meteaudata's ``average_signals``."""
    from meteaudata.types import Signal, TimeSeries

    units = [signal.units for signal in input_signals]
    if check_units and len(set(units)) > 1:
        raise ValueError(
            f"Signals have different units: {set(units)}. Please provide signals with the same units."
        )
    cols = [signal.time_series[name].series for signal, name in zip(input_signals, input_series_names)]
    _require_time_index(cols)
    if len({isinstance(c.index, pd.DatetimeIndex) and c.index.tz is not None for c in cols}) > 1:
        raise TypeError("Cannot compare tz-naive and tz-aware timestamps")
    provenance = None if final_provenance is None else final_provenance.model_dump(mode="json")
    batch, steps = _native.average(
        [series_to_batch(c) for c in cols],
        list(input_series_names),
        units,
        bool(check_units),
        json.dumps(provenance),
        _unit(cols[0]) if cols else None,
    )
    averaged = batch_to_series(batch)
    averaged.name = "AVERAGE_RAW"
    ts = TimeSeries(series=averaged, processing_steps=_steps(steps, "average_signals"))
    return [
        Signal(
            input_data=ts,
            name="AVERAGE",
            provenance=final_provenance or input_signals[0].provenance,
            units=units[0],
        )
    ]
