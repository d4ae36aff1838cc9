"""What the wheel adds to Python meteaudata's interface: range reads, appends and chunked
scans (series larger than memory), and CSV files read as pandas reads them."""

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from meteaudata import TimeSeries

import meteaudata_rs

MINUTES = 200_000


def minutes(n, start="2024-01-01", tz="UTC"):
    return pd.Series(np.arange(n, dtype="float64") / 7.0, index=pd.date_range(start, periods=n, freq="min", tz=tz), name="A#1_RAW#1")


@pytest.mark.parametrize("target", ["disk", "sqlite", "memory", "postgresql", "mysql", "s3"], indirect=True)
def test_range_reads_appends_and_chunks(target, dataset_name):
    b = meteaudata_rs.create_backend(target)
    key = f"{dataset_name}/A#1/RAW#1"
    full = minutes(MINUTES)
    first, rest = full.iloc[:150_000], full.iloc[150_000:]
    b.save(first, key, TimeSeries(series=first).metadata_dict())
    b.append(key, rest)
    loaded, _ = b.load(key)
    pd.testing.assert_series_equal(loaded, full, check_freq=True)

    start, end = pd.Timestamp("2024-01-02 03:00", tz="UTC"), pd.Timestamp("2024-01-05 00:00", tz="UTC")
    window, meta = b.load_range(key, start, end)
    expected = full[(full.index >= start) & (full.index < end)]
    pd.testing.assert_series_equal(window, expected, check_freq=False)
    assert meta["values_dtype"] == "float64"

    chunks = list(b.iter_chunks(key, chunk_points=30_000))
    assert all(len(c) <= 30_000 for c in chunks) and len(chunks) >= 7
    pd.testing.assert_series_equal(pd.concat(chunks), full, check_freq=False)
    inside = pd.concat(list(b.iter_chunks(key, chunk_points=10_000, start=start, end=end)))
    pd.testing.assert_series_equal(inside, expected, check_freq=False)

    with pytest.raises(KeyError):
        next(iter(b.iter_chunks(f"{dataset_name}/A#1/RAW#9")))
    text = pd.Series(["x"], index=pd.date_range("2025-01-01", periods=1, tz="UTC"), name="A#1_RAW#1", dtype=object)
    with pytest.raises(ValueError):
        b.append(key, text)  # another value type
    assert len(b.load(key)[0]) == MINUTES  # and nothing was added
    b.delete(key)


def test_scanning_a_long_series_keeps_memory_bounded(tmp_path):
    """10^7 points (160 MB as a pandas Series) scanned in a new process 10^5 points at a
    time: the peak resident memory grows by much less than the series."""
    b = meteaudata_rs.create_backend(tmp_path)
    n, part = 10_000_000, 1_000_000
    for i in range(0, n, part):
        s = pd.Series(np.full(part, 1.0), index=pd.date_range("2000-01-01", periods=n, freq="s", tz="UTC")[i:i + part], name="A#1_RAW#1")
        if i == 0:
            b.save(s, "big/A#1/RAW#1", TimeSeries(series=s).metadata_dict())
        else:
            b.append("big/A#1/RAW#1", s)
    code = f"""
import json, resource, meteaudata_rs
b = meteaudata_rs.create_backend({str(tmp_path)!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
total = count = 0
for chunk in b.iter_chunks("big/A#1/RAW#1", chunk_points=100_000):
    total += float(chunk.sum()); count += len(chunk)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([total, count, (after - before) / 1024]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    total, count, grown_mib = json.loads(out.stdout.strip().splitlines()[-1])
    assert (total, count) == (float(n), n)
    assert grown_mib < 60, f"scanning grew the process by {grown_mib:.0f} MiB (the series is 160 MB)"


CSV = """Zeit;Durchfluss;Temperatur;Status
2021-10-31 01:30;1,5;12,0;ok
2021-10-31 02:30;2,5;N/A;ok
2021-10-31 02:30;3,5;11,5;maintenance
2021-10-31 03:30;4,5;11,0;ok
"""


def test_read_csv_as_pandas_reads_it(tmp_path):
    path = tmp_path / "plant.csv"
    path.write_text(CSV, encoding="utf-8")
    ours = meteaudata_rs.read_csv(path, tz="Europe/Paris", ambiguous="infer")
    assert list(ours) == ["Durchfluss", "Temperatur", "Status"]
    frame = pd.read_csv(path, sep=";", decimal=",", index_col="Zeit", parse_dates=True)
    frame.index = frame.index.tz_localize("Europe/Paris", ambiguous="infer")
    for name, series in ours.items():
        expected = frame[name]
        assert list(series.index.as_unit("ns").asi8) == list(expected.index.as_unit("ns").asi8), name
        assert str(series.index.tz) == "Europe/Paris"
        if name == "Status":
            assert list(series.values) == list(expected.values)
        else:
            np.testing.assert_array_equal(series.to_numpy(dtype=float), expected.to_numpy(dtype=float))
    with pytest.raises(ValueError, match="ambiguous|repeat|02:30"):
        meteaudata_rs.read_csv(path, tz="Europe/Paris")  # ambiguous="raise", as pandas
    with pytest.raises(FileNotFoundError):
        meteaudata_rs.read_csv(tmp_path / "missing.csv")


def test_an_append_off_the_frequency_drops_it(tmp_path):
    b = meteaudata_rs.create_backend(tmp_path)
    hourly = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2024-01-01", periods=3, freq="h"), name="A#1_RAW#1")
    b.save(hourly, "d/A#1/RAW#1", TimeSeries(series=hourly).metadata_dict())
    b.append("d/A#1/RAW#1", pd.Series([4.0], index=pd.DatetimeIndex(["2024-01-01 07:13"]), name="A#1_RAW#1"))
    loaded, _ = b.load("d/A#1/RAW#1")
    assert loaded.index.freq is None
    assert list(loaded.index.shift(1, freq="min").strftime("%H:%M")) == ["00:01", "01:01", "02:01", "07:14"]


def test_naive_bounds_on_a_zoned_index_are_wall_clock_times(tmp_path):
    b = meteaudata_rs.create_backend(tmp_path)
    paris = minutes(600, start="2024-03-30 22:00", tz="Europe/Paris")
    b.save(paris, "d/A#1/RAW#1", TimeSeries(series=paris).metadata_dict())
    window, _ = b.load_range("d/A#1/RAW#1", "2024-03-31 01:00", "2024-03-31 04:00")
    expected = paris.loc["2024-03-31 01:00":"2024-03-31 03:59:59"]
    pd.testing.assert_series_equal(window, expected, check_freq=False)
    nullable = pd.Series([1, None, 3], index=pd.date_range("2024-01-01", periods=3, freq="h"), name="A#1_RAW#2", dtype="Int64")
    b.save(nullable, "d/A#1/RAW#2", TimeSeries(series=nullable).metadata_dict())
    assert str(b.load_range("d/A#1/RAW#2", "2024-01-01", "2024-01-02")[0].dtype) == "Int64"
    assert {str(c.dtype) for c in b.iter_chunks("d/A#1/RAW#2", chunk_points=1)} == {"Int64"}
