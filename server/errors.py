"""Flask- and Dash-level error paths: a failing callback, a request over the size limit, a failed request.

A callback that raises reaches :func:`callback_error` (the app's ``on_error``): the traceback goes to the
server log, the page shows what failed in a toast, and no output changes, so the session's data and
filters stay as they were. A request over the server's size limit gets a message too
(:func:`register_request_limit`); a callback request that fails before any callback runs is named by the
page's script from the map :func:`register_failure_areas` serves.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Iterator

from dash import Dash, ctx, html, set_props
from dash.development.base_component import Component
from flask import current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from layouts import ids, kpis, sidebar, tabs, topbar
from metrics.dataset import FILES
from server.logs import logger

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
    the 413; the HTTP API answers its own JSON 413 (server/api.py).
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
