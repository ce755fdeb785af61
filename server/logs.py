"""Structured logging: one JSON line per request and per upload (docs/deployment.md, "Logging").

Lines go to stderr, which gunicorn workers inherit from the master, so a container's log collector sees
every worker's lines. Uploaded data is never logged, and a dataset key only as :func:`key_ref` (a short
one-way hash): the key is the only thing that grants access to a dataset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import sys
import time
from collections.abc import Mapping
from typing import Any

LOGGER_NAME = "influencer_dashboard"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
WORKER_PID_HEADER = "X-Worker-Pid"

logger = logging.getLogger(LOGGER_NAME)


def key_ref(key: str | None) -> str | None:
    """
    Return a short, stable, one-way reference to a dataset key, safe to write in logs.

    The same key always gives the same reference, so the lines of one dataset can be followed in the
    logs, but the key cannot be recovered from it.

    Examples
    --------
    >>> key_ref("abc")
    'ba7816bf'
    >>> key_ref(None) is None
    True
    """
    if key is None:
        return None
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


# A dataset key in a path: /api/datasets/<key>/... (whatever the key looks like), and any token shaped
# like a key (secrets.token_urlsafe(32): 43 URL-safe characters) anywhere else in a line.
_PATH_KEY = re.compile(r"(/api/datasets/)(?!key:)([^/?#\s\"'<>\\]+)")
# A token needs an upper-case letter or a digit (a key lacks both with probability ~1e-15), so a long
# snake_case name in a traceback is left alone.
_TOKEN_KEY = re.compile(r"(?<![A-Za-z0-9_:-])(?=[a-z_-]*[A-Z0-9])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


def redact(text: str) -> str:
    """
    Return ``text`` with every dataset key replaced by ``key:`` and its :func:`key_ref`.

    Examples
    --------
    >>> redact("GET /api/datasets/abc/kpis/")
    'GET /api/datasets/key:ba7816bf/kpis/'
    """
    text = _PATH_KEY.sub(lambda match: f"{match.group(1)}key:{key_ref(match.group(2))}", text)
    return _TOKEN_KEY.sub(lambda match: f"key:{key_ref(match.group(0))}", text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {name: _redact_value(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(item) for item in value]
    return value


class RedactKeys(logging.Filter):
    """
    Replace dataset keys in a log record (message, arguments, fields, traceback) by their references.

    Attached to the app's and the web servers' loggers and handlers (:func:`install_redaction`,
    gunicorn.conf.py), so no line written anywhere holds a key: Flask's exception log and Werkzeug's
    or gunicorn's access log print the request path, which can hold one.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_keys_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours; leave it
            return True
        record.msg, record.args = redact(message), None
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            record.fields = _redact_value(fields)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._keys_redacted = True
        return True


# Loggers whose lines can carry a request path: Werkzeug's development-server access log and
# gunicorn's (gunicorn.conf.py attaches the filter there as well).
REDACTED_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def install_redaction(*loggers: logging.Logger) -> None:
    """Attach one :class:`RedactKeys` to ``loggers``, the web servers' loggers and the root's handlers."""
    targets: list[logging.Filterer] = [*loggers, *(logging.getLogger(name) for name in REDACTED_LOGGERS)]
    targets += logging.getLogger().handlers
    for target in targets:
        if not any(isinstance(existing, RedactKeys) for existing in target.filters):
            target.addFilter(RedactKeys())


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, event or message, and its fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info or record.exc_text:
            line["exc"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def parse_level(value: str | int | None, default: str = "INFO") -> int:
    """
    Return the numeric logging level for a LOG_LEVEL value (a name in any case, or a number).

    Raises
    ------
    ValueError
        For an unknown level name, naming the accepted ones.
    """
    if value is None or value == "":
        value = default
    if isinstance(value, int) or str(value).isdigit():
        return int(value)
    name = str(value).strip().upper()
    if name == "WARN":
        name = "WARNING"
    if name not in LEVELS:
        raise ValueError(f"LOG_LEVEL must be one of {', '.join(LEVELS)}, got {value!r}")
    return logging.getLevelName(name)


def configure_logging(level: str | int | None = None) -> logging.Logger:
    """
    Send the application's log records to stderr as JSON lines, at ``level`` (default: LOG_LEVEL or INFO).

    Idempotent: calling it again (one call per ``create_app``) changes the level and never adds a
    second handler.
    """
    numeric = parse_level(level if level is not None else os.environ.get("LOG_LEVEL"))
    logger.setLevel(numeric)
    if not any(getattr(handler, "_json_lines", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._json_lines = True  # marks our handler for the idempotence check above
        handler.addFilter(RedactKeys())
        logger.addHandler(handler)
    # The records are complete here; passing them up would print them a second time, unformatted.
    logger.propagate = False
    return logger


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Write one structured line ``{"event": event, **fields}`` (the formatter adds time, level and pid)."""
    if logger.isEnabledFor(level):
        logger.log(level, event, extra={"fields": {"event": event, **fields}})


def log_upload(
    file: str,
    *,
    size_bytes: int,
    rows_read: int | None,
    rows_dropped: int | None,
    parse_ms: float,
    status: str = "ok",
    key: str | None = None,
) -> None:
    """
    Write the line of one uploaded file: its name, size, rows read and dropped, parse time and outcome.

    Parameters
    ----------
    file : str
        Which input it is (``influencers``, ``posts``, ``tracking`` or ``payouts``), not the user's file name.
    size_bytes : int
        Size of the uploaded file.
    rows_read, rows_dropped : int or None
        Data rows found and rows dropped by validation; None when the file was rejected.
    parse_ms : float
        Parse and validation time in milliseconds.
    status : str, default "ok"
        ``ok``, ``rejected`` or ``too_large``.
    key : str, optional
        The dataset key the file went into; logged only as :func:`key_ref`.
    """
    fields: dict[str, Any] = {
        "file": file,
        "bytes": int(size_bytes),
        "rows_read": rows_read,
        "rows_dropped": rows_dropped,
        "parse_ms": round(parse_ms, 1),
        "status": status,
    }
    if key is not None:
        fields["dataset"] = key_ref(key)
    log_event("upload", **fields)


def _logged_path(path: str, view_args: Mapping[str, Any] | None) -> str:
    """Return the request path with a dataset key in it replaced by its reference."""
    key = (view_args or {}).get("key")
    if isinstance(key, str) and key:
        path = path.replace(key, f"key:{key_ref(key)}")
    return redact(path)


def init_request_logging(server: Any) -> None:
    """
    Log one line per request (method, path, status, duration_ms, user, pid).

    With ``WORKER_PID_HEADER`` on, the ``X-Worker-Pid`` header tells a client (the multi-worker tests)
    which gunicorn worker answered; it is off by default, as a process id is no business of a browser.
    The query string is not logged: it may hold filter values a user considers private.
    """
    from flask import g, request  # Flask only where a server exists: the formatter stays importable alone

    if getattr(server, "_request_logging", False):
        return
    server._request_logging = True
    pid_header = bool(server.config.get("WORKER_PID_HEADER", False))

    @server.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @server.after_request
    def _log_request(response):
        started = g.get("request_started")
        duration_ms = (time.perf_counter() - started) * 1000 if started is not None else None
        if pid_header:
            response.headers[WORKER_PID_HEADER] = str(os.getpid())
        log_event(
            "request",
            method=request.method,
            path=_logged_path(request.path, request.view_args),
            status=response.status_code,
            user=g.get("user"),
            duration_ms=round(duration_ms, 1) if duration_ms is not None else None,
            bytes=response.calculate_content_length(),
        )
        return response
