"""What the wheel writes, pure Python meteaudata 0.12.1 reads (in a new interpreter that never
imports meteaudata_rs), and the reverse: disk stores, Python's SQL layout, and archives of
datasets processed with the wheel's built-ins."""

import json

import numpy as np
import pandas as pd
from meteaudata import DataProvenance, Dataset, Signal
from meteaudata.storage import StorageConfig
from meteaudata.storage import create_backend as py_create_backend

import meteaudata_rs
from conftest import pure_python, step_facts


def processed_dataset(name="plant"):
    idx = pd.date_range("2024-03-30", periods=96, freq="15min", tz="Europe/Paris")
    raw = pd.Series(10 + np.cos(np.arange(96) / 7.0), index=idx, name="RAW")
    raw.iloc[[5, 6, 7, 50]] = np.nan
    cod = Signal(input_data=raw, name="COD", provenance=DataProvenance(parameter="COD", location="inlet"), units="mg/L")
    flow = Signal(input_data=raw * 3, name="Flow", provenance=DataProvenance(parameter="Flow"), units="mg/L")
    ds = Dataset(name=name, description="d", owner="o", purpose="p", project="q", signals={"COD": cod, "Flow": flow})
    sig = ds.signals["COD#1"]
    sig.process(["COD#1_RAW#1"], meteaudata_rs.resample, "1h")
    sig.process(["COD#1_RESAMPLED#1"], meteaudata_rs.linear_interpolation)
    sig.process(["COD#1_LIN-INT#1"], meteaudata_rs.subset, "2024-03-30 06:00", "2024-03-30 18:00")
    sig.process(["COD#1_SLICE#1"], meteaudata_rs.replace_ranges, [["2024-03-30 08:00", "2024-03-30 09:00"]], "maintenance")
    sig.process(["COD#1_REPLACED-RANGES#1"], meteaudata_rs.predict_from_previous_point)
    ds.process(["COD#1_RAW#1", "Flow#1_RAW#1"], meteaudata_rs.average_signals)
    return ds


def summary(ds):
    """Values (NaN as None), index in UTC nanoseconds, histories: comparable as JSON."""
    out = {}
    for sname, sig in ds.signals.items():
        for tname, ts in sig.time_series.items():
            s = ts.series
            out[tname] = {
                "values": [None if pd.isna(v) else float(v) for v in s.values],
                "index": [int(t.value) for t in s.index.as_unit("ns")],
                "tz": str(s.index.tz),
                "steps": [step_facts(p) for p in ts.processing_steps],
            }
    return json.loads(json.dumps(out, default=str))


READ_SUMMARY = """
import json, pandas as pd
def summary(ds):
    out = {}
    for sname, sig in ds.signals.items():
        for tname, ts in sig.time_series.items():
            s = ts.series
            steps = []
            for p in ts.processing_steps:
                d = p.model_dump(mode="json")
                f = {k: d[k] for k in ("type", "description", "suffix", "input_series_names", "step_distance", "requires_calibration", "parameters")}
                f["function"] = d["function_info"]["name"]
                steps.append(f)
            out[tname] = {"values": [None if pd.isna(v) else float(v) for v in s.values],
                          "index": [int(t.value) for t in s.index.as_unit("ns")], "tz": str(s.index.tz), "steps": steps}
    return json.loads(json.dumps(out, default=str))
"""


def test_an_archive_of_a_dataset_processed_by_the_wheel_loads_in_pure_python(tmp_path):
    ds = processed_dataset()
    ds.save(str(tmp_path))
    theirs = pure_python(READ_SUMMARY + f"""
from meteaudata import Dataset
ds = Dataset.load({str(tmp_path / 'plant.zip')!r}, "plant")
print(json.dumps(summary(ds)))
""")
    ours = summary(ds)
    # Python's archives (CSV) keep instants but turn a named zone into its offset at the first
    # point (upstream, docs/compatibility.md): the zone is compared as that.
    for facts in theirs.values():
        assert facts.pop("tz") == "UTC+01:00"
    for facts in ours.values():
        assert facts.pop("tz") == "Europe/Paris"
    assert theirs == ours
    assert [s["suffix"] for s in ours["COD#1_PREV-PRED#1"]["steps"]] == ["RESAMPLED", "LIN-INT", "SLICE", "REPLACED-RANGES", "PREV-PRED"]
    assert "AVERAGE#1_RAW#1" in ours


def test_a_disk_store_written_by_the_wheel_loads_in_pure_python(tmp_path):
    ds = processed_dataset()
    ds.set_backend(meteaudata_rs.create_backend(StorageConfig.for_pandas_disk(tmp_path)))
    ds.save_all()
    theirs = pure_python(READ_SUMMARY + f"""
import pickle
from meteaudata.storage import StorageConfig, create_backend
b = create_backend(StorageConfig.for_pandas_disk({str(tmp_path)!r}))
out = {{}}
for key in b.list_keys():
    s, m = b.load(key)
    out[key] = {{"values": [None if pd.isna(v) else float(v) for v in s.values],
                 "index": [int(t.value) for t in s.index.as_unit("ns")], "tz": str(s.index.tz),
                 "steps": [st["suffix"] for st in m["processing_steps"]], "freq": s.index.freqstr}}
print(json.dumps(out))
""")
    ours = summary(ds)
    assert len(theirs) == len(ours) == 8
    for name, facts in ours.items():
        t = theirs[f"plant_{name}"]
        assert t["values"] == facts["values"], name
        assert t["index"] == facts["index"] and t["tz"] == facts["tz"], name
        assert t["steps"] == [s["suffix"] for s in facts["steps"]], name
    assert theirs["plant_COD#1_RESAMPLED#1"]["freq"] == "h"


def test_python_s_sql_layout_written_by_the_wheel_loads_in_pure_python(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    ds = processed_dataset()
    ds.set_backend(meteaudata_rs.create_backend(url + "?layout=python"))
    ds.save_all()
    theirs = pure_python(f"""
import json, pandas as pd
from meteaudata.storage import StorageConfig, create_backend
b = create_backend(StorageConfig.for_sql({url!r}))
out = {{}}
for key in b.list_keys():
    s, m = b.load(key)
    out[key] = {{"values": [None if pd.isna(v) else float(v) for v in s.values], "n": len(s),
                 "steps": [st["suffix"] for st in m["processing_steps"]]}}
print(json.dumps(out))
""")
    ours = summary(ds)
    assert len(theirs) == len(ours)
    for name, facts in ours.items():
        signal, series = name.split("_", 1)
        t = theirs[f"plant/{signal}/{series}"]
        assert t["values"] == facts["values"], name
        assert t["steps"] == [s["suffix"] for s in facts["steps"]], name


def test_stores_written_by_pure_python_load_through_the_wheel(tmp_path):
    pure_python(f"""
import json, numpy as np, pandas as pd
from meteaudata import DataProvenance, Dataset, Signal, resample
from meteaudata.storage import StorageConfig, create_backend
raw = pd.Series(np.arange(48.0), index=pd.date_range("2024-01-01", periods=48, freq="10min", tz="UTC"), name="RAW")
sig = Signal(input_data=raw, name="COD_in", provenance=DataProvenance(parameter="COD"), units="mg/L")
ds = Dataset(name="my_plant", description="d", owner="o", purpose="p", project="q", signals={{"COD": sig}})
ds.signals["COD_in#1"].process(["COD_in#1_RAW#1"], resample, "1h")
ds.set_backend(create_backend(StorageConfig.for_pandas_disk({str(tmp_path / 'disk')!r})))
ds.save_all()
ds.set_backend(create_backend(StorageConfig.for_sql({'sqlite:///' + str(tmp_path / 'py.db')!r})))
ds.save_all()
print(json.dumps(True))
""")
    for target in [StorageConfig.for_pandas_disk(tmp_path / "disk"), f"sqlite:///{tmp_path / 'py.db'}?layout=python"]:
        # Underscores in names: the keys Python's save_all used find its files (on disk the
        # file names are all Python recorded; list_keys can only guess how to split them).
        b = meteaudata_rs.create_backend(target)
        assert b.exists("my_plant/COD_in#1/RESAMPLED#1") and b.exists("my_plant/COD_in#1/RAW#1")
        assert len(b.list_keys()) == 2
        s, m = b.load("my_plant/COD_in#1/RESAMPLED#1")
        assert list(s.values) == [2.5 + 6 * i for i in range(8)]
        assert [st["suffix"] for st in m["processing_steps"]] == ["RESAMPLED"]
        assert str(s.index.tz) == "UTC"
    # And Dataset.load_all through the wheel finds them all.
    raw = pd.Series(np.zeros(48), index=pd.date_range("2024-01-01", periods=48, freq="10min", tz="UTC"), name="RAW")
    sig = Signal(input_data=raw, name="COD_in", provenance=DataProvenance(parameter="COD"), units="mg/L")
    ds = Dataset(name="my_plant", description="d", owner="o", purpose="p", project="q", signals={"COD": sig})
    ds.set_backend(meteaudata_rs.create_backend(StorageConfig.for_pandas_disk(tmp_path / "disk")))
    ds.load_all()
    assert list(ds.signals["COD_in#1"].time_series["COD_in#1_RAW#1"].series.values) == list(np.arange(48.0))
