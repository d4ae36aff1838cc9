"""Python half of the archive interop suite (tests/interop.rs), run with meteaudata 0.12.1.

  interop.py write CASES.json OUTDIR   builds every case with pandas + meteaudata (processing with
                                       meteaudata's own resample / linear_interpolation /
                                       average_signals), describes it, saves it with the case's
                                       export options into OUTDIR/<id>/ and writes the
                                       description to OUTDIR/<id>/expected.json.
  interop.py read MANIFEST.json        loads every archive listed ({id, kind, path, name}) with
                                       Signal.load_from_directory / Dataset.load and prints a
                                       JSON list of {id, ok, error, desc}.

A description is plain JSON both sides can compute: names, units, provenance, and per series
the index (kind, name, freq, zone, labels as integers/strings), the values (family and
values, floats as repr strings) and the processing steps.
"""
import datetime
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd

from meteaudata import (
    DataProvenance,
    Dataset,
    Signal,
    average_signals,
    linear_interpolation,
    resample,
)

warnings.filterwarnings("ignore")
PROV_FIELDS = ["source_repository", "project", "location", "equipment", "parameter", "purpose", "metadata_id"]


# ---------------------------------------------------------------- building cases


def zone(text):
    if text is None:
        return None
    if text.startswith("UTC") and len(text) > 3:
        sign = -1 if text[3] == "-" else 1
        hours, minutes = text[4:].split(":")
        return datetime.timezone(sign * datetime.timedelta(hours=int(hours), minutes=int(minutes)))
    return text


def build_index(ix):
    kind = ix["kind"]
    labels = ix["labels"]
    if kind == "datetime":
        tz = zone(ix.get("tz"))
        if tz is None:
            idx = pd.DatetimeIndex(pd.to_datetime(labels, unit="ns"))
        else:
            idx = pd.DatetimeIndex(pd.to_datetime(labels, unit="ns", utc=True)).tz_convert(tz)
        if ix.get("freq"):
            idx = pd.DatetimeIndex(idx, freq=ix["freq"])
    elif kind == "range":
        idx = pd.RangeIndex(ix["start"], ix["stop"], ix["step"])
    elif kind == "int":
        idx = pd.Index(np.array(labels, dtype="int64"))
    elif kind == "float":
        idx = pd.Index(np.array([np.nan if v is None else float(v) for v in labels], dtype="float64"))
    elif kind == "string":
        idx = pd.Index(labels, dtype="str")
    elif kind == "categorical":
        idx = pd.CategoricalIndex(labels, categories=ix["categories"], ordered=ix["ordered"])
    elif kind == "period":
        idx = pd.PeriodIndex(labels, freq=ix["freq"])
    elif kind == "timedelta":
        idx = pd.TimedeltaIndex(pd.to_timedelta(labels, unit="ns"))
        if ix.get("freq"):
            idx = pd.TimedeltaIndex(idx, freq=ix["freq"])
    else:
        raise ValueError(f"unknown index kind {kind}")
    idx.name = ix.get("name")
    return idx


def build_values(v, n):
    dtype, data = v["dtype"], v["data"]
    if dtype in ("float64", "float32"):
        return np.array([np.nan if x is None else float(x) for x in data], dtype=dtype)
    if dtype in ("int64", "int32", "bool"):
        return np.array(data, dtype=dtype)
    if dtype in ("Int64", "boolean"):
        return pd.array(data, dtype=dtype)
    if dtype == "str":
        return pd.array(data, dtype="str")
    if dtype == "category":
        return pd.Categorical(data)
    if dtype == "datetime":
        s = pd.to_datetime(pd.Series(data, dtype="float64"), unit="ns", utc=v.get("tz") is not None)
        if v.get("tz") is not None:
            s = s.dt.tz_convert(zone(v["tz"]))
        return s.to_numpy() if v.get("tz") is None else s.array
    raise ValueError(f"unknown dtype {dtype}")


def build_signal(spec):
    idx = build_index(spec["index"])
    values = build_values(spec["values"], len(idx))
    series = pd.Series(values, index=idx, name="RAW")
    prov = DataProvenance(**spec["provenance"])
    sig = Signal(input_data=series, name=spec["name"], units=spec["units"], provenance=prov)
    if spec.get("process"):
        raw = f"{sig.name}_RAW#1"
        sig.process([raw], resample, spec["process"])
        sig.process([f"{sig.name}_RESAMPLED#1"], linear_interpolation)
    return sig


def build_case(case):
    sigs = [build_signal(s) for s in case["signals"]]
    if case["kind"] == "signal":
        return sigs[0]
    d = case["dataset"]
    ds = Dataset(name=d["name"], description=d["description"], owner=d["owner"],
                 purpose=d["purpose"], project=d["project"], signals={s.name: s for s in sigs})
    if d.get("average"):
        ds.process([f"{s.name}_RAW#1" for s in sigs], average_signals)
    return ds


def save_case(obj, case, dest):
    o = case["save"]
    idx_name = o.get("index_name")
    if isinstance(idx_name, list):
        idx_name = tuple(idx_name)
    val = o.get("value_names")
    if isinstance(val, list):
        val = tuple(val)
    if case["kind"] == "signal":
        obj.save(dest, zip=o["zip"], separator=o["separator"], output_index_name=idx_name,
                 output_value_names=val)
    else:
        obj.save(dest, separator=o["separator"], output_index_name=idx_name, output_value_names=val)


# ---------------------------------------------------------------- describing


def missing(x):
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def describe_index(idx):
    d = {"name": None if idx.name is None else str(idx.name), "freq": None, "tz": None}
    if isinstance(idx, pd.DatetimeIndex):
        d["kind"] = "datetime"
        d["freq"] = idx.freqstr
        d["tz"] = None if idx.tz is None else str(idx.tz)
        ns = idx.as_unit("ns")
        d["labels"] = [None if missing(x) else int(v) for x, v in zip(idx, ns.asi8)]
    elif isinstance(idx, pd.RangeIndex):
        d["kind"] = "range"
        d["labels"] = [int(x) for x in idx]
    elif isinstance(idx, pd.CategoricalIndex):
        d["kind"] = "categorical"
        d["labels"] = [None if missing(x) else str(x) for x in idx]
    elif isinstance(idx, pd.PeriodIndex):
        d["kind"] = "period"
        d["freq"] = idx.freqstr
        d["labels"] = [str(x) for x in idx]
    elif isinstance(idx, pd.TimedeltaIndex):
        d["kind"] = "timedelta"
        d["freq"] = idx.freqstr
        d["labels"] = [int(v) for v in idx.as_unit("ns").asi8]
    elif pd.api.types.is_integer_dtype(idx.dtype):
        d["kind"] = "int"
        d["labels"] = [int(x) for x in idx]
    elif pd.api.types.is_float_dtype(idx.dtype):
        d["kind"] = "float"
        d["labels"] = [None if missing(x) else repr(float(x)) for x in idx]
    else:
        d["kind"] = "string"
        d["labels"] = [None if missing(x) else str(x) for x in idx]
    return d


def describe_values(s):
    dt = s.dtype
    tz = None
    if isinstance(dt, pd.CategoricalDtype):
        fam, vals = "category", [None if missing(v) else str(v) for v in s]
    elif pd.api.types.is_bool_dtype(dt):
        fam, vals = "bool", [None if missing(v) else bool(v) for v in s]
    elif pd.api.types.is_integer_dtype(dt):
        fam, vals = "int", [None if missing(v) else int(v) for v in s]
    elif pd.api.types.is_float_dtype(dt):
        fam, vals = "float", [None if missing(v) else repr(float(v)) for v in s]
    elif pd.api.types.is_datetime64_any_dtype(dt):
        fam = "datetime"
        tz = None if getattr(dt, "tz", None) is None else str(dt.tz)
        vals = [None if missing(v) else int(pd.Timestamp(v).as_unit("ns")._value) for v in s]
    else:
        fam, vals = "string", [None if missing(v) else str(v) for v in s]
    return {"family": fam, "tz": tz, "values": vals}


def describe_step(p):
    params = None
    if p.parameters is not None:
        params = sorted(k for k in p.parameters.model_dump().keys())
    return {
        "type": p.type.value,
        "suffix": p.suffix,
        "function": p.function_info.name,
        "inputs": list(p.input_series_names or []),
        "description": p.description,
        "parameters": params,
    }


def describe_signal(sig):
    return {
        "name": sig.name,
        "units": sig.units,
        "provenance": {f: getattr(sig.provenance, f) for f in PROV_FIELDS},
        "series": {
            key: {
                "index": describe_index(ts.series.index),
                "values": describe_values(ts.series),
                "steps": [describe_step(p) for p in ts.processing_steps],
            }
            for key, ts in sig.time_series.items()
        },
    }


def describe(obj):
    if isinstance(obj, Signal):
        return {"kind": "signal", "signal": describe_signal(obj)}
    return {
        "kind": "dataset",
        "name": obj.name,
        "description": obj.description,
        "owner": obj.owner,
        "purpose": obj.purpose,
        "project": obj.project,
        "signals": {k: describe_signal(s) for k, s in obj.signals.items()},
    }


# ---------------------------------------------------------------- commands


def cmd_write(cases_file, outdir):
    with open(cases_file) as f:
        cases = json.load(f)
    status = {}
    for case in cases:
        dest = os.path.join(outdir, case["id"])
        os.makedirs(dest, exist_ok=True)
        try:
            obj = build_case(case)
            desc = describe(obj)  # before saving: Python's save appends export_rename steps
            save_case(obj, case, dest)
            with open(os.path.join(dest, "expected.json"), "w") as f:
                json.dump(desc, f)
            status[case["id"]] = "ok"
        except Exception as e:  # noqa: BLE001 - reported to the Rust side
            status[case["id"]] = f"{type(e).__name__}: {e}"
    json.dump(status, sys.stdout)


def cmd_read(manifest_file):
    with open(manifest_file) as f:
        manifest = json.load(f)
    out = []
    for item in manifest:
        try:
            if item["kind"] == "signal":
                obj = Signal.load_from_directory(item["path"], item["name"])
            else:
                obj = Dataset.load(item["path"], item["name"])
            out.append({"id": item["id"], "ok": True, "error": "", "desc": describe(obj)})
        except Exception as e:  # noqa: BLE001 - reported to the Rust side
            out.append({"id": item["id"], "ok": False, "error": f"{type(e).__name__}: {e}", "desc": None})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        cmd_write(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "read":
        cmd_read(sys.argv[2])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
