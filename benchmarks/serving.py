"""Helpers shared by the serving benchmarks (``benchmarks.serve``, ``benchmarks.load``).

A real gunicorn on one cache backend (the file cache, or a throw-away ``redis-server``), the percentile
both report, and the filter states they request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests import servers

BACKENDS = ("file", "redis")


def percentile(values: list[float], q: float) -> float:
    """
    Return the ``q`` quantile (0-1) of ``values`` by linear interpolation, as numpy's default does.

    Examples
    --------
    >>> percentile([10.0, 20.0, 30.0, 40.0], 0.5), percentile([10.0, 20.0, 30.0, 40.0], 0.95)
    (25.0, 38.5)
    """
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def filter_states(first: dt.date, last: dt.date, campaigns: list[str], count: int) -> list[dict]:
    """Return ``count`` distinct query strings: sliding 60-day windows, every other one with a campaign."""
    span = max((last - first).days - 60, 1)
    states = []
    for index in range(count):
        start = first + dt.timedelta(days=1 + (index * span) // max(count, 1))
        params: dict = {"start": start.isoformat(), "end": (start + dt.timedelta(days=60)).isoformat()}
        if campaigns and index % 2:
            params["campaign"] = campaigns[index % len(campaigns)]
        states.append(params)
    return states


def missing_backend(backends: list[str]) -> str | None:
    """Return why one of ``backends`` cannot be started here (redis-server not installed), or None."""
    if "redis" in backends and shutil.which("redis-server") is None:
        return "redis-server is not installed (make system-deps), or pass --backend file"
    return None


@contextlib.contextmanager
def served(
    backend: str,
    work: Path,
    *,
    workers: int = 2,
    threads: int = 4,
    env: Mapping[str, str] | None = None,
) -> Iterator[servers.Server]:
    """
    Yield a gunicorn serving the app on ``backend`` ("file" or "redis"); stop it (and Redis) afterwards.

    The file cache lives in ``work``/cache-<backend>; Redis is a throw-away ``redis-server`` without
    persistence. The demo is not loaded on page load (``AUTOLOAD_DEMO=false``) and the app logs warnings
    and errors only; ``env`` adds or overrides settings.
    """
    started: list[servers.Server] = []
    try:
        settings = {
            "CACHE_DIR": str(work / f"cache-{backend}"),
            "AUTOLOAD_DEMO": "false",
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        if backend == "redis":
            redis_server = servers.start_redis(work)
            started.append(redis_server)
            settings["CACHE_REDIS_URL"] = f"redis://127.0.0.1:{redis_server.port}/0"
        app = servers.start_gunicorn(work, settings, workers=workers, threads=threads)
        started.append(app)
        yield app
    finally:
        for server in reversed(started):
            servers.stop(server)
