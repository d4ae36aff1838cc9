"""Reads a JSON list of {"kind": "signal"|"dataset", "yaml": text} on stdin and checks that
Python meteaudata 0.12.1 accepts each document the way its loaders do: yaml.safe_load, the
loader's required keys, then the pydantic model (Signal(**d) / Dataset(**d)). Prints one JSON
object per case: {"ok": bool, "error": str, "names": [...], "steps": int, "redump": yaml}."""
import json
import sys

import yaml
from meteaudata import Dataset, Signal

TS_KEYS = ("processing_steps", "index_metadata", "values_dtype")


def check_signal(d):
    assert "time_series" in d, "missing time_series"
    for key, ts in d["time_series"].items():
        for k in TS_KEYS:
            assert k in ts, f"{key}: missing {k}"
    s = Signal(**d)
    steps = sum(len(ts.processing_steps) for ts in s.time_series.values())
    return sorted(s.time_series.keys()), steps, yaml.dump(s.metadata_dict())


def check_dataset(d):
    assert "name" in d and "signals" in d, "missing name or signals"
    for sig in d["signals"].values():
        check_signal(sig)
    ds = Dataset(**d)
    steps = sum(
        len(ts.processing_steps)
        for s in ds.signals.values()
        for ts in s.time_series.values()
    )
    return sorted(ds.signals.keys()), steps, yaml.dump(ds.metadata_dict())


def main():
    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        try:
            d = yaml.safe_load(case["yaml"])
            fn = check_signal if case["kind"] == "signal" else check_dataset
            names, steps, redump = fn(d)
            out.append({"ok": True, "error": "", "names": names, "steps": steps, "redump": redump})
        except Exception as e:  # noqa: BLE001 - report every failure to the Rust side
            out.append({"ok": False, "error": f"{type(e).__name__}: {e}", "names": [], "steps": 0, "redump": ""})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
