"""Writes a SQLite database with Python meteaudata's SQL adapter, for the import test.

Usage: python make_python_sql_db.py OUT.db EXPECTED.json

Saves a few series (UTC datetimes with NaN, a naive hourly index, a range index, integer
values) under known keys, and writes what Python reads back to EXPECTED.json, so that the Rust
side can compare its import with Python's own load.
"""
import json
import sys

import numpy as np
import pandas as pd
from meteaudata import DataProvenance, Signal
from meteaudata.storage import StorageConfig, create_backend

out, expected_path = sys.argv[1], sys.argv[2]
backend = create_backend(StorageConfig.for_sql(f"sqlite:///{out}"))

prov = DataProvenance(parameter="Temperature", location="reactor")
series = {
    "utc": pd.Series(
        [1.5, np.nan, 3.25, -0.5],
        index=pd.date_range("2024-03-31 00:30", periods=4, freq="30min", tz="UTC"),
        name="RAW",
    ),
    "naive": pd.Series(
        [10.0, 11.0, 12.5],
        index=pd.date_range("2024-01-01", periods=3, freq="h"),
        name="RAW",
    ),
    "range": pd.Series([0.1, 0.2, 0.3], name="RAW"),
    "ints": pd.Series(
        np.array([1, 2, 3], dtype="int64"),
        index=pd.date_range("2024-06-01", periods=3, freq="D"),
        name="RAW",
    ),
}
expected = {}
for name, data in series.items():
    signal = Signal(input_data=data, name=f"T{name}", provenance=prov, units="degC")
    ts_name = list(signal.time_series.keys())[0]
    ts = signal.time_series[ts_name]
    key = f"py/{signal.name}/{ts_name.split('_', 1)[1]}"
    backend.save(ts.series, key, ts.metadata_dict())
    loaded, meta = backend.load(key)
    expected[key] = {
        "name": loaded.name,
        "index": [str(i) for i in loaded.index],
        "values": [None if pd.isna(v) else float(v) for v in loaded.values],
        "index_type": type(loaded.index).__name__,
    }
with open(expected_path, "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
