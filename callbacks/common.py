"""Helpers shared by the tab callbacks: grid rows from frames, and the panels shown instead of numbers.

A tab callback starts with :func:`unavailable`: when there is no dataset, or it expired, the tab shows
what to do instead of numbers (never zeros, never an error).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from dash import html
from dash.development.base_component import Component

from callbacks.session import SessionState
from layouts.common import empty_state

EXPIRED_MESSAGE = "Your data expired — please upload it again (or load the demo)"
NO_DATA_MESSAGE = "No data loaded yet"
NO_DATA_HINT = "Open the Data tab to upload your four CSV files, or load the demo data."
NO_ROWS_MESSAGE = "No rows match these filters — reset filters"


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


def expired_state(where: str) -> Component:
    """Return the panel shown when the session's dataset is no longer stored."""
    return empty_state(EXPIRED_MESSAGE, actions=("data", "demo"), where=where)


def no_data_state(where: str) -> Component:
    """Return the panel shown before any data is loaded."""
    return empty_state(NO_DATA_MESSAGE, hint=NO_DATA_HINT, actions=("data", "demo"), where=where)


def no_rows_state(where: str) -> Component:
    """Return the panel shown when the filters leave nothing to show."""
    return empty_state(NO_ROWS_MESSAGE, actions=("reset",), where=where)


def unavailable(state: SessionState) -> Component | None:
    """
    Return the short note a tab shows instead of numbers (no data, or expired), or None when data is there.

    The KPI row above every tab shows the full message with its buttons; a tab only notes the gap.
    """
    if state.expired:
        return expired_notice()
    if state.key is None:
        return html.P(
            "Nothing to show yet — load data in the Data tab.", className="text-body-secondary mb-0 tab-note"
        )
    return None


def expired_notice() -> Component:
    """Return the short note a tab shows when the session's dataset expired."""
    return html.P("Nothing to show — the data expired.", className="text-body-secondary mb-0 tab-note")


def finite(value: object) -> float | None:
    """Return ``value`` as a float, or None when it is missing or not finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None
