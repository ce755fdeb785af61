"""Frames as bytes for the cache (Arrow IPC, never pickled DataFrames), and as JSON-safe grid rows."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def to_ipc(frame: pd.DataFrame) -> bytes:
    """
    Serialise a frame as Arrow IPC stream bytes (dtypes kept; object columns come back as strings).

    See Also
    --------
    from_ipc : the inverse.
    """
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(data: bytes) -> pd.DataFrame:
    """Read a frame written by :func:`to_ipc`."""
    return pa.ipc.open_stream(data).read_all().to_pandas()


def records(frame: pd.DataFrame) -> list[dict]:
    """
    Return a frame's rows as JSON-safe dicts: missing values as None, dates as ISO strings.

    Examples
    --------
    >>> records(pd.DataFrame({"a": [1.5, np.nan], "d": pd.to_datetime(["2025-04-01", None])}))
    [{'a': 1.5, 'd': '2025-04-01'}, {'a': None, 'd': None}]
    """
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    out = out.astype(object)
    return out.where(out.notna(), None).to_dict("records")
