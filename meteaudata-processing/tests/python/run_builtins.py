"""Runs Python meteaudata's built-in processing functions on cases read as JSON from stdin and
writes the results as JSON to stdout. Used by tests/differential.rs.

With ``--engine meteaudata_rs`` it runs the same cases through the drop-in built-ins of the
``meteaudata_rs`` wheel instead (the Rust engine behind Python's interfaces).

Floats travel as numbers, or as the strings "nan", "inf", "-inf". Datetimes travel as int64
nanoseconds (UTC when a zone is given, wall clock when naive); NaT as null.
"""

import json
import math
import sys
import warnings

import numpy as np
import pandas as pd

from meteaudata import DataProvenance, Signal
from meteaudata.processing_steps.multivariate.average import average_signals
from meteaudata.processing_steps.univariate.interpolate import linear_interpolation
from meteaudata.processing_steps.univariate.normalize_index import (
    normalize_index_to_numeric_delta,
)
from meteaudata.processing_steps.univariate.prediction import predict_from_previous_point
from meteaudata.processing_steps.univariate.replace import replace_ranges
from meteaudata.processing_steps.univariate.resample import resample
from meteaudata.processing_steps.univariate.subset import subset

if sys.argv[1:] == ["--engine", "meteaudata_rs"]:
    from meteaudata_rs import (  # noqa: F811 (the wheel's drop-ins replace Python's)
        average_signals,
        linear_interpolation,
        normalize_index_to_numeric_delta,
        predict_from_previous_point,
        replace_ranges,
        resample,
        subset,
    )
elif sys.argv[1:]:
    raise SystemExit("usage: run_builtins.py [--engine meteaudata_rs]")

warnings.simplefilter("ignore")
NAT = np.iinfo(np.int64).min


def f_in(x):
    if x is None:
        return float("nan")
    if isinstance(x, str):
        return float(x)
    return float(x)


def f_out(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def make_index(spec):
    nanos = np.array([NAT if v is None else v for v in spec["nanos"]], dtype="int64")
    if spec["kind"] == "timedelta":
        return pd.TimedeltaIndex(nanos.view("timedelta64[ns]"))
    idx = pd.DatetimeIndex(nanos.view("datetime64[ns]"))
    if spec.get("tz"):
        idx = idx.tz_localize("UTC").tz_convert(spec["tz"])
    return idx


def index_out(idx):
    if isinstance(idx, pd.TimedeltaIndex):
        return {"kind": "timedelta", "nanos": [None if v == NAT else int(v) for v in idx.asi8], "tz": None}
    if isinstance(idx, pd.DatetimeIndex):
        idx = idx.as_unit("ns")
        tz = None if idx.tz is None else str(idx.tz)
        return {"kind": "datetime", "nanos": [None if v == NAT else int(v) for v in idx.asi8], "tz": tz}
    return {"kind": "float", "values": [f_out(v) for v in idx]}


def param_out(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return f_out(v)
    if isinstance(v, (list, tuple)):
        return [param_out(x) for x in v]
    if isinstance(v, dict):
        return {k: param_out(x) for k, x in v.items()}
    if v is None:
        return None
    return str(v)


def step_out(step):
    params = step.parameters
    return {
        "type": step.type.value,
        "suffix": step.suffix,
        "description": step.description,
        "function": step.function_info.name,
        "step_distance": step.step_distance,
        "inputs": list(step.input_series_names),
        "parameters": None if params is None else param_out(params.as_dict()),
    }


def series_of(spec, name="A#1_RAW#1"):
    return pd.Series([f_in(v) for v in spec["values"]], index=make_index(spec["index"]), name=name, dtype="float64")


def run(case):
    op = case["op"]
    p = case.get("params", {})
    if op == "average":
        signals, names = [], []
        for i, inp in enumerate(case["inputs"]):
            base = "S%d" % i
            s = series_of(inp, name="RAW")
            sig = Signal(input_data=s, name=base, provenance=DataProvenance(parameter=base), units="mg/L")
            signals.append(sig)
            names.append(base + "#1_RAW#1")
        out = average_signals(signals, names)
        sig = out[0]
        ts = list(sig.time_series.values())[0]
        return {"series": [{
            "name": ts.series.name,
            "index": index_out(ts.series.index),
            "values": [f_out(v) for v in ts.series.values],
            "freq": ts.series.index.freqstr if getattr(ts.series.index, "freq", None) is not None else None,
            "step": step_out(ts.processing_steps[-1]),
        }]}
    s = series_of(case)
    if op == "resample":
        res = resample([s], p["frequency"])
    elif op == "interpolate":
        res = linear_interpolation([s])
    elif op == "predict":
        res = predict_from_previous_point([s])
    elif op == "subset":
        res = subset([s], p.get("start"), p.get("end"), rank_based=p.get("rank_based", False))
    elif op == "replace":
        w = p.get("replace_with")
        res = replace_ranges([s], [list(x) for x in p["pairs"]], p["reason"], replace_with=f_in(w))
    elif op == "normalize":
        kw = {"unit": p["unit"]}
        if p.get("reference_time") is not None:
            kw["reference_time"] = p["reference_time"]
        res = normalize_index_to_numeric_delta([s], **kw)
    else:
        raise ValueError("unknown op " + op)
    out = []
    for series, steps in res:
        idx = series.index
        out.append({
            "name": series.name,
            "index": index_out(idx),
            "values": [f_out(v) for v in series.values],
            "freq": idx.freqstr if getattr(idx, "freq", None) is not None else None,
            "step": step_out(steps[-1]),
        })
    return {"series": out}


def main():
    cases = json.load(sys.stdin)
    results = []
    for case in cases:
        try:
            results.append({"ok": True, **run(case)})
        except Exception as e:  # the error kind is compared, not the message
            results.append({
                "ok": False,
                "error": type(e).__name__ + ": " + str(e)[:200],
                "error_classes": [c.__name__ for c in type(e).__mro__],
            })
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
