"""Helpers shared by the callbacks: grid rows, the panels shown instead of numbers, the expired toast.

A tab callback starts with :func:`unavailable`: when there is no dataset, or it expired, the tab shows
what to do instead of numbers (never zeros, never an error). A callback that raises anyway reaches
``server.errors.callback_error`` (the app's ``on_error``); :func:`say_expired` opens the same toast for
a download that cannot be made.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
from dash import html, no_update, set_props
from dash._no_update import NoUpdate
from dash.development.base_component import Component

from callbacks.session import SessionState
from figures.labels import narrow_labels
from layouts import ids
from layouts.common import empty_state
from store import datasets

EXPIRED_MESSAGE = "Your data expired — please upload it again (or load the demo)"
NO_DATA_MESSAGE = "No data loaded yet"
NO_DATA_HINT = "Open the Data tab to upload your four CSV files, or load the demo data."
NO_ROWS_MESSAGE = "No rows match these filters — reset filters"


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
    # The key's dataset may have been evicted since the session store was written.
    if state.expired or (state.key is not None and not datasets.exists(state.key)):
        return expired_notice()
    if state.key is None:
        return html.P(
            "Nothing to show yet — load data in the Data tab.", className="text-body-secondary mb-0 tab-note"
        )
    return None


def expired_notice() -> Component:
    """Return the short note a tab shows when the session's dataset expired."""
    return html.P("Nothing to show — the data expired.", className="text-body-secondary mb-0 tab-note")


class _Note:
    """The type of :data:`NOTE`."""

    def __repr__(self) -> str:
        return "NOTE"


NOTE = _Note()
"""Stands, in :func:`tab_callback`'s ``blocked`` values, for the tab's note (no data, or expired)."""


def tab_callback(*blocked: object, store: int = 0) -> Callable[[Callable], Callable]:
    """
    Make a tab callback out of a body that only computes: the session state in, the outputs out.

    Dash's arguments are kept; the body gets the store's data (at position ``store``) as its
    :class:`SessionState` and runs only when the session has a dataset. Without one, or when it expired
    (also as ``DatasetExpired`` raised by the body), the callback returns ``blocked``: one value per
    output (e.g. ``no_update`` for a figure, ``[]`` for rows, a hiding style), :data:`NOTE` standing for
    the tab's note saying why (:func:`unavailable`, :func:`expired_notice`).

    Examples
    --------
    >>> from dash import no_update
    >>> from layouts.common import GRAPH_HIDDEN, SHOWN
    >>> @tab_callback(no_update, GRAPH_HIDDEN, NOTE)
    ... def update_trend(state, level):
    ...     return {"data": [], "layout": {"title": level}}, SHOWN, None
    >>> figure, style, note = update_trend(None, "week")  # no dataset loaded
    >>> figure is no_update, style == GRAPH_HIDDEN, "Data tab" in str(note)
    (True, True, True)
    """

    def decorate(body: Callable) -> Callable:
        @functools.wraps(body)
        def callback(*args: object) -> object:
            state = SessionState.from_store(args[store] if isinstance(args[store], dict) else None)
            note = unavailable(state)
            if note is None:
                try:
                    return body(*args[:store], state, *args[store + 1 :])
                except datasets.DatasetExpired:
                    note = expired_notice()
            values = tuple(note if value is NOTE else value for value in blocked)
            return values[0] if len(values) == 1 else values

        # Callers that unwrap a registered callback (the benchmarks) must reach this one, not the body.
        del callback.__wrapped__
        return callback

    return decorate


def first_screen(callback: Callable) -> Callable:
    """
    Make ``callback`` the one drawing its tab's first screen: one more output, the tab's first-screen store
    (``ids.FIRST_SCREEN``), which it never writes.

    Declaring the store as an output is enough: Dash holds back every callback that takes the store as
    an input (:func:`after_first_screen`) until this one has answered, and then sends them, so the chart in
    view gets the server to itself on the tab's first visit instead of sharing it with the slower panels
    below. Register it with ``Output(<store>, "data")`` after its other outputs.
    """

    @functools.wraps(callback)
    def ordered(*args: object) -> object:
        result = callback(*args)
        # Multiple outputs come as a tuple (a list is one output's value: a grid's rows).
        return (*result, no_update) if isinstance(result, tuple) else (result, no_update)

    del ordered.__wrapped__  # the benchmarks unwrap registered callbacks: they must call this one
    return ordered


def after_first_screen(callback: Callable) -> Callable:
    """
    Make ``callback`` wait for its tab's first screen: registered with ``Input(<store>, "data")`` as its
    last argument (after any ``State``), which it ignores; see :func:`first_screen`.
    """

    @functools.wraps(callback)
    def ordered(*args: object) -> object:
        return callback(*args[:-1])

    del ordered.__wrapped__
    return ordered


def caption(text: str) -> html.Div:
    """Return a panel's short caption (which model, what is shown, which export file holds it)."""
    return html.Div(text, className="panel-caption small text-body-secondary mb-2")


def new_columns(columns: list[dict], current: list[dict] | None) -> list[dict] | NoUpdate:
    """
    Return a grid's column definitions, or ``no_update`` when the grid shows these columns already.

    Setting the same columns again would be harmless, but sending them only when they change keeps
    each filter change's answer small and the grid's column state (sort, filter, widths) untouched.
    """
    return no_update if current == columns else columns


def drawn(figure: go.Figure | dict, *, tall: bool = False) -> tuple[go.Figure | dict, dict]:
    """
    Return a figure for a graph declared in a layout, and the graph's style (shown).

    The figure gets a constant ``uirevision``, so a new figure for other filters keeps the user's zoom,
    and labels that fit a phone (figures/labels.py); ``tall`` makes the graph as tall as
    the figure (a responsive graph otherwise takes its container's height), for figures whose height grows
    with their rows.

    Examples
    --------
    >>> drawn({"data": [], "layout": {"height": 420}}, tall=True)
    ({'data': [], 'layout': {'height': 420, 'uirevision': 'kept'}}, {'height': '420px'})
    """
    figure = narrow_labels(figure)
    if isinstance(figure, dict):
        figure = {**figure, "layout": {**figure.get("layout", {}), "uirevision": "kept"}}
        height = figure["layout"].get("height")
    else:
        figure = figure.update_layout(uirevision="kept")
        height = figure.layout.height
    return figure, ({"height": f"{height}px"} if tall and height else {})


def kept_zoom(figure: go.Figure | dict, shown: dict | None) -> go.Figure | dict:
    """
    Return ``figure`` with the axis ranges the user zoomed ``shown`` (the graph's current figure) to.

    A graph writes the user's zoom into its own ``figure`` (the axis gets ``autorange: false`` and its
    range), so a new figure from a callback would drop it, ``uirevision`` or not. The figures never set
    ``autorange`` themselves: an axis with ``autorange: false`` is a zoom, kept until the user resets
    the axes (``autorange: true``).

    Examples
    --------
    >>> shown = {"layout": {"xaxis": {"range": [1, 5], "autorange": False}, "yaxis": {"range": [0, 9]}}}
    >>> kept_zoom({"data": [], "layout": {"yaxis": {"range": [0, 7]}}}, shown)["layout"]
    {'yaxis': {'range': [0, 7]}, 'xaxis': {'range': [1, 5], 'autorange': False}}
    """
    layout = shown.get("layout") if isinstance(shown, dict) else None
    zoomed = {
        axis: {"range": value["range"], "autorange": False}
        for axis, value in (layout if isinstance(layout, dict) else {}).items()
        if axis[:1] in ("x", "y")
        and axis[1:].startswith("axis")
        and isinstance(value, dict)
        and value.get("autorange") is False
        and isinstance(value.get("range"), list)
    }
    if not zoomed:
        return figure
    if isinstance(figure, dict):
        layout = figure.get("layout", {})
        return {**figure, "layout": {**layout, **{a: {**layout.get(a, {}), **z} for a, z in zoomed.items()}}}
    return figure.update_layout(zoomed)


def finite(value: object) -> float | None:
    """Return ``value`` as a float, or None when it is missing or not finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def say_expired(what: str) -> None:
    """
    Open the error toast saying ``what`` (e.g. "the download") could not be made: the data expired.

    For callbacks whose output cannot carry the message (a download): without it a click on an expired
    dataset would do nothing at all.
    """
    set_props(
        ids.ERROR_TOAST,
        {
            "is_open": True,
            "header": f"{what[0].upper()}{what[1:]} could not be made",
            "children": [html.P(f"{EXPIRED_MESSAGE}.", className="mb-1")],
        },
    )
