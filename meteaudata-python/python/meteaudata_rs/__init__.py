"""meteaudata_rs: the Rust engine of meteaudata for Python meteaudata users.

One import gives a notebook the engine's storage backends and built-ins, with Python
meteaudata's own interfaces::

    import meteaudata_rs
    dataset.set_backend(meteaudata_rs.create_backend(StorageConfig.for_sql("sqlite:///plant.db")))
    signal.process(["COD#1_RAW#1"], meteaudata_rs.resample, "5min")

See the package README for the backends, the differences from Python meteaudata and the
figures.
"""

from ._native import CorruptDataError, __version__
from ._backend import Backend, create_backend
from ._csv import read_csv
from ._builtins import (
    average_signals,
    linear_interpolation,
    normalize_index_to_numeric_delta,
    predict_from_previous_point,
    replace_ranges,
    resample,
    subset,
)

__all__ = [
    "Backend",
    "CorruptDataError",
    "__version__",
    "average_signals",
    "create_backend",
    "linear_interpolation",
    "normalize_index_to_numeric_delta",
    "predict_from_previous_point",
    "read_csv",
    "replace_ranges",
    "resample",
    "subset",
]
