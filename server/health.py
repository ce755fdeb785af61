"""``GET /healthz``: is this worker able to serve data? (docs/deployment.md, "Health check").

Every page of the dashboard loads its dataset from the cache, so a worker whose cache does not answer
cannot serve anything useful: the probe writes, reads back and deletes a small entry, and the route
answers 200 only when all three work (503 otherwise) — the signal a container orchestrator or load
balancer needs to restart the container or route around it.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import secrets
import time
import tomllib
from functools import cache as once
from pathlib import Path
from typing import Any

from flask import Flask, current_app, jsonify

HEALTH_PATH = "/healthz"
DISTRIBUTION = "influencer-dashboard"
PROBE_TIMEOUT_S = 30


@once
def app_version() -> str:
    """Return the installed distribution's version, else the one in pyproject.toml (a source checkout)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def probe_cache(cache: Any) -> tuple[bool, str | None]:
    """
    Write, read back and delete a unique entry in ``cache``.

    Returns
    -------
    tuple of (bool, str or None)
        Whether all three worked, and what failed otherwise. An error is named by its class only:
        its message could hold the Redis URL, password included.
    """
    probe_key = f"healthz:{os.getpid()}:{secrets.token_hex(8)}"
    probe_value = secrets.token_hex(8)
    written = False
    try:
        written = bool(cache.set(probe_key, probe_value, timeout=PROBE_TIMEOUT_S))
        if not written:
            return False, "write failed"
        if cache.get(probe_key) != probe_value:
            return False, "read failed"
        cache.delete(probe_key)
        written = False
        if cache.get(probe_key) is not None:
            return False, "delete failed"
    except Exception as exc:  # any backend failure (refused, timeout, auth, disk) means "unhealthy"
        return False, type(exc).__name__
    finally:
        if written:  # a failed read must not leave the probe entry behind
            with contextlib.suppress(Exception):
                cache.delete(probe_key)
    return True, None


def health_response(cache: Any, cache_type: str):
    """Return the ``/healthz`` JSON response and its status (200 healthy, 503 unhealthy)."""
    started = time.perf_counter()
    reachable, error = probe_cache(cache)
    body: dict[str, Any] = {
        "status": "ok" if reachable else "unavailable",
        "cache": {
            "type": cache_type,
            "reachable": reachable,
            "probe_ms": round((time.perf_counter() - started) * 1000, 1),
        },
        "version": app_version(),
    }
    if error is not None:
        body["cache"]["error"] = error
    response = jsonify(body)
    response.status_code = 200 if reachable else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def register(server: Flask, cache: Any = None) -> None:
    """
    Add ``GET /healthz`` to the Flask ``server``, probing ``cache`` (default: the app's shared cache).

    Parameters
    ----------
    server : Flask
        The Dash app's ``server``.
    cache : flask_caching.Cache, optional
        The cache to probe; the dashboard's own (``store.backend.cache``) when not given.
    """
    if cache is None:
        from store.results import cache as shared_cache

        cache = shared_cache

    def healthz():
        return health_response(cache, str(current_app.config.get("CACHE_TYPE", "unknown")))

    server.add_url_rule(HEALTH_PATH, endpoint="healthz", view_func=healthz, methods=["GET"])
