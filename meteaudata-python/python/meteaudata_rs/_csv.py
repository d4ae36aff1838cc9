"""CSV files read by the engine, as pandas reads them."""

from __future__ import annotations

from typing import Dict, Optional, Sequence

import pandas as pd

from . import _native
from ._arrow import batch_to_series


def read_csv(
    path,
    *,
    delimiter: Optional[str] = None,
    decimal: Optional[str] = None,
    time_column: Optional[str] = None,
    tz: Optional[str] = None,
    dayfirst: bool = False,
    na_values: Optional[Sequence[str]] = None,
    columns: Optional[Sequence[str]] = None,
    ambiguous: str = "raise",
    nonexistent: str = "raise",
) -> Dict[str, pd.Series]:
    """The value columns of a CSV file as pandas Series on its time column, in file order:
    what ``pandas.read_csv(..., index_col=time, parse_dates=True)`` followed by
    ``tz_localize(tz, ambiguous=..., nonexistent=...)`` gives, read by the engine a chunk at a
    time. The delimiter, decimal comma, header and time column are found when not given; a cell
    that does not fit raises a ``ValueError`` naming its line. Give each series to
    ``meteaudata.Signal(input_data=...)``.
    """
    batches = _native.read_csv(
        str(path),
        delimiter=delimiter,
        decimal=decimal,
        time_column=time_column,
        tz=tz,
        dayfirst=dayfirst,
        na_values=None if na_values is None else list(na_values),
        columns=None if columns is None else list(columns),
        ambiguous=ambiguous,
        nonexistent=nonexistent,
    )
    return {name: batch_to_series(batch) for name, batch in batches}
