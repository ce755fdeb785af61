"""Hardening seen through a real gunicorn: workers ready before traffic, no dataset key in any log line.

Each test starts its own gunicorn (tests/servers.py) on a free loopback port and stops it by pid.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from server import logs

try:
    from tests import servers
except ImportError:  # tests/ itself on sys.path (pytest's default import mode)
    import servers

ROOT = Path(__file__).resolve().parent.parent
SCRIPT_REQUESTS = 40


def _script_paths(tmp_path: Path) -> list[str]:
    """Return the /_dash-component-suites/ script paths the page loads (read from an in-process app)."""
    from app import create_app

    app = create_app({"CACHE_DIR": str(tmp_path / "probe-cache"), "AUTOLOAD_DEMO": False})
    html = app.server.test_client().get("/").get_data(as_text=True)
    paths = sorted(set(re.findall(r'src="(/_dash-component-suites/[^"]+)"', html)))
    assert len(paths) >= 5, html[:2000]
    return paths


def _start_cold(
    tmp_path: Path, env: dict[str, str], *, threads: int = 8, config: str = "gunicorn.conf.py"
) -> servers.Server:
    """Start gunicorn with one worker and return as soon as its port accepts connections (no request sent)."""
    port = servers.free_port()
    log_path = tmp_path / f"gunicorn-{port}.log"
    full_env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        **env,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": str(threads),
    }
    full_env.pop("PYTHONPATH", None)
    command = [sys.executable, "-m", "gunicorn", "--config", config, "wsgi:server"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, cwd=ROOT, env=full_env)
    server = servers.Server(process, port, log_path, dict(env))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{server.log()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server  # the master listens; the worker may still be booting: requests queue
        except OSError:
            time.sleep(0.02)
    servers.stop(server)
    raise TimeoutError("gunicorn did not listen")


def test_first_requests_after_a_start_all_succeed(tmp_path):
    """Three cold starts, each hit at once by the page and 40 script requests: every answer is a 200."""
    scripts = _script_paths(tmp_path)
    paths = ["/", *(scripts[i % len(scripts)] for i in range(SCRIPT_REQUESTS))]
    env = {"CACHE_DIR": str(tmp_path / "cache"), "AUTOLOAD_DEMO": "false", "LOG_LEVEL": "WARNING"}
    failures: list[tuple[int, str, int]] = []
    for attempt in range(3):
        with servers.running(_start_cold(tmp_path, env)) as server:

            def fetch(path: str, url: str = server.url) -> tuple[str, int]:
                with requests.Session() as session:
                    return path, session.get(url + path, timeout=60).status_code

            with ThreadPoolExecutor(len(paths)) as pool:
                answers = list(pool.map(fetch, paths))
            failures += [(attempt, path, status) for path, status in answers if status != 200]
    assert failures == [], failures


def test_no_dataset_key_in_gunicorn_logs(tmp_path):
    """Request log lines, unmatched API paths and a failed request never write a dataset key."""
    env = {
        "CACHE_DIR": str(tmp_path / "cache"),
        "LIBRARY_DIR": str(tmp_path / "library"),
        "AUTOLOAD_DEMO": "false",
        "LOG_LEVEL": "INFO",
    }
    with servers.running(servers.start_gunicorn(tmp_path, env, workers=1)) as server:
        uploaded = servers.upload_dataset(server.url, servers.DATASET_A)
        assert uploaded.status_code == 201, uploaded.text
        key = uploaded.json()["key"]
        urls = [
            f"{server.url}/api/datasets/{key}/kpis/",  # unmatched (trailing slash)
            f"{server.url}/api/datasets/{key}/nothing/here",
            f"{server.url}/api/datasets/{key}/kpis",
            f"{server.url}/api/datasets/{key}/kpis?lookback=1e20",
            f"{server.url}/{key}",
        ]
        statuses = [servers.get(url).status_code for url in urls]
        assert statuses == [404, 404, 200, 400, 200]
        time.sleep(0.5)  # let the worker flush its last lines
        log = server.log()
    assert key not in log
    assert f"key:{logs.key_ref(key)}" in log  # the lines are there, with the reference instead


def test_gunicorn_access_log_lines_are_redacted(monkeypatch, capsys):
    """gunicorn.conf.py's logging config redacts a key in an access-log line once that log is switched on."""
    import logging.config

    for name in ("HOST", "PORT", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    logconfig = json.loads(json.dumps(config["logconfig_dict"]))
    logconfig["loggers"]["gunicorn.access"]["handlers"] = ["console"]  # as a user enabling it would
    names = ("", "gunicorn.access", "gunicorn.error")
    saved = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).level) for name in names}
    logging.config.dictConfig(logconfig)
    try:
        key = "Abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE"
        logging.getLogger("gunicorn.access").info(
            '%(h)s "%(r)s" %(s)s',
            {"h": "127.0.0.1", "r": f"GET /api/datasets/{key}/kpis/ HTTP/1.1", "s": 404},
        )
        captured = capsys.readouterr().err
    finally:
        for name, (handlers, level) in saved.items():
            logging.getLogger(name).handlers[:] = handlers
            logging.getLogger(name).setLevel(level)
    assert "GET /api/datasets/key:" in captured
    assert key not in captured


def test_worker_pid_header_off_by_default(tmp_path):
    """A production server (no WORKER_PID_HEADER) does not tell clients its process ids."""
    env = {"CACHE_DIR": str(tmp_path / "cache"), "AUTOLOAD_DEMO": "false", "WORKER_PID_HEADER": "false"}
    with servers.running(servers.start_gunicorn(tmp_path, env, workers=1)) as server:
        response = servers.get(f"{server.url}/healthz")
    assert response.status_code == 200
    assert "X-Worker-Pid" not in response.headers
