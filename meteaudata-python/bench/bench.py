"""Python meteaudata 0.12.1 with its own backends and built-ins vs with meteaudata_rs, at
10^5, 10^6 and 10^7 points: disk and SQLite save and load (Python meteaudata's backend
interface), resample to 5 minutes and linear interpolation (the built-ins' interface).

    python meteaudata-python/bench/bench.py [--points 100000,1000000,10000000] [--repeat 3]

One-minute float64 data with 10% missing values. Each figure is the best of ``--repeat`` runs
(seconds, wall clock), in one process; a step that raises is reported as ``fails`` with the
time it took to fail. Python meteaudata's SQLite backend fails from about 62 000 points after
building every row in memory (about 2 GB and a minute at 10^6): it is run once, and not at all
above 10^6 points (it would need some 20 GB).
"""

import argparse
import gc
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from meteaudata import TimeSeries
from meteaudata.processing_steps.univariate.interpolate import linear_interpolation
from meteaudata.processing_steps.univariate.resample import resample
from meteaudata.storage import StorageConfig
from meteaudata.storage import create_backend as python_backend

import meteaudata_rs

warnings.simplefilter("ignore")


def series(n):
    rng = np.random.default_rng(1)
    values = rng.normal(10.0, 2.0, n)
    values[rng.random(n) < 0.1] = np.nan
    return pd.Series(values, index=pd.date_range("2020-01-01", periods=n, freq="min"), name="COD#1_RAW#1")


def best(f, repeat):
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def timed(f, repeat):
    t = time.perf_counter()
    try:
        return f"{best(f, repeat):.3f}"
    except Exception as e:  # noqa: BLE001 (reported, not hidden)
        return f"fails after {time.perf_counter() - t:.1f} s ({type(e).__name__})"


PYTHON_SQLITE_LIMIT = 1_000_000


def storage(make_backend, s, repeat):
    if make_backend is None:
        return "not run", "—"
    root = Path(tempfile.mkdtemp(prefix="mdrs-bench-"))
    try:
        backend = make_backend(root)
        metadata = TimeSeries(series=s).metadata_dict()
        save = timed(lambda: backend.save(s, "bench/COD#1/RAW#1", dict(metadata)), repeat)
        load = timed(lambda: backend.load("bench/COD#1/RAW#1"), repeat) if not save.startswith("fails") else "—"
        return save, load
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", default="100000,1000000,10000000")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for n in (int(p) for p in args.points.split(",")):
        s = series(n)
        r = max(1, args.repeat if n <= 1_000_000 else 1)
        python_sqlite = None
        if n <= PYTHON_SQLITE_LIMIT:
            python_sqlite = lambda root: python_backend(StorageConfig.for_sql(f"sqlite:///{root / 'b.db'}"))  # noqa: E731
        for engine, disk, sqlite, res, interp in [
            ("Python meteaudata", lambda root: python_backend(StorageConfig.for_pandas_disk(root)),
             python_sqlite, resample, linear_interpolation),
            ("meteaudata_rs", lambda root: meteaudata_rs.create_backend(StorageConfig.for_pandas_disk(root)),
             lambda root: meteaudata_rs.create_backend(StorageConfig.for_sql(f"sqlite:///{root / 'b.db'}")),
             meteaudata_rs.resample, meteaudata_rs.linear_interpolation),
        ]:
            d_save, d_load = storage(disk, s, r)
            q_save, q_load = storage(sqlite, s, 1 if engine.startswith("Python") else r)
            rows.append((f"{n:.0e}".replace("e+0", "e"), engine, d_save, d_load, q_save, q_load,
                         timed(lambda: res([s], "5min"), r), timed(lambda: interp([s]), r)))
            print(" | ".join(rows[-1]), flush=True)
    print()
    print("| points | engine | disk save | disk load | SQLite save | SQLite load | resample 5min | interpolate |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
