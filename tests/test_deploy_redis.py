"""Serving with Redis as the shared cache: several workers, several app instances, Redis going away.

A real ``redis-server`` (``make system-deps`` installs it) runs on a free loopback port without
persistence; gunicorn runs the app with ``CACHE_REDIS_URL`` pointing at it (tests/servers.py). Each
app instance gets its own, separate CACHE_DIR, so anything shared between them went through Redis.
"""

from __future__ import annotations

import json

import pytest
import redis

try:
    from tests import servers
except ImportError:  # tests/ itself on sys.path (pytest's default import mode)
    import servers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = servers.start_redis(tmp_path_factory.mktemp("redis"))
    with servers.running(server):
        yield server


def start_app(tmp_path_factory, redis_server, name: str) -> servers.Server:
    work = tmp_path_factory.mktemp(name)
    env = {
        "CACHE_REDIS_URL": f"redis://127.0.0.1:{redis_server.port}/0",
        "CACHE_DIR": str(work / "own-cache"),
        "AUTOLOAD_DEMO": "false",
    }
    return servers.start_gunicorn(work, env, workers=2, threads=2)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, redis_server):
    with servers.running(start_app(tmp_path_factory, redis_server, "gunicorn-redis")) as server:
        yield server


@pytest.fixture(scope="module")
def keys(app_server):
    """Dataset A and dataset B, uploaded once: their keys and the pid that took each upload."""
    return servers.upload_both(app_server)


def test_healthz_reports_redis(app_server):
    """/healthz answers 200 with cache type RedisCache, reachable."""
    status, _, body = servers.http_get(f"{app_server.url}/healthz")
    assert status == 200
    assert json.loads(body)["cache"]["type"] == "RedisCache"
    assert json.loads(body)["cache"]["reachable"] is True


def test_uploaded_dataset_is_stored_in_redis(redis_server, app_server):
    """An upload adds entries to Redis (under the app's key prefix), not to a worker's memory."""
    client = redis.Redis(port=redis_server.port)
    before = set(client.keys("influencer-dashboard:*"))
    assert servers.upload_dataset(app_server.url, servers.DATASET_B).status_code == 201
    assert set(client.keys("influencer-dashboard:*")) - before


def test_dataset_uploaded_through_one_worker_is_read_by_the_others(app_server, keys):
    """Reads of dataset A land on both workers, and every worker returns its hand-computed revenue."""
    servers.assert_read_by_other_workers(app_server, keys)


def test_sessions_stay_isolated(app_server, keys):
    """Two keys, two datasets: each key always gives its own numbers, whichever worker answers."""
    servers.assert_isolated(app_server, keys)


def test_a_second_app_instance_serves_the_same_datasets(tmp_path_factory, redis_server, keys):
    """Another gunicorn (another container) on the same Redis answers for keys it never saw uploaded."""
    with servers.running(start_app(tmp_path_factory, redis_server, "gunicorn-redis-2")) as other:
        kpis_a = servers.kpis_of(other, keys["A"], start="2025-01-07")
        assert (kpis_a["revenue"], kpis_a["spend"], kpis_a["roas"]) == (3000, 1000, 3.0)
        kpis_b = servers.kpis_of(other, keys["B"])
        assert (kpis_b["revenue"], kpis_b["orders"]) == (1000, 2)


def test_a_killed_worker_loses_no_session_data(app_server, keys):
    """SIGKILL the worker that took the upload; its replacement serves both datasets unchanged."""
    servers.assert_killed_worker_loses_nothing(app_server, keys)


def test_healthz_is_503_while_redis_is_down_and_recovers(tmp_path_factory, redis_server, app_server, keys):
    """Redis stopped: /healthz 503 and the API 503 (no password or URL in the answer); Redis back: 200."""
    port = redis_server.port
    servers.stop(redis_server)
    status, _, body = servers.http_get(f"{app_server.url}/healthz")
    health = json.loads(body)
    assert status == 503
    assert health["status"] == "unavailable" and health["cache"]["reachable"] is False
    assert "6379" not in body.decode() and str(port) not in body.decode()
    response = servers.get(f"{app_server.url}/api/datasets/{keys['A']}/kpis")
    assert response.status_code == 503 and response.json()["error"] == "cache unavailable"

    # A new, empty Redis on the same address: the app reconnects by itself; the old data is gone.
    replacement = servers.start_redis(tmp_path_factory.mktemp("redis-again"), port=port)
    with servers.running(replacement):
        assert servers.http_get(f"{app_server.url}/healthz")[0] == 200
        expired = servers.get(f"{app_server.url}/api/datasets/{keys['A']}/kpis")
        assert (expired.status_code, expired.json()) == (404, {"error": "expired"})
