"""One upload at a time per worker: big request bodies and upload parses wait for a single slot.

A request body is read (and, on the callback route, decoded from JSON) before any callback can look at
it, so a few large requests at once would multiply a worker's memory. Every request to the callback
route or to ``POST /api/datasets`` whose declared body exceeds ``BIG_REQUEST_BYTES`` therefore takes the
worker's upload slot *before* its body is read, and the Data tab's upload callback takes it around its
parses. A request that cannot get the slot within ``WAIT_SECONDS`` is answered at once: on the callback
route with the Data tab's "busy, retry" message (and the upload areas emptied), on the API with 503
JSON and ``Retry-After``. The slot is re-entrant, so the upload callback inside a big request that holds
it goes straight on (docs/configuration.md, "Decisions").

A big callback request's body is then read here in one call and decoded once (:func:`read_json_body`):
werkzeug's own reader takes it in 64 KiB steps, each of which copies what the server has buffered, which
made a 1 GiB body take tens of seconds; and decoding bytes -> text -> value one step at a time, dropping
each step, keeps two copies in memory instead of three.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Iterator

from dash import Dash
from flask import abort, current_app, g, jsonify, request

from layouts import ids
from metrics.dataset import FILES
from server.logs import log_event

# Ordinary callback requests are a few kB (the largest, a grid's rows, tens of kB): only uploads are bigger.
BIG_REQUEST_BYTES = 1024 * 1024
WAIT_SECONDS = 5.0
BUSY_MESSAGE = (
    "The server is busy reading another upload, so nothing was loaded. Retry in a moment: choose the "
    "files again. The data already loaded stays in use."
)
API_BUSY = "the server is busy reading another upload; retry in a moment"
CALLBACK_ROUTE = "_dash-update-component"
API_UPLOAD = "/api/datasets"

_slot = threading.RLock()


class ServerBusy(RuntimeError):
    """Raise when the worker's upload slot stayed taken for ``WAIT_SECONDS``."""


@contextlib.contextmanager
def upload_slot(wait: float | None = None) -> Iterator[None]:
    """
    Hold the worker's upload slot (re-entrant) for the ``with`` block.

    Raises
    ------
    ServerBusy
        When another thread held it for ``wait`` seconds (default ``WAIT_SECONDS``).
    """
    if not _slot.acquire(timeout=WAIT_SECONDS if wait is None else wait):
        raise ServerBusy(BUSY_MESSAGE)
    try:
        yield
    finally:
        _slot.release()


def busy_update() -> dict:
    """Return the callback answer of a busy worker: no output changed; the message; upload areas emptied."""
    side = {ids.UPLOAD_MESSAGE: {"children": BUSY_MESSAGE}}
    side.update({ids.UPLOAD[name]: {"contents": None} for name in FILES})
    return {"multi": True, "response": {}, "sideUpdate": side}


def _is_upload_request() -> bool:
    if (request.content_length or 0) <= BIG_REQUEST_BYTES or request.method != "POST":
        return False
    return request.path.endswith(CALLBACK_ROUTE) or request.path.rstrip("/") == API_UPLOAD


def read_json_body() -> None:
    """
    Read the request's JSON body in one call and hand the decoded value to Flask's ``get_json`` cache.

    Left to werkzeug (413 included) when the body is over ``MAX_CONTENT_LENGTH``. A body shorter than
    its declared length or not JSON is a 400.
    """
    length = request.content_length or 0
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and length > limit:
        return
    data = request.environ["wsgi.input"].read(length)
    if len(data) != length:
        abort(400)
    try:
        text = data.decode("utf-8")
        del data
        value = json.loads(text)
        del text
    except ValueError:  # UnicodeDecodeError included
        abort(400)
    request._cached_json = (value, value)
    request._cached_data = b""  # the body was consumed here; nothing else reads it


def register(app: Dash) -> None:
    """Make big callback and API upload requests take the upload slot before their body is read."""
    server = app.server

    @server.before_request
    def _take_slot():
        if not _is_upload_request():
            return None
        if _slot.acquire(timeout=WAIT_SECONDS):
            g._upload_slot = True
            if request.path.endswith(CALLBACK_ROUTE) and request.is_json:
                read_json_body()
            return None
        log_event("upload_busy", logging.WARNING, path=request.path, bytes=request.content_length)
        if request.path.endswith(CALLBACK_ROUTE):
            return jsonify(busy_update())
        response = jsonify({"error": API_BUSY})
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response

    @server.teardown_request
    def _release_slot(_error):
        if g.pop("_upload_slot", False):
            _slot.release()
