"""meteaudata_rs backends through Python meteaudata's backend interface: round trips of every
value and index kind on every backend, the errors Python's backends raise, and the same results
as Python's own disk backend."""

import shutil

import numpy as np
import pandas as pd
import pytest
from meteaudata import DataProvenance, Dataset, Signal, TimeSeries
from meteaudata.storage import StorageConfig, create_backend as python_backend

import meteaudata_rs
from conftest import step_facts, unique

HOURS = pd.date_range("2024-01-01", periods=4, freq="h")


def cases():
    return {
        "float": pd.Series([1.5, np.nan, 3.25, -0.0], index=HOURS, name="A#1_RAW#1"),
        "float-extremes": pd.Series([np.inf, -np.inf, 5e-324, 1.7976931348623157e308], index=HOURS, name="A#1_RAW#1"),
        "paris-dst": pd.Series(np.arange(6.0), index=pd.date_range("2020-10-25 00:00", periods=6, freq="30min", tz="Europe/Paris"), name="A#1_RAW#1"),
        "utc-irregular": pd.Series([1.0, 2.0, 3.0], index=pd.DatetimeIndex(["2024-01-01 00:00:00.000000001", "2024-01-01 00:07", "2024-03-01"], tz="UTC"), name="A#1_RAW#1"),
        "int": pd.Series([1, -2, 2**62], index=HOURS[:3], name="A#1_RAW#1", dtype="int64"),
        "nullable-int": pd.Series([1, None, 3], index=HOURS[:3], name="A#1_RAW#1", dtype="Int64"),
        "bool": pd.Series([True, False, True], index=HOURS[:3], name="A#1_RAW#1"),
        "text": pd.Series(["a", "b", "é ☃"], index=HOURS[:3], name="A#1_RAW#1", dtype=object),
        "range-index": pd.Series([1.0, 2.0, 3.0], name="A#1_RAW#1"),
        "int-index": pd.Series([1.0, 2.0, 3.0], index=pd.Index([10, 20, 40]), name="A#1_RAW#1"),
        "timedelta-index": pd.Series([1.0, 2.0, 3.0], index=pd.timedelta_range(0, periods=3, freq="10min"), name="A#1_RAW#1"),
        "empty": pd.Series([], index=pd.DatetimeIndex([]), name="A#1_RAW#1", dtype="float64"),
        "float32": pd.Series([1.5, np.nan, 3.0], index=HOURS[:3], name="A#1_RAW#1", dtype="float32"),
        "str-dtype": pd.Series(["a", None, "c"], index=HOURS[:3], name="A#1_RAW#1", dtype="str"),
        "category": pd.Series(pd.Categorical(["lo", "hi", None, "lo"]), index=HOURS, name="A#1_RAW#1"),
        "category-index": pd.Series([1.0, 2.0, 3.0], index=pd.CategoricalIndex(["b", "a", "b"], ordered=True), name="A#1_RAW#1"),
        "period-index": pd.Series([1.0, 2.0], index=pd.period_range("2024-01", periods=2, freq="M"), name="A#1_RAW#1"),
    }


# What the engine cannot hold as it is: a TypeError, never a changed series.
REFUSED = {
    "ordered-category": pd.Series(pd.Categorical(["lo", "hi"], ordered=True), index=HOURS[:2], name="A#1_RAW#1"),
    "int-categories": pd.Series(pd.Categorical([1, 2, 1]), index=HOURS[:3], name="A#1_RAW#1"),
    "int-category-index": pd.Series([1.0, 2.0, 3.0], index=pd.CategoricalIndex([1, 2, 1]), name="A#1_RAW#1"),
    "bool-index": pd.Series([1.0, 2.0], index=pd.Index([True, False]), name="A#1_RAW#1"),
    "object-index-of-ints": pd.Series([1.0, 2.0], index=pd.Index([1, 2], dtype=object), name="A#1_RAW#1"),
    "object-values-of-ints": pd.Series([1, "a"], index=HOURS[:2], name="A#1_RAW#1", dtype=object),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_the_engine_cannot_hold_is_refused(tmp_path, case):
    backend = meteaudata_rs.create_backend(tmp_path)
    series = REFUSED[case]
    with pytest.raises(TypeError):
        backend.save(series, "d/A#1/RAW#1", TimeSeries(series=series).metadata_dict())
    assert not backend.exists("d/A#1/RAW#1")


# Python's SQL layout holds one REAL per point and the label as text: text values and integers
# beyond 2^53 do not fit (the engine refuses them rather than lose them).
NOT_IN_PYTHON_SQL = {"text", "int", "str-dtype", "category"}


def round_trip(backend, key, series):
    ts = TimeSeries(series=series.copy())
    backend.save(ts.series, key, ts.metadata_dict())
    loaded, metadata = backend.load(key)
    back = TimeSeries(series=loaded)
    back.load_metadata_from_dict(metadata)  # what Dataset.load_all does with them
    return ts, back


@pytest.mark.parametrize("case", sorted(cases()))
def test_round_trip(target, dataset_name, case):
    backend = meteaudata_rs.create_backend(target)
    series = cases()[case]
    key = f"{dataset_name}/A#1/{case}"
    if target.endswith("layout=python") and case in NOT_IN_PYTHON_SQL:
        with pytest.raises(ValueError):
            backend.save(series, key, TimeSeries(series=series).metadata_dict())
        assert not backend.exists(key)
        return
    ts, back = round_trip(backend, key, series)
    raw, _ = backend.load(key)  # what the backend gives, before Python's load_metadata_from_dict
    # Unordered categories may come back in another order (the values are the same; see
    # docs/compatibility.md).
    same_order = case != "category"
    pd.testing.assert_series_equal(raw, ts.series, check_freq=True, check_categorical=same_order)
    pd.testing.assert_series_equal(back.series, ts.series, check_freq=True, check_categorical=same_order)
    if not same_order:
        assert list(raw.astype(object)) == list(ts.series.astype(object))
    assert back.series.index.freq == ts.series.index.freq if hasattr(ts.series.index, "freq") else True
    assert back.values_dtype == ts.values_dtype
    assert back.index_metadata == ts.index_metadata
    assert backend.exists(key)
    backend.delete(key)
    assert not backend.exists(key)


def test_same_as_python_disk_backend(tmp_path):
    ours = meteaudata_rs.create_backend(StorageConfig.for_pandas_disk(tmp_path / "ours"))
    theirs = python_backend(StorageConfig.for_pandas_disk(tmp_path / "theirs"))
    for name, series in cases().items():
        key = f"plant/A#1/{name}"
        for b in (ours, theirs):
            ts = TimeSeries(series=series.copy())
            b.save(ts.series, key, ts.metadata_dict())
        s1, m1 = ours.load(key)
        s2, m2 = theirs.load(key)
        # Text: Python's backend gives pandas' str dtype from Parquet, ours the recorded
        # object dtype; Dataset.load_all casts both to the recorded one. A TimedeltaIndex keeps
        # its frequency with ours; Python's disk backend drops it. Parquet has no seconds unit:
        # Python's gives milliseconds for an index in seconds (the empty case), ours seconds.
        pd.testing.assert_series_equal(
            s1,
            s2,
            check_categorical=name != "category",  # unordered categories may change order
            check_index_type=name != "empty",
            check_dtype=name != "text",
            check_freq=name != "timedelta-index",
        )
        if name == "empty":
            assert s1.index.dtype == series.index.dtype
        if name == "timedelta-index":
            assert s1.index.freq == series.index.freq and s2.index.freq is None
        assert m1["index_metadata"] == m2["index_metadata"], name
        assert m1["values_dtype"] == m2["values_dtype"], name
        assert m1["processing_steps"] == m2["processing_steps"] == []
    # The same files: Python's sanitised names, a Parquet file and a YAML file per key (ours
    # adds hidden bookkeeping: a lock file, versions).
    def visible(d):
        return sorted(p.name for p in d.iterdir() if not p.name.startswith("."))

    assert visible(tmp_path / "ours") == visible(tmp_path / "theirs")
    # Keys: ours are logical; Python's disk backend lists the file names.
    assert [k.replace("/", "_") for k in ours.list_keys()] == theirs.list_keys()


def test_backend_protocol(target, dataset_name):
    backend = meteaudata_rs.create_backend(target)
    key = f"{dataset_name}/A#1/RAW#1"
    with pytest.raises(KeyError, match="RAW#1"):
        backend.load(key)
    with pytest.raises(KeyError):
        backend.delete(key)
    assert backend.exists(key) is False
    series = cases()["float"]
    backend.save(series, key, TimeSeries(series=series).metadata_dict())
    other = f"{dataset_name}/A#1/RAW#2"
    backend.save(series, other, TimeSeries(series=series).metadata_dict())
    mine = [k for k in backend.list_keys() if k.startswith(dataset_name + "/")]
    assert mine == sorted([key, other])
    assert backend.get_backend_type() in ("pandas-disk", "sql", "pandas-memory", "object-store")
    assert backend.to_pandas(series) is series and backend.from_pandas(series) is series
    backend.delete(key)
    backend.delete(other)
    assert [k for k in backend.list_keys() if k.startswith(dataset_name + "/")] == []


def test_metadata_documents(tmp_path):
    """Any part of a TimeSeries' metadata may be missing (as with Python's backends); a key
    that is not part of it would be lost, so it is refused."""
    backend = meteaudata_rs.create_backend(tmp_path)
    series = cases()["float"]
    backend.save(series, "d/A#1/RAW#1", {})
    loaded, metadata = backend.load("d/A#1/RAW#1")
    pd.testing.assert_series_equal(loaded, series, check_freq=True)
    assert metadata["processing_steps"] == [] and metadata["values_dtype"] == "float64"
    with pytest.raises(ValueError, match="operator"):
        backend.save(series, "d/A#1/RAW#2", {**TimeSeries(series=series).metadata_dict(), "operator": "me"})
    assert not backend.exists("d/A#1/RAW#2")


def test_bad_keys_are_value_errors(tmp_path):
    backend = meteaudata_rs.create_backend(tmp_path)
    series = cases()["float"]
    for bad in ["", "a//b", "../escape", "a/../../b"]:
        with pytest.raises(ValueError):
            backend.save(series, bad, TimeSeries(series=series).metadata_dict())
    assert not any(tmp_path.parent.glob("escape*"))


@pytest.mark.parametrize("target", ["disk", "sqlite", "memory"], indirect=True)
def test_clear_keeps_the_store_usable(target):
    backend = meteaudata_rs.create_backend(target)
    series = cases()["float"]
    for i in range(3):
        backend.save(series, f"d/A#1/RAW#{i + 1}", TimeSeries(series=series).metadata_dict())
    assert len(backend.list_keys()) == 3
    backend.clear()
    assert backend.list_keys() == []
    backend.save(series, "d/A#1/RAW#1", TimeSeries(series=series).metadata_dict())
    assert backend.list_keys() == ["d/A#1/RAW#1"]


def test_damaged_data_is_never_read_as_good(tmp_path):
    backend = meteaudata_rs.create_backend(tmp_path)
    series = cases()["float"]
    backend.save(series, "d/A#1/RAW#1", TimeSeries(series=series).metadata_dict())
    (data,) = tmp_path.glob("*.parquet")
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    data.write_bytes(bytes(raw))
    with pytest.raises(meteaudata_rs.CorruptDataError) as e:
        backend.load("d/A#1/RAW#1")
    assert isinstance(e.value, ValueError) and not isinstance(e.value, KeyError)


def test_a_failed_save_keeps_what_was_saved(tmp_path):
    backend = meteaudata_rs.create_backend(f"sqlite:///{tmp_path / 'x.db'}?layout=python")
    good = cases()["float"]
    backend.save(good, "d/A#1/RAW#1", TimeSeries(series=good).metadata_dict())
    with pytest.raises(ValueError):
        text = cases()["text"]
        backend.save(text, "d/A#1/RAW#1", TimeSeries(series=text).metadata_dict())
    loaded, _ = backend.load("d/A#1/RAW#1")
    pd.testing.assert_series_equal(loaded, good, check_freq=False)


# Python's SQL layout: test_interop writes a processed dataset there.
@pytest.mark.parametrize("target", ["disk", "sqlite", "memory", "postgresql", "mysql", "s3", "azure"], indirect=True)
def test_dataset_round_trip_with_history(target, dataset_name):
    """save_all / load_all of a processed dataset: values and histories come back."""
    raw = pd.Series(np.sin(np.arange(48) / 5.0), index=pd.date_range("2024-01-01", periods=48, freq="10min"), name="RAW")
    raw.iloc[[3, 4, 20]] = np.nan
    sig = Signal(input_data=raw, name="COD", provenance=DataProvenance(parameter="COD"), units="mg/L")
    ds = Dataset(name=dataset_name, description="d", owner="o", purpose="p", project="q", signals={"COD": sig})
    ds.set_backend(meteaudata_rs.create_backend(target))
    sig = ds.signals["COD#1"]
    sig.process(["COD#1_RAW#1"], meteaudata_rs.resample, "30min")
    sig.process(["COD#1_RESAMPLED#1"], meteaudata_rs.linear_interpolation)
    ds.save_all()
    expected = {n: (ts.series.copy(), [step_facts(s) for s in ts.processing_steps]) for n, ts in sig.time_series.items()}
    for ts in sig.time_series.values():
        ts.series = pd.Series([0.0])
        ts.processing_steps = []
    ds.load_all()
    for name, (series, steps) in expected.items():
        ts = sig.time_series[name]
        pd.testing.assert_series_equal(ts.series, series, check_freq=True)
        assert [step_facts(s) for s in ts.processing_steps] == steps
