"""Helpers shared by the callbacks: grid rows, the panels shown instead of numbers, and the error paths.

A tab callback starts with :func:`unavailable`: when there is no dataset, or it expired, the tab shows
what to do instead of numbers (never zeros, never an error). A callback that raises anyway reaches
:func:`callback_error` (the app's ``on_error``): the traceback goes to the server log, the page shows
what failed in a toast, and no output changes, so the session's data and filters stay as they were.
A request over the server's size limit gets a message too (:func:`register_request_limit`).
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd
from dash import Dash, ctx, html, set_props
from dash.development.base_component import Component
from flask import current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from callbacks import datasets
from callbacks.logs import logger
from callbacks.session import SessionState
from layouts import ids, kpis, sidebar, tabs, topbar
from layouts.common import empty_state
from metrics.dataset import FILES

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

    The decorated callback keeps Dash's arguments (the session store's data at position ``store``);
    the body receives them with the store replaced by its :class:`SessionState` (key, filters, options),
    and runs only when the session has a dataset. Without one, or when it expired (before the body runs,
    or as ``DatasetExpired`` raised inside it), the callback returns ``blocked`` instead: one value per
    output, :data:`NOTE` replaced by the short note saying why (:func:`unavailable`,
    :func:`expired_notice`). Typically ``no_update`` for a figure, ``[]`` for a grid's rows, a hiding
    style for a graph or grid, and ``NOTE`` for the panel's message slot.

    Parameters
    ----------
    *blocked : object
        The outputs' values when there is nothing to show; one value for a single-output callback.
    store : int, default 0
        The position of the session store's data among the callback's arguments.

    Examples
    --------
    >>> from dash import no_update
    >>> from layouts.common import HIDDEN, SHOWN
    >>> @tab_callback(no_update, HIDDEN, NOTE)
    ... def update_trend(state, level):
    ...     return {"data": [], "layout": {"title": level}}, SHOWN, None
    >>> figure, style, note = update_trend(None, "week")  # no dataset loaded
    >>> figure is no_update, style == HIDDEN, "Data tab" in str(note)
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

        return callback

    return decorate


def finite(value: object) -> float | None:
    """Return ``value`` as a float, or None when it is missing or not finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


# --------------------------------------------------------------------------------------------------
# Error paths

CALLBACK_ROUTE = "_dash-update-component"
ERROR_HINT = "Your data and filters are unchanged: try again, or change the filters."
_AREAS: dict[str, str] = {}


def _ids(component: object) -> Iterator[str]:
    """Yield the ids in a component tree (the ``type`` of a pattern-matching id)."""
    if isinstance(component, list | tuple):
        for child in component:
            yield from _ids(child)
        return
    if not isinstance(component, Component):
        return
    component_id = getattr(component, "id", None)
    if isinstance(component_id, dict):
        component_id = component_id.get("type")
    if isinstance(component_id, str):
        yield component_id
    yield from _ids(getattr(component, "children", None))


def area_names() -> dict[str, str]:
    """
    Return the part of the page each component id belongs to, as the error toast names it.

    Built from the layouts on first use (inside the app, as the layouts read its settings), so a new
    component is named without being listed here.
    """
    if not _AREAS:
        parts: list[tuple[str, Component]] = [
            ("the KPI cards", kpis.layout()),
            ("the top bar", topbar.layout()),
            ("the filters", sidebar.layout()),
            *[(f"the {tab.label} tab", tab.layout()) for tab in tabs.TABS],
        ]
        names = {component_id: name for name, tree in parts for component_id in _ids(tree)}
        names.update({ids.DOWNLOAD: "the download", ids.TAB_CONTENT: "the tab", ids.TABS: "the tab bar"})
        _AREAS.update(names)
    return _AREAS


def _output_ids(outputs: object) -> list[str]:
    """Return the component ids of a callback's ``outputs_list`` (nested lists for wildcard outputs)."""
    if isinstance(outputs, dict):
        component_id = outputs.get("id")
        if isinstance(component_id, dict):
            component_id = component_id.get("type")
        return [str(component_id)] if component_id is not None else []
    if isinstance(outputs, list | tuple):
        return [found for item in outputs for found in _output_ids(item)]
    return []


def failed_area(output_ids: Iterable[str]) -> str:
    """
    Return the part of the page a failed callback was updating, e.g. "the Campaigns tab".

    Examples
    --------
    >>> failed_area(["campaign-body", "campaign-table"])
    'the Campaigns tab'
    >>> failed_area(["no-such-id"])
    'the page'
    """
    names = area_names()
    return next((names[found] for found in output_ids if found in names), "the page")


def callback_error(error: Exception) -> None:
    """
    Handle an exception a callback raised (Dash's ``on_error``): log it, say so, change nothing.

    The traceback goes to the server log as one JSON line (``event: callback_error``) with a short
    reference; the page's error toast names the part that failed and the same reference, and never the
    exception's text, which can hold file paths or values. Returning None leaves every output as it was.
    """
    output_ids = _output_ids(ctx.outputs_list)
    area = failed_area(output_ids)
    reference = secrets.token_hex(4)
    triggered = [item.get("prop_id") for item in ctx.triggered if isinstance(item, dict)]
    logger.error(
        "callback_error",
        exc_info=error,
        extra={
            "fields": {
                "event": "callback_error",
                "reference": reference,
                "area": area,
                "error": type(error).__name__,
                "outputs": output_ids,
                "triggered": triggered,
            }
        },
    )
    set_props(
        ids.ERROR_TOAST,
        {
            "is_open": True,
            "header": f"{area[0].upper()}{area[1:]} could not be updated",
            "children": [html.P(ERROR_HINT, className="mb-1"), html.Small(f"Reference: {reference}")],
        },
    )


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


def too_large_message(limit_bytes: int, per_file_mb: float) -> str:
    """
    Return the message of a request over the server's size limit.

    Examples
    --------
    >>> too_large_message(25_169_920, 3)
    'The upload is larger than the server accepts (24 MB per request: 4 files of at most 3 MB each). Nothing was loaded; the data already loaded stays in use.'
    """
    return (
        f"The upload is larger than the server accepts ({limit_bytes / 2**20:.0f} MB per request: "
        f"{len(FILES)} files of at most {per_file_mb:g} MB each). Nothing was loaded; "
        "the data already loaded stays in use."
    )


AREAS_ROUTE = "/_dashboard/areas"


def register_failure_areas(app: Dash) -> None:
    """
    Serve ``area_names()`` as JSON at ``AREAS_ROUTE``, for assets/callback-failures.js.

    A callback request that fails before any callback runs (a worker killed, a proxy's 502, the network)
    never reaches :func:`callback_error`; the page's script names the part of the page it was updating
    from this map.
    """
    prefix = app.config.requests_pathname_prefix.rstrip("/")

    def areas():
        return jsonify(area_names())

    app.server.add_url_rule(prefix + AREAS_ROUTE, "failure_areas", areas, methods=["GET"])


def register_request_limit(app: Dash) -> None:
    """
    Answer a request over ``MAX_CONTENT_LENGTH`` (413) with a message instead of a silent failure.

    The Dash renderer drops any callback answer that is not a 200, so an upload refused with a bare 413
    would leave the page as if nothing happened. The callback route therefore answers 200 with no
    output changed, and, as side updates, the upload message and the four upload areas emptied (their
    contents would otherwise be sent again with the next upload, and refused again). Other routes keep
    the 413; the HTTP API answers its own JSON 413 (callbacks/api.py).
    """

    def too_large(error: RequestEntityTooLarge):
        limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
        logger.log(
            logging.WARNING,
            "request_too_large",
            extra={
                "fields": {
                    "event": "request_too_large",
                    "path": request.path,
                    "bytes": request.content_length,
                    "limit": limit,
                }
            },
        )
        if not request.path.endswith(CALLBACK_ROUTE):
            return error
        per_file_mb = float(current_app.config.get("MAX_UPLOAD_MB", 0))
        side = {ids.UPLOAD_MESSAGE: {"children": too_large_message(limit, per_file_mb)}}
        side.update({ids.UPLOAD[name]: {"contents": None} for name in FILES})
        return jsonify({"multi": True, "response": {}, "sideUpdate": side})

    app.server.register_error_handler(RequestEntityTooLarge, too_large)
