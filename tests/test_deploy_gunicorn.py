"""Serving with gunicorn and the file cache: config, /healthz, the HTTP API, logging, several workers.

The real-server tests start one gunicorn with 2 workers and a FileSystemCache in a temporary directory
(tests/servers.py) and talk to it over plain HTTP, as a browser or script would.
"""

from __future__ import annotations

import io
import json
import logging
import os
import runpy
from pathlib import Path

import pytest
from flask import Flask

from server import health, logs

try:
    from tests import servers
except ImportError:  # tests/ itself on sys.path (pytest's default import mode)
    import servers

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"
ENV_NAMES = (
    "HOST",
    "PORT",
    "GUNICORN_WORKERS",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_MAX_REQUESTS",
)


# ---- gunicorn.conf.py ------------------------------------------------------------------------------


def load_config(monkeypatch, **env: str) -> dict:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_gunicorn_defaults_two_workers_four_threads_port_8050(monkeypatch):
    """Without settings: 2 gthread workers of 4 threads on 0.0.0.0:8050, no preload, no access log."""
    config = load_config(monkeypatch)
    assert (config["workers"], config["threads"], config["worker_class"]) == (2, 4, "gthread")
    assert config["bind"] == ["0.0.0.0:8050"]
    assert config["timeout"] == 120
    assert config["preload_app"] is False
    assert config["accesslog"] is None


def test_gunicorn_reads_its_environment(monkeypatch):
    """GUNICORN_WORKERS/THREADS/TIMEOUT, HOST and PORT change the settings."""
    config = load_config(
        monkeypatch,
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="8",
        GUNICORN_TIMEOUT="45",
        HOST="127.0.0.1",
        PORT="9000",
    )
    assert (config["workers"], config["threads"], config["timeout"]) == (3, 8, 45)
    assert config["bind"] == ["127.0.0.1:9000"]


@pytest.mark.parametrize(("name", "value"), [("GUNICORN_WORKERS", "two"), ("GUNICORN_THREADS", "0")])
def test_gunicorn_refuses_a_bad_number_naming_the_variable(monkeypatch, name, value):
    """A typo stops the server at start-up with a message naming the variable."""
    with pytest.raises(SystemExit, match=name):
        load_config(monkeypatch, **{name: value})


def test_gunicorn_log_lines_use_the_json_formatter(monkeypatch):
    """Gunicorn's own lines go through the same JSON formatter, at LOG_LEVEL."""
    config = load_config(monkeypatch, LOG_LEVEL="warning")
    logging_config = config["logconfig_dict"]
    assert logging_config["formatters"]["json"]["()"] == "server.logs.JsonFormatter"
    assert logging_config["loggers"]["gunicorn.error"]["level"] == "WARNING"


# ---- logging ---------------------------------------------------------------------------------------


def test_key_ref_is_short_stable_and_one_way():
    """A key is logged as the first 8 hex digits of its SHA-256."""
    assert logs.key_ref("abc") == "ba7816bf"  # sha256("abc") = ba7816bf8f01cfea...
    assert logs.key_ref("abc") == logs.key_ref("abc") != logs.key_ref("abd")


def test_logged_path_hides_the_dataset_key():
    """A path holding a dataset key is logged with the key's reference instead."""
    key = "Zq3xkP0v9d_secret-key"
    path = logs._logged_path(f"/api/datasets/{key}/kpis", {"key": key})
    assert path == f"/api/datasets/key:{logs.key_ref(key)}/kpis"
    assert logs._logged_path("/healthz", None) == "/healthz"


def test_json_formatter_writes_one_object_per_record():
    """An event record becomes one JSON line with time, level, pid and its fields; a message stays a message."""
    formatter = logs.JsonFormatter()
    record = logging.LogRecord("influencer_dashboard", logging.INFO, __file__, 1, "upload", None, None)
    record.fields = {"event": "upload", "file": "posts", "bytes": 12}
    line = json.loads(formatter.format(record))
    assert line["event"] == "upload" and line["file"] == "posts" and line["bytes"] == 12
    assert line["level"] == "INFO" and line["pid"] == os.getpid() and line["ts"].endswith("+00:00")
    plain = logging.LogRecord("gunicorn.error", logging.WARNING, __file__, 1, "Worker %s timeout", (7,), None)
    assert json.loads(formatter.format(plain))["message"] == "Worker 7 timeout"


@pytest.mark.parametrize(
    ("value", "level"), [("debug", 10), ("WARN", 30), ("Error", 40), (None, 20), ("", 20)]
)
def test_log_level_names_in_any_case(value, level):
    """LOG_LEVEL accepts level names in any case; unset means INFO."""
    assert logs.parse_level(value) == level


def test_log_level_refuses_an_unknown_name():
    """An unknown LOG_LEVEL is refused with the accepted names."""
    with pytest.raises(ValueError, match="DEBUG, INFO, WARNING"):
        logs.parse_level("verbose")


def test_log_level_is_honoured(monkeypatch):
    """At WARNING the per-request INFO lines are not written; at INFO they are."""
    stream = io.StringIO()
    logger = logs.configure_logging("WARNING")
    handler = next(h for h in logger.handlers if getattr(h, "_json_lines", False))
    monkeypatch.setattr(handler, "stream", stream)
    logs.log_event("request", path="/x")
    assert stream.getvalue() == ""
    logs.configure_logging("INFO")
    logs.log_event("request", path="/x")
    assert json.loads(stream.getvalue())["path"] == "/x"
    assert len([h for h in logger.handlers if getattr(h, "_json_lines", False)]) == 1


# ---- /healthz probe (no server needed) -------------------------------------------------------------


class FakeCache:
    """A cache that stores in a dict, optionally failing one operation."""

    def __init__(self, fail: str | None = None):
        self.data: dict = {}
        self.fail = fail

    def set(self, key, value, timeout=None):
        if self.fail == "set":
            return False
        if self.fail == "raise":
            raise ConnectionError("Error 111 connecting to redis://:hunter2@cache:6379")
        self.data[key] = value
        return True

    def get(self, key):
        return None if self.fail == "get" else self.data.get(key)

    def delete(self, key):
        self.data.pop(key, None)


@pytest.mark.parametrize(
    ("fail", "status", "error"),
    [
        (None, 200, None),
        ("set", 503, "write failed"),
        ("get", 503, "read failed"),
        ("raise", 503, "ConnectionError"),
    ],
)
def test_healthz_is_200_only_when_write_read_delete_work(fail, status, error):
    """The probe writes, reads back and deletes; any failure is a 503 naming what failed, never a secret."""
    cache = FakeCache(fail)
    with Flask(__name__).app_context():
        response = health.health_response(cache, "RedisCache")
    body = response.get_json()
    assert response.status_code == status
    assert body["status"] == ("ok" if status == 200 else "unavailable")
    assert body["cache"]["type"] == "RedisCache" and body["cache"]["reachable"] is (status == 200)
    assert body["cache"].get("error") == error
    assert "hunter2" not in response.get_data(as_text=True)
    assert cache.data == {}, "the probe entry is deleted"
    assert body["version"] == health.app_version() != "unknown"


# ---- a real gunicorn with 2 workers and the file cache ---------------------------------------------


@pytest.fixture(scope="module")
def file_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("gunicorn-file")
    env = {"CACHE_DIR": str(work / "cache"), "MAX_UPLOAD_MB": "0.01", "AUTOLOAD_DEMO": "false"}
    server = servers.start_gunicorn(work, env, workers=2, threads=2)
    with servers.running(server):
        yield server


@pytest.fixture(scope="module")
def keys(file_server):
    """Dataset A and dataset B, uploaded once: their keys and the pid that took each upload."""
    return servers.upload_both(file_server)


kpis_of = servers.kpis_of


@pytest.mark.slow
def test_healthz_over_http_reports_the_file_cache(file_server):
    """/healthz answers 200 with the cache type, reachable, the version and the worker pid header."""
    status, headers, body = servers.http_get(f"{file_server.url}/healthz")
    health_body = json.loads(body)
    assert status == 200
    assert health_body["cache"] == {**health_body["cache"], "type": "FileSystemCache", "reachable": True}
    assert int(headers[servers.WORKER_PID_HEADER]) in servers.worker_pids(file_server)


@pytest.mark.slow
def test_upload_returns_an_unguessable_key_and_row_counts(file_server):
    """POST /api/datasets answers 201 with a random URL-safe key (>= 32 bytes), rows kept and dropped."""
    response = servers.upload_dataset(file_server.url, servers.DATASET_A)
    body = response.json()
    assert response.status_code == 201
    assert len(body["key"]) >= 43 and body["key"].replace("-", "").replace("_", "").isalnum()
    assert body["rows"] == {"influencers": 2, "posts": 2, "tracking": 3, "payouts": 2}
    assert body["rows_dropped"] == {"influencers": 0, "posts": 0, "tracking": 0, "payouts": 0}
    assert isinstance(body["quality_rows"], int)
    again = servers.upload_dataset(file_server.url, servers.DATASET_A).json()["key"]
    assert again != body["key"], "every upload gets a fresh key"


@pytest.mark.slow
def test_kpis_match_the_hand_computed_values(file_server, keys):
    """Dataset A: revenue 3500, orders 3, spend 1200, ROAS 3500/1200; from 2025-01-07: 3000, 1000, 3.0."""
    kpis = kpis_of(file_server, keys["A"])
    assert (kpis["revenue"], kpis["orders"], kpis["spend"]) == (3500, 3, 1200)
    assert kpis["roas"] == pytest.approx(3500 / 1200)
    later = kpis_of(file_server, keys["A"], start="2025-01-07")
    assert (later["revenue"], later["spend"], later["roas"]) == (3000, 1000, pytest.approx(3.0))


@pytest.mark.slow
def test_undefined_kpis_are_null_and_the_model_is_echoed(file_server, keys):
    """A campaign without data gives null ratios (never NaN or inf in the JSON); the model used is stated."""
    response = servers.get(
        f"{file_server.url}/api/datasets/{keys['A']}/kpis", {"campaign": "Nope", "model": "linear"}
    )
    body = response.json()
    assert body["model"] == "linear" and body["filters"]["campaigns"] == ["Nope"]
    assert body["kpis"]["revenue"] == 0 and body["kpis"]["roas"] is None
    assert "NaN" not in response.text and "Infinity" not in response.text


@pytest.mark.slow
def test_a_date_on_the_data_bound_counts_as_unset(file_server, keys):
    """start=2025-01-05 (the data's first date) is no date filter, as in the dashboard's URL."""
    body = servers.get(f"{file_server.url}/api/datasets/{keys['A']}/kpis", {"start": "2025-01-05"}).json()
    assert body["filters"]["start"] is None
    assert body["kpis"]["spend"] == 1200


@pytest.mark.slow
def test_dataset_uploaded_through_one_worker_is_read_by_the_others(file_server, keys):
    """Reads of dataset A land on both workers, and every worker returns its hand-computed revenue."""
    servers.assert_read_by_other_workers(file_server, keys)


@pytest.mark.slow
def test_sessions_stay_isolated(file_server, keys):
    """Two keys, two datasets: each key always gives its own numbers, whichever worker answers."""
    servers.assert_isolated(file_server, keys)


@pytest.mark.slow
def test_datasets_live_in_the_cache_dir_not_in_a_worker(file_server):
    """An upload adds entries to CACHE_DIR on disk, where every worker (and a restarted one) finds them."""
    cache_dir = Path(file_server.env["CACHE_DIR"])
    before = set(cache_dir.iterdir())
    assert servers.upload_dataset(file_server.url, servers.DATASET_B).status_code == 201
    assert set(cache_dir.iterdir()) - before


@pytest.mark.slow
def test_export_is_the_dashboard_file_for_the_same_view(file_server, keys, tmp_path):
    """campaigns.csv over HTTP is byte for byte the file the export code writes for the same filters."""
    from metrics import export, ingest
    from metrics.filters import Filters
    from metrics.view import View

    for name, data in servers.DATASET_A.items():
        (tmp_path / f"{name}.csv").write_bytes(data)
    dataset = ingest.read_dir(tmp_path)
    for params, filters in (({}, Filters()), ({"start": "2025-01-07"}, Filters.make(start="2025-01-07"))):
        response = servers.get(f"{file_server.url}/api/datasets/{keys['A']}/export/campaigns.csv", params)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        assert response.content == export.to_csv_bytes(
            export.build_table("campaigns", View(dataset, filters))
        )
    rows = response.text.splitlines()
    header, spring = rows[0].split(","), rows[1].split(",")
    assert dict(zip(header, spring, strict=True))["revenue"] in {"3000", "3000.0"}


@pytest.mark.slow
def test_unknown_key_is_404_expired_and_keys_are_never_listed(file_server, keys):
    """An unknown key answers 404 {"error": "expired"}; the listing holds saved datasets, never session keys."""
    for path in ("kpis", "export/kpis.csv"):
        response = servers.get(f"{file_server.url}/api/datasets/not-a-real-key/{path}")
        assert (response.status_code, response.json()) == (404, {"error": "expired"})
    listing = servers.get(f"{file_server.url}/api/datasets")
    assert listing.status_code == 200 and isinstance(listing.json(), list)
    assert keys["A"] not in listing.text and keys["B"] not in listing.text
    assert servers.get(f"{file_server.url}/api/nothing/here").json() == {"error": "not found"}


@pytest.mark.slow
def test_bad_queries_are_400_naming_the_problem(file_server, keys):
    """A misspelt parameter, a bad date or an unknown model is refused, never silently ignored."""
    url = f"{file_server.url}/api/datasets/{keys['A']}/kpis"
    for params, needle in (({"campain": "Spring"}, "campain"), ({"start": "07/01/2025"}, "07/01/2025"),
                           ({"model": "magic"}, "magic")):  # fmt: skip
        response = servers.get(url, params)
        assert response.status_code == 400 and needle in response.json()["error"]
    unknown_file = servers.get(f"{file_server.url}/api/datasets/{keys['A']}/export/secrets.csv")
    assert unknown_file.status_code == 404 and "secrets.csv" in unknown_file.json()["error"]


@pytest.mark.slow
def test_upload_limits_and_rejections_match_the_data_tab(file_server):
    """Over MAX_UPLOAD_MB is 413; a missing column is 422 naming file and column; a missing file is 400."""
    too_big = {**servers.DATASET_A, "posts": servers.DATASET_A["posts"] * 80}  # > 0.01 MB
    response = servers.upload_dataset(file_server.url, too_big)
    assert response.status_code == 413 and response.json()["file"] == "posts"
    no_revenue = servers.DATASET_A["tracking"].replace(b",revenue", b",amount_x")
    response = servers.upload_dataset(file_server.url, {**servers.DATASET_A, "tracking": no_revenue})
    assert response.status_code == 422
    assert response.json()["file"].startswith("tracking") and "revenue" in response.json()["error"]
    response = servers.upload_dataset(
        file_server.url, {k: v for k, v in servers.DATASET_A.items() if k != "payouts"}
    )
    assert response.status_code == 400 and response.json()["missing"] == ["payouts"]


@pytest.mark.slow
def test_one_json_line_per_request_and_per_upload_without_data_or_keys(file_server, keys):
    """Requests and uploads are logged as JSON with their fields; no uploaded value and no full key appears."""
    servers.get(f"{file_server.url}/api/datasets/{keys['A']}/kpis")
    servers.upload_dataset(file_server.url, {**servers.DATASET_A, "posts": servers.DATASET_A["posts"] * 80})
    bad = servers.DATASET_A["tracking"].replace(b",revenue", b",amount_x")
    servers.upload_dataset(file_server.url, {**servers.DATASET_A, "tracking": bad})
    lines = file_server.json_log()
    requests_logged = [line for line in lines if line.get("event") == "request"]
    uploads_logged = [line for line in lines if line.get("event") == "upload"]
    assert requests_logged and uploads_logged
    for line in requests_logged:
        assert {"method", "path", "status", "duration_ms", "pid"} <= set(line)
        assert line["duration_ms"] >= 0
    assert f"/api/datasets/key:{logs.key_ref(keys['A'])}/kpis" in {line["path"] for line in requests_logged}
    tracking = [u for u in uploads_logged if u["file"] == "tracking" and u["status"] == "ok"]
    assert tracking[0]["rows_read"] == 3 and tracking[0]["rows_dropped"] == 0
    assert tracking[0]["bytes"] == len(servers.DATASET_A["tracking"]) and tracking[0]["parse_ms"] >= 0
    assert {u["status"] for u in uploads_logged} >= {"ok", "too_large", "rejected"}
    text = file_server.log()
    assert keys["A"] not in text and keys["B"] not in text
    assert servers.PRIVATE_MARKER not in text
    assert {line["pid"] for line in requests_logged} <= servers.worker_pids(file_server)


@pytest.mark.slow
def test_a_killed_worker_loses_no_session_data(file_server, keys):
    """SIGKILL the worker that took the upload; its replacement serves both datasets unchanged."""
    servers.assert_killed_worker_loses_nothing(file_server, keys)
