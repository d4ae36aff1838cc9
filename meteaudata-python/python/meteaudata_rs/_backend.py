"""The engine's storage backends with Python meteaudata's backend interface."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple, Union

import pandas as pd
import yaml

from . import _native
from ._arrow import batch_to_series, series_to_batch

# libyaml's emitter and parser when PyYAML has them (the same documents, faster); the dumper is
# the full one, as Python's disk backend's yaml.dump (metadata dicts hold enums).
_Dumper = getattr(yaml, "CDumper", yaml.Dumper)
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The keys of TimeSeries.metadata_dict() (and the engine's own context entry).
_METADATA_KEYS = {"created_on", "index_metadata", "metadata_id", "processing_steps", "values_dtype", "meteaudata_rs"}

# What get_backend_type() answers, in Python meteaudata's words, for each engine backend.
_PYTHON_TYPES = {
    "disk": "pandas-disk",
    "sqlite": "sql",
    "postgresql": "sql",
    "mysql": "sql",
    "memory": "pandas-memory",
}


def _instant(t, zone=None):
    """A range bound as the engine's nanoseconds: a zoned bound as its instant, a naive one as
    a wall-clock time in ``zone`` (the index's) or, on a naive index, as it is; ``None`` stays
    open."""
    if t is None:
        return None
    t = pd.Timestamp(t)
    if t.tz is None and zone:
        t = t.tz_localize(zone)
    return int(t.as_unit("ns").value)


def _metadata(text: str) -> Dict[str, Any]:
    """A metadata document from the engine as a dict (as Python's disk backend reads it)."""
    return yaml.load(text, Loader=_SafeLoader) or {}


def _with_dtype(series: pd.Series, dtype) -> pd.Series:
    """``series`` with the recorded values dtype (Arrow has no pandas dtype of its own:
    nullable Int64 comes back as float64 with NaN)."""
    if dtype and str(series.dtype) != dtype:
        return series.astype(dtype)
    return series


def _already(index: pd.Index, meta) -> bool:
    """Whether a datetime index from the engine already is what ``meta`` describes (zone,
    frequency, name), so that Python meteaudata's ``reconstruct_index``, which rebuilds the
    index point by point, can be skipped."""
    return (
        isinstance(index, pd.DatetimeIndex)
        and meta.type == "DatetimeIndex"
        and (None if index.tz is None else str(index.tz)) == meta.time_zone
        and index.freqstr == meta.frequency
        and index.name == meta.name
    )


class Backend:
    """A storage backend of the Rust engine with Python meteaudata's interface: hand it to
    ``Dataset.set_backend`` (or ``Signal``/``TimeSeries``) as you would one of
    ``meteaudata.storage.create_backend``'s.

    ``save(data, key, metadata)`` and ``load(key) -> (series, metadata)`` take and give what
    Python meteaudata's own backends do: a pandas Series and the dict of
    ``TimeSeries.metadata_dict()``. Keys are the logical ``dataset/signal/series`` on every
    backend (``list_keys`` gives them back that way, also on disk).
    """

    def __init__(self, target: Union[str, Path]):
        self._target = str(target)
        self._store = _native.Store(self._target)
        if self._store.backend_type() == "disk":
            # As Python's disk backend: the directory is there once the backend is.
            Path(self._target).mkdir(parents=True, exist_ok=True)

    # -- Python meteaudata's StorageBackend protocol --------------------------------------
    def save(self, data: pd.Series, key: str, metadata: Dict[str, Any]) -> None:
        """Stores ``data`` and ``metadata`` under ``key``, replacing what was there (atomically:
        a failed save leaves the previous value)."""
        from meteaudata.types import IndexMetadata

        metadata = dict(metadata)
        extra = sorted(set(metadata) - _METADATA_KEYS)
        if extra:
            # The engine stores Python meteaudata's metadata document; other keys would be lost.
            raise ValueError(f"metadata keys {extra} are not part of a TimeSeries' metadata: meteaudata_rs backends store {sorted(_METADATA_KEYS)}")
        metadata.setdefault("processing_steps", [])
        metadata.setdefault("values_dtype", str(data.dtype))
        metadata["index_metadata"] = IndexMetadata.extract_index_metadata(data.index).model_dump()
        text = yaml.dump(metadata, Dumper=_Dumper, default_flow_style=False, allow_unicode=True)
        self._store.save(key, series_to_batch(data), text)

    def load(self, key: str) -> Tuple[pd.Series, Dict[str, Any]]:
        """The series and metadata dict stored under ``key``; ``KeyError`` when there is none."""
        from meteaudata.types import IndexMetadata

        batch, text = self._store.load(key)
        series = batch_to_series(batch)
        metadata = _metadata(text)
        if "index_metadata" in metadata:
            recorded = metadata["index_metadata"]
            if isinstance(series.index, pd.DatetimeIndex) and series.index.freq is None and recorded.get("frequency"):
                # The labels do not follow the recorded frequency (points appended off it): the
                # labels are the truth. Python's reconstruct_index would rebuild the index from
                # the stale frequency instead.
                recorded["frequency"] = None
            index_meta = IndexMetadata(**recorded)
            if not _already(series.index, index_meta):
                series.index = IndexMetadata.reconstruct_index(series.index, index_meta)
        # The recorded dtype, as Python's disk backend gives it.
        series = _with_dtype(series, metadata.get("values_dtype"))
        return series, metadata

    # -- beyond Python meteaudata: series larger than memory ----------------------------------
    def load_range(self, key: str, start=None, end=None) -> Tuple[pd.Series, Dict[str, Any]]:
        """The points of ``key`` with labels in ``[start, end)`` (a datetime index; ``None`` is
        open), and its metadata. Backends with range reads (disk, SQL, object stores) read only
        the blocks that hold them. Bounds are read as pandas reads them when slicing: a naive
        bound on a zoned index is a wall-clock time in its zone."""
        start, end = self._bounds(key, start, end)
        batch, text = self._store.load_range(key, start, end)
        metadata = _metadata(text)
        return _with_dtype(batch_to_series(batch), metadata.get("values_dtype")), metadata

    def iter_chunks(self, key: str, chunk_points: int = 1_000_000, start=None, end=None) -> Iterator[pd.Series]:
        """The points of ``key`` as pandas Series of at most ``chunk_points`` points, in stored
        order (only those in ``[start, end)`` when a bound is given, read as in ``load_range``).
        The backend reads ahead on a thread of its own: memory holds about three chunks, however
        long the series."""
        lo, hi = self._bounds(key, start, end)
        chunks = self._store.scan(key, int(chunk_points), lo, hi)
        for batch in chunks:
            yield _with_dtype(batch_to_series(batch), chunks.values_dtype)

    def _bounds(self, key: str, start, end):
        """Range bounds as the engine's nanoseconds (UTC for a zoned index, wall clock for a
        naive one), naive bounds on a zoned index taken in its zone."""
        if start is None and end is None:
            return None, None
        meta = _metadata(self._store.metadata(key))
        zone = (meta.get("index_metadata") or {}).get("time_zone")
        return _instant(start, zone), _instant(end, zone)

    def append(self, key: str, data: pd.Series) -> None:
        """Adds the points of ``data`` after those stored under ``key`` (same index kind and
        value type; a mismatch is a ``ValueError`` and adds nothing); backends with appends do
        not rewrite the stored points."""
        self._store.append(key, series_to_batch(data))

    def delete(self, key: str) -> None:
        """Deletes ``key``; ``KeyError`` when there is none."""
        self._store.delete(key)

    def exists(self, key: str) -> bool:
        """Whether ``key`` holds a series."""
        return self._store.exists(key)

    def list_keys(self) -> List[str]:
        """Every stored key, sorted."""
        return self._store.list_keys()

    def to_pandas(self, data: pd.Series) -> pd.Series:
        """Series are pandas Series already."""
        return data

    def from_pandas(self, series: pd.Series) -> pd.Series:
        """Series are pandas Series already."""
        return series

    def clear(self) -> None:
        """Removes every stored series; the backend stays usable."""
        self._store.clear()

    def get_backend_type(self) -> str:
        """Python meteaudata's name for this kind of backend (``pandas-disk``, ``sql``,
        ``pandas-memory``, ``object-store``)."""
        return _PYTHON_TYPES.get(self._store.backend_type(), "object-store")

    # -- what Python's disk and SQL backends add ------------------------------------------
    def engine_backend_type(self) -> str:
        """The engine's own name: ``disk``, ``sqlite``, ``postgresql``, ``mysql``, ``object``,
        ``memory``."""
        return self._store.backend_type()

    @property
    def base_path(self) -> Path:
        """The directory of a disk backend."""
        if self._store.backend_type() != "disk":
            raise AttributeError("only a disk backend has a base_path")
        return Path(self._target)

    def get_size_on_disk(self) -> int:
        """Bytes the store occupies (0 when the backend cannot tell)."""
        return self._store.size_on_disk() or 0

    def get_database_size(self) -> int:
        """Bytes the database's tables occupy (SQL backends)."""
        return self.get_size_on_disk()

    def cleanup(self) -> None:
        """Removes a disk store's directory (as Python's disk backend does); other backends are
        cleared."""
        if self._store.backend_type() == "disk":
            shutil.rmtree(self._target, ignore_errors=True)
        else:
            self.clear()

    # A backend is a handle on a store: copies of a dataset (Python meteaudata deep-copies
    # signals before multivariate processing) share it, and a pickled one opens the same store.
    def __copy__(self) -> "Backend":
        return self

    def __deepcopy__(self, memo) -> "Backend":
        return self

    def __reduce__(self):
        if self._store.backend_type() == "memory":
            raise TypeError("a meteaudata_rs memory backend lives in this process: it cannot be pickled")
        return (Backend, (self._target,))

    def __repr__(self) -> str:
        return f"meteaudata_rs.Backend({self._target!r}, {self._store.backend_type()})"


def create_backend(config: Any) -> Backend:
    """The engine backend for ``config``: a ``meteaudata.storage.StorageConfig``, a directory
    path, a SQL URL (``sqlite:///x.db``, ``postgresql://…``, ``mysql://…`` or SQLAlchemy's
    ``mysql+pymysql://…``; ``?layout=python`` for Python meteaudata's SQL tables), an
    object-store URL (``s3://``, ``az://``, ``gs://``, ``file://``, ``memory://``), or
    ``"memory"``."""
    if isinstance(config, (str, Path)):
        return Backend(config)
    kind = getattr(config, "backend_type", None)
    kind = getattr(kind, "value", kind)
    if kind in ("pandas-disk", "polars"):
        if config.base_path is None:
            raise ValueError(f"base_path is required for backend_type='{kind}'")
        return Backend(Path(config.base_path))
    if kind == "sql":
        if not config.connection_string:
            raise ValueError("connection_string is required for backend_type='sql'")
        return Backend(config.connection_string)
    if kind in ("pandas-memory", "memory"):
        return Backend("memory")
    raise ValueError(f"meteaudata_rs has no backend for backend_type={kind!r}")
