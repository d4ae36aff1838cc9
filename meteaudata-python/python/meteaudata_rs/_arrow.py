"""pandas Series <-> Arrow record batches, the form in which series cross into the Rust engine.

A series becomes a two-column batch: the index (named after it, or ``__index_level_0__``),
then the values (named after the series). The schema metadata says what Arrow types alone
cannot: the index kind, a RangeIndex's bounds, the frequency, category order. Numeric and time
columns are handed over without a Python object per point (without a copy where pyarrow can
wrap the NumPy buffer); text goes through pandas' object arrays. What the engine cannot hold
as it is (non-text objects, a boolean index, ordered categorical values, categories that are
not text) is a TypeError, never a silent change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

KIND = "meteaudata:index_kind"
FREQUENCY = "meteaudata:frequency"
RANGE = "meteaudata:range"
ORDERED = "meteaudata:ordered"
UNNAMED_INDEX = "__index_level_0__"


def _all_text(values) -> bool:
    """Whether every non-missing value is a ``str`` (pandas' str dtype, or objects that are)."""
    if pd.api.types.is_string_dtype(getattr(values, "dtype", None)) and not pd.api.types.is_object_dtype(values.dtype):
        return True
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def _strings(values, what: str) -> pa.Array:
    """Text as Arrow strings; anything that is not text is a TypeError (the engine would only
    keep its text form, and Python would get different values back)."""
    if not _all_text(values):
        raise TypeError(f"{what} holds {pd.api.types.infer_dtype(values, skipna=True)} objects, not text: meteaudata_rs stores text, numbers, booleans and times")
    return pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)


def _dictionary(cat: pd.Categorical, what: str) -> pa.Array:
    if not _all_text(cat.categories):
        raise TypeError(f"{what}: categories must be text for meteaudata_rs (got {cat.categories.dtype}); use .astype(str) first")
    codes = pa.array(np.asarray(cat.codes, dtype=np.int32), mask=np.asarray(cat.codes) < 0)
    return pa.DictionaryArray.from_arrays(codes, _strings(cat.categories, what))


def _index_array(idx: pd.Index, meta: dict) -> pa.Array:
    if isinstance(idx, pd.RangeIndex):
        meta[KIND] = "range"
        meta[RANGE] = f"{idx.start},{idx.stop},{idx.step}"
        return pa.array(np.arange(idx.start, idx.stop, idx.step, dtype=np.int64))
    if isinstance(idx, pd.DatetimeIndex):
        meta[KIND] = "datetime"
        return pa.array(idx)  # in its own unit: the engine converts to nanoseconds
    if isinstance(idx, pd.TimedeltaIndex):
        meta[KIND] = "timedelta"
        return pa.array(idx.as_unit("ns"), type=pa.duration("ns"))
    if isinstance(idx, pd.CategoricalIndex):
        meta[KIND] = "categorical"
        meta[ORDERED] = "true" if idx.ordered else "false"
        return _dictionary(idx.values, "the index")
    if isinstance(idx, pd.PeriodIndex):
        meta[KIND] = "period"
        return pa.array(np.asarray(idx.astype(str), dtype=object), type=pa.string())
    if pd.api.types.is_bool_dtype(idx.dtype):
        raise TypeError("a boolean index is not supported by meteaudata_rs")
    if pd.api.types.is_object_dtype(idx.dtype) or pd.api.types.is_string_dtype(idx.dtype):
        meta[KIND] = "string"
        return _strings(idx, "the index")
    if pd.api.types.is_integer_dtype(idx.dtype):
        meta[KIND] = "int"
        return pa.array(np.asarray(idx, dtype=np.int64))
    if pd.api.types.is_float_dtype(idx.dtype):
        meta[KIND] = "float"
        return pa.array(np.asarray(idx, dtype=np.float64))
    raise TypeError(f"index type {type(idx).__name__} ({idx.dtype}) is not supported by meteaudata_rs")


def _values_array(s: pd.Series) -> pa.Array:
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        if dtype.ordered:
            raise TypeError("ordered categorical values are not supported by meteaudata_rs (their order would be lost); use .cat.as_unordered() or .astype(str)")
        return _dictionary(s.array, f"series {s.name!r}")
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return pa.array(s.dt.as_unit("ns"))
    if pd.api.types.is_bool_dtype(dtype):
        return pa.array(s, type=pa.bool_(), from_pandas=True)
    if pd.api.types.is_integer_dtype(dtype):
        if isinstance(dtype, np.dtype) and dtype.itemsize == 4 and dtype.kind == "i":
            return pa.array(s.to_numpy(), type=pa.int32())
        return pa.array(s, type=pa.int64(), from_pandas=True)
    if pd.api.types.is_float_dtype(dtype):
        if isinstance(dtype, np.dtype) and dtype == np.float32:
            return pa.array(s.to_numpy(), type=pa.float32())
        # NaN stays NaN (a float), as in pandas; it is not turned into a null.
        return pa.array(s.to_numpy(dtype=np.float64, na_value=np.nan), type=pa.float64())
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        return _strings(s, f"series {s.name!r}")
    raise TypeError(f"values of dtype {dtype} are not supported by meteaudata_rs")


def series_to_batch(series: pd.Series) -> pa.RecordBatch:
    """The record batch of ``series`` (index column, then values)."""
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series, got {type(series).__name__}")
    meta: dict = {}
    index = _index_array(series.index, meta)
    freq = getattr(series.index, "freqstr", None) if getattr(series.index, "freq", None) is not None else None
    if freq is not None:
        meta[FREQUENCY] = freq
    values = _values_array(series)
    index_name = UNNAMED_INDEX if series.index.name is None else str(series.index.name)
    name = "" if series.name is None else str(series.name)
    schema = pa.schema([pa.field(index_name, index.type), pa.field(name, values.type)], metadata=meta)
    return pa.RecordBatch.from_arrays([index, values], schema=schema)


def _index_from(col: pa.Array, kind: str, meta: dict, name):
    freq = meta.get(FREQUENCY)
    if kind == "range":
        start, stop, step = (int(p) for p in meta[RANGE].split(","))
        return pd.RangeIndex(start, stop, step, name=name)
    if kind == "datetime" or pa.types.is_timestamp(col.type):
        idx = pd.DatetimeIndex(col.to_pandas()).rename(name)
    elif kind == "timedelta" or pa.types.is_duration(col.type):
        idx = pd.TimedeltaIndex(col.to_pandas()).rename(name)
    elif kind == "categorical":
        return pd.CategoricalIndex(col.to_pandas(), ordered=meta.get(ORDERED) == "true").rename(name)
    elif kind == "period":
        return pd.PeriodIndex(col.to_pylist(), freq=freq, name=name)
    elif kind == "string":
        return pd.Index(col.to_numpy(zero_copy_only=False), dtype=object, name=name)
    else:
        return pd.Index(col.to_numpy(zero_copy_only=False), name=name)
    if freq is not None:
        _set_freq(idx, freq)
    return idx


def _set_freq(idx, freq: str) -> None:
    """Gives ``idx`` the frequency the engine recorded, when its labels follow it. For a fixed
    step (``min``, ``h``, ``s``…) the check is one NumPy pass over the labels and the frequency
    is set directly; pandas' public setter, used otherwise, infers the frequency of every label
    again (8 ms per 10^6 points). A frequency the labels do not follow is not set."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
        if isinstance(offset, pd.tseries.offsets.Tick) and hasattr(type(idx), "_freq"):
            nanos = idx.as_unit("ns").asi8
            if len(nanos) < 2 or bool((np.diff(nanos) == offset.nanos).all()):
                idx._freq = offset
            return
    except (AttributeError, TypeError, ValueError):
        pass
    try:
        idx.freq = freq
    except ValueError:
        pass  # the labels do not follow it (pandas would not keep it either)


def batch_to_series(batch: pa.RecordBatch) -> pd.Series:
    """The pandas Series of a batch from the engine."""
    meta = {k.decode(): v.decode() for k, v in (batch.schema.metadata or {}).items()}
    index_field = batch.schema.field(0)
    index_name = None if index_field.name == UNNAMED_INDEX else index_field.name
    index = _index_from(batch.column(0), meta.get(KIND, ""), meta, index_name)
    col = batch.column(1)
    if pa.types.is_floating(col.type) and col.null_count == 0:
        values = col.to_numpy(zero_copy_only=False)
    else:
        values = col.to_pandas()
        values = values.array if isinstance(values, pd.Series) else values
    return pd.Series(values, index=index, name=batch.schema.field(1).name, copy=False)
