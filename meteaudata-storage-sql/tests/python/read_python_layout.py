"""Loads every key of a SQLite database through Python meteaudata's own SQL backend, as a
Python user would, for the test that Python reads what we write in its layout.

Usage: python read_python_layout.py DB.db OUT.json

For each key: the series name, dtype, index type, zone and frequency, str() of every label,
the values (None for NaN, text for infinities), and the processing history and metadata id, after Python's
TimeSeries has taken the metadata (load_metadata_from_dict rebuilds the index and the dtype).
"""
import json
import sys

import numpy as np
import pandas as pd
from meteaudata import TimeSeries
from meteaudata.storage import StorageConfig, create_backend

db, out = sys.argv[1], sys.argv[2]
backend = create_backend(StorageConfig.for_sql(f"sqlite:///{db}"))
result = {}
for key in backend.list_keys():
    series, metadata = backend.load(key)
    ts = TimeSeries(series=series)
    ts.load_metadata_from_dict(metadata)
    index = ts.series.index
    result[key] = {
        "name": ts.series.name,
        "dtype": str(ts.series.dtype),
        "index_type": type(index).__name__,
        "tz": str(getattr(index, "tz", None)),
        "freq": getattr(index, "freqstr", None),
        "labels": [str(i) for i in index],
        # JSON has no infinities: those as text ("inf", "-inf").
        "values": [
            None if pd.isna(v) else (float(v) if np.isfinite(v) else str(float(v)))
            for v in ts.series.values
        ],
        "steps": [s.description for s in ts.processing_steps],
        "metadata_id": metadata.get("metadata_id"),
    }
with open(out, "w") as f:
    json.dump(result, f)
