"""Python side of the disk interop test, using meteaudata 0.12.1's pandas-disk backend.

  read DIR   list and load every key in DIR; print JSON {key: {...}} on stdout
  write DIR  write a fixed set of series into DIR (keys printed as JSON on stdout)
"""
import json
import math
import sys

import pandas as pd
from meteaudata import TimeSeries
from meteaudata.storage import StorageConfig, create_backend


def label(x):
    if isinstance(x, pd.Timestamp):
        return x.isoformat()
    if isinstance(x, pd.Timedelta):
        return x.value
    return x


def value(x):
    if isinstance(x, float) and math.isnan(x):
        return "NaN"
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x is None or (not isinstance(x, (str, bool)) and pd.isna(x)):
        return None
    if hasattr(x, "item"):
        return x.item()
    return x


def read(path):
    backend = create_backend(StorageConfig.for_pandas_disk(path))
    out = {}
    for key in backend.list_keys():
        series, meta = backend.load(key)
        idx = series.index
        out[key] = {
            "name": series.name,
            "index_type": type(idx).__name__,
            "index_name": idx.name,
            "tz": str(idx.tz) if getattr(idx, "tz", None) is not None else None,
            "index": [label(x) for x in idx],
            "values": [value(x) for x in series.tolist()],
            "dtype": str(series.dtype),
            "steps": [s["suffix"] for s in meta["processing_steps"]],
            "index_metadata_type": meta["index_metadata"]["type"],
            "metadata_id": meta.get("metadata_id"),
        }
    json.dump(out, sys.stdout)


def write(path):
    backend = create_backend(StorageConfig.for_pandas_disk(path))
    cases = {
        "py_ds/UTC#1/RAW#1": pd.Series(
            [1.5, float("nan"), 3.25],
            index=pd.date_range("2024-03-10", periods=3, freq="h", tz="UTC"),
            name="UTC#1_RAW#1",
        ),
        "py_ds/Naive#1/RAW#1": pd.Series(
            [10.0, 11.0],
            index=pd.date_range("2024-01-01", periods=2, freq="15min"),
            name="Naive#1_RAW#1",
        ),
        "py_ds/Range#1/RAW#1": pd.Series([7, 8, 9], name="Range#1_RAW#1"),
        "py_ds/Toronto#1/RAW#1": pd.Series(
            [0.5, 0.75],
            index=pd.DatetimeIndex(["2024-03-10 01:00", "2024-03-10 03:00"]).tz_localize("America/Toronto"),
            name="Toronto#1_RAW#1",
        ),
    }
    for key, s in cases.items():
        ts = TimeSeries(series=s)
        backend.save(s, key, ts.metadata_dict())
    json.dump(sorted(cases), sys.stdout)


if __name__ == "__main__":
    {"read": read, "write": write}[sys.argv[1]](sys.argv[2])
