"""Shared fixtures of the meteaudata_rs tests.

The server backends come from the environment, as for the Rust tests: ``METEAUDATA_PG_URL``,
``METEAUDATA_MYSQL_URL``, ``METEAUDATA_S3_URL``, ``METEAUDATA_AZURE_URL``. A missing one skips
its tests with a message, except under ``CI=true``, where it is a failure.
"""

import json
import os
import subprocess
import sys
import uuid

import numpy as np
import pandas as pd
import pytest

SERVERS = {
    "postgresql": "METEAUDATA_PG_URL",
    "mysql": "METEAUDATA_MYSQL_URL",
    "s3": "METEAUDATA_S3_URL",
    "azure": "METEAUDATA_AZURE_URL",
}

# Every engine backend the wheel reaches; "local" ones are private to a test.
TARGETS = ["disk", "sqlite", "sqlite-python-layout", "memory", "postgresql", "mysql", "s3", "azure"]


def server_url(name):
    var = SERVERS[name]
    url = os.environ.get(var)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{var} is not set: under CI the {name} backend must be tested")
        pytest.skip(f"{var} is not set: the {name} backend is not tested")
    return url


def unique(prefix="t"):
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def target(request, tmp_path):
    """A backend target (path or URL) for the backend named by the test's parameter. Server
    databases are shared: tests there use keys of their own (see ``dataset_name``)."""
    kind = request.param
    if kind == "disk":
        return str(tmp_path / "store")
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    if kind == "sqlite-python-layout":
        return f"sqlite:///{tmp_path / 'python.db'}?layout=python"
    if kind == "memory":
        return "memory"
    url = server_url(kind)
    if kind in ("s3", "azure"):
        return f"{url.rstrip('/')}/{unique('pytest-')}"
    return url


def pytest_generate_tests(metafunc):
    explicit = any(
        m.name == "parametrize" and "target" in str(m.args[0]) for m in metafunc.definition.iter_markers()
    )
    if "target" in metafunc.fixturenames and not explicit:
        metafunc.parametrize("target", TARGETS, indirect=True)


@pytest.fixture
def dataset_name():
    """A dataset name no other test (or run) uses, for keys on shared servers."""
    return unique("ds")


def pure_python(code: str):
    """Runs ``code`` in a new interpreter of this environment without meteaudata_rs (it must
    not even be imported), and returns the JSON it prints last."""
    guard = "\nimport sys\nassert 'meteaudata_rs' not in sys.modules, 'meteaudata_rs was imported'\n"
    out = subprocess.run(
        [sys.executable, "-c", code + guard],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def step_facts(step, *, function_name=True):
    """What two implementations of a built-in must record alike: everything but the run time
    and the implementation's identity (version, author, reference, source)."""
    d = step.model_dump(mode="json")
    facts = {k: d[k] for k in ("type", "description", "suffix", "input_series_names", "step_distance", "requires_calibration", "parameters")}
    if function_name:
        facts["function"] = d["function_info"]["name"]
    return facts


def temperature_series(n=3):
    return pd.Series(
        [20.5, 21.0, 20.8][:n] if n <= 3 else np.linspace(15.0, 25.0, n),
        index=pd.date_range("2024-01-01", periods=n, freq="1h"),
        name="RAW",
    )
