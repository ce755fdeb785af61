"""Sign-in, cross-site refusal, security headers, allowed hosts, option validation and key redaction.

In-process tests through Flask's test client (docs/security.md); the gunicorn side is in
tests/test_security_gunicorn.py and the browser side (CSP) in tests/browser/test_security_browser.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import logging
import math

import flask
import pytest
from werkzeug.security import generate_password_hash

from callbacks.session import SessionState, parse_query, update_session
from callbacks.topbar import update_user
from metrics.filters import Filters, InvalidOption, Options
from server import config, logs

try:
    from tests import servers
except ImportError:  # tests/ itself on sys.path (pytest's default import mode)
    import servers

PASSWORD = "correct horse battery staple"
USERS = {"asha": PASSWORD, "ben": "another secret 42"}


@pytest.fixture
def users_file(tmp_path):
    path = tmp_path / "users.txt"
    lines = ["# dashboard users", *(f"{name}:{generate_password_hash(pw)}" for name, pw in USERS.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def make_app(tmp_path):
    from app import create_app

    def factory(**settings):
        factory.count += 1  # each app its own saved-datasets folder
        base = {
            "CACHE_DIR": str(tmp_path / "cache"),
            "LIBRARY_DIR": str(tmp_path / f"library{factory.count}"),
        }
        return create_app({**base, "AUTOLOAD_DEMO": False, **settings})

    factory.count = 0
    return factory


@pytest.fixture
def log_stream():
    """Collect what the app's JSON log handler writes (its own filters included), as parsed lines."""
    handler = next(h for h in logs.logger.handlers if getattr(h, "_json_lines", False))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def _basic(name: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _upload(client, headers=None):
    data = {name: (io.BytesIO(body), f"{name}.csv") for name, body in servers.DATASET_A.items()}
    return client.post("/api/datasets", data=data, content_type="multipart/form-data", headers=headers or {})


def _protected_paths(app) -> list[tuple[str, str]]:
    """Every kind of route the app serves: page, Dash internals, a script, an asset, the API."""
    html = app.server.test_client().get("/").get_data(as_text=True)
    script = html.split('src="/_dash-component-suites/', 1)[1].split('"', 1)[0]
    return [
        ("GET", "/"),
        ("GET", "/_dash-layout"),
        ("GET", "/_dash-dependencies"),
        ("GET", f"/_dash-component-suites/{script}"),
        ("GET", "/assets/favicon.ico"),
        ("POST", "/_dash-update-component"),
        ("GET", "/api/datasets/somekey/kpis"),
        ("POST", "/api/datasets"),
    ]


# ---- sign-in ---------------------------------------------------------------------------------------


def test_no_sign_in_by_default(make_app):
    """AUTH_MODE=none: the open tool of today; flask.g.user is None on every request."""
    app = make_app()
    seen = []
    app.server.after_request(lambda response: seen.append(flask.g.get("user", "unset")) or response)
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert seen == [None, None]


def test_basic_sign_in_guards_every_route_but_healthz(make_app, users_file):
    """Without credentials: 401 on the page, Dash's routes, scripts, assets and the API; /healthz 200."""
    open_app = make_app()
    paths = _protected_paths(open_app)
    app = make_app(AUTH_MODE="basic", AUTH_USERS_FILE=str(users_file))
    client = app.server.test_client()
    for method, path in paths:
        response = client.open(path, method=method, json={} if path == "/_dash-update-component" else None)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert client.get("/healthz").status_code == 200
    signed_in = _basic("asha", PASSWORD)
    for method, path in paths[:5]:
        assert client.open(path, method=method, headers=signed_in).status_code == 200, path


def test_wrong_credentials_get_one_answer_whatever_was_wrong(make_app, users_file):
    """Unknown user, wrong password, malformed header: the same 401 body, never a 500."""
    client = make_app(AUTH_MODE="basic", AUTH_USERS_FILE=str(users_file)).server.test_client()
    attempts = [
        _basic("nobody", PASSWORD),
        _basic("asha", "wrong"),
        _basic("asha", ""),
        _basic("", PASSWORD),
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
        {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode()},
        {"Authorization": "Bearer abc"},
        {"Authorization": "Basic"},
    ]
    bodies = set()
    for headers in attempts:
        response = client.get("/", headers=headers)
        assert response.status_code == 401, headers
        bodies.add(response.get_data(as_text=True))
    assert len(bodies) == 1
    assert "password" not in bodies.pop().lower()


def test_signed_in_user_in_request_log_and_top_bar_never_the_password(make_app, users_file, log_stream):
    """The request log line names the user; the password appears in no log line."""
    app = make_app(AUTH_MODE="basic", AUTH_USERS_FILE=str(users_file))
    client = app.server.test_client()
    assert client.get("/", headers=_basic("asha", PASSWORD)).status_code == 200
    assert client.get("/", headers=_basic("asha", "wrong-pw")).status_code == 401
    requests_logged = [line for line in _lines(log_stream) if line.get("event") == "request"]
    assert [(line["status"], line["user"]) for line in requests_logged] == [(200, "asha"), (401, None)]
    assert PASSWORD not in log_stream.getvalue() and "wrong-pw" not in log_stream.getvalue()
    with app.server.test_request_context("/"):
        flask.g.user = "asha"
        assert update_user("/") == ("asha", "topbar-user text-light small", "Signed in as asha")
        flask.g.user = None
        assert update_user("/")[1].endswith("d-none")


def test_a_user_added_to_the_file_can_sign_in_without_a_restart(make_app, users_file):
    """The documented one-line command appends name:hash; the running server reads the file again."""
    client = make_app(AUTH_MODE="basic", AUTH_USERS_FILE=str(users_file)).server.test_client()
    assert client.get("/", headers=_basic("chloe", "new-pw")).status_code == 401
    with users_file.open("a", encoding="utf-8") as handle:
        handle.write(f"chloe:{generate_password_hash('new-pw')}\n")
    assert client.get("/", headers=_basic("chloe", "new-pw")).status_code == 200


def test_proxy_sign_in_takes_the_user_from_the_header(make_app, log_stream):
    """AUTH_MODE=proxy: no header (or an empty one) is a 401; the header's value is the user."""
    app = make_app(AUTH_MODE="proxy")
    client = app.server.test_client()
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"X-Forwarded-User": "  "}).status_code == 401
    assert client.get("/", headers={"X-Forwarded-User": "a\tb"}).status_code == 401
    assert client.get("/", headers={"X-Forwarded-User": "x" * 257}).status_code == 401
    assert client.get("/api/datasets/x/kpis").status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get("/", headers={"X-Forwarded-User": "asha@corp"}).status_code == 200
    users = [line["user"] for line in _lines(log_stream) if line.get("event") == "request"]
    assert users[-2:] == [None, "asha@corp"]
    other = make_app(AUTH_MODE="proxy", AUTH_PROXY_HEADER="X-Remote-User").server.test_client()
    assert other.get("/", headers={"X-Forwarded-User": "asha"}).status_code == 401
    assert other.get("/", headers={"X-Remote-User": "asha"}).status_code == 200


@pytest.mark.parametrize(
    ("settings", "name"),
    [
        ({"AUTH_MODE": "ldap"}, "AUTH_MODE"),
        ({"AUTH_MODE": "basic"}, "AUTH_USERS_FILE"),
        ({"AUTH_MODE": "basic", "AUTH_USERS_FILE": "/nonexistent/users.txt"}, "AUTH_USERS_FILE"),
        ({"AUTH_PROXY_HEADER": "X User"}, "AUTH_PROXY_HEADER"),
        ({"ALLOWED_HOSTS": "dash.corp:8050"}, "ALLOWED_HOSTS"),
        ({"WORKER_PID_HEADER": "maybe"}, "WORKER_PID_HEADER"),
    ],
)
def test_bad_security_settings_stop_start_up_naming_the_variable(settings, name):
    with pytest.raises(config.ConfigError, match=name):
        config.settings(settings, environ={})


@pytest.mark.parametrize("content", ["asha\n", "asha:plaintext\n", "", "# only a comment\n"])
def test_a_malformed_users_file_stops_start_up(tmp_path, content):
    path = tmp_path / "users.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(config.ConfigError, match="AUTH_USERS_FILE"):
        config.settings({"AUTH_MODE": "basic", "AUTH_USERS_FILE": str(path)}, environ={})


def test_security_settings_are_read_from_the_environment(users_file):
    parsed = config.settings(
        environ={
            "AUTH_MODE": "Basic",
            "AUTH_USERS_FILE": str(users_file),
            "ALLOWED_HOSTS": "Dash.Corp, 127.0.0.1 ,",
        }
    )
    assert parsed["AUTH_MODE"] == "basic"
    assert parsed["ALLOWED_HOSTS"] == ("dash.corp", "127.0.0.1")
    defaults = config.settings(environ={})
    assert (defaults["AUTH_MODE"], defaults["AUTH_PROXY_HEADER"], defaults["ALLOWED_HOSTS"]) == (
        "none",
        "X-Forwarded-User",
        (),
    )


# ---- cross-site writes -----------------------------------------------------------------------------


def test_cross_site_upload_is_refused(make_app):
    """A form posted from another site: 403 JSON, nothing stored; same-origin and scripts still work."""
    client = make_app().server.test_client()
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    ):
        response = _upload(client, headers)
        assert response.status_code == 403, headers
        assert response.is_json and "cross-site" in response.json["error"]
    assert _upload(client, {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}).status_code == 201
    assert _upload(make_app().server.test_client()).status_code == 201  # curl or a script: no Origin


def test_cross_site_refusal_covers_every_unsafe_method_under_the_api(make_app):
    """Any POST/PUT/PATCH/DELETE under /api/ (routes added later included) is checked before routing."""
    client = make_app().server.test_client()
    evil = {"Origin": "https://evil.example"}
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.open("/api/datasets/somekey", method=method, headers=evil).status_code == 403
    assert client.get("/api/datasets/somekey/kpis", headers=evil).status_code == 404  # reads: not refused


def test_origin_with_the_servers_port_is_same_origin(make_app):
    client = make_app().server.test_client()
    headers = {"Origin": "http://dash.corp:9999", "Host": "dash.corp:8050"}
    assert _upload(client, headers).status_code == 403
    headers = {"Origin": "http://dash.corp:8050", "Host": "dash.corp:8050"}
    assert _upload(client, headers).status_code == 201


# ---- headers and hosts -----------------------------------------------------------------------------


def test_security_headers_on_page_api_and_assets(make_app):
    client = make_app().server.test_client()
    for path in ("/", "/api/datasets/x/kpis", "/assets/favicon.ico", "/healthz", "/_dash-layout"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert "X-Worker-Pid" not in response.headers
    script_src = client.get("/").headers["Content-Security-Policy"].split("script-src ")[1].split(";")[0]
    assert "'unsafe-inline'" not in script_src and "'sha256-" in script_src
    assert "http" not in csp and "*" not in csp  # no origin but the server's own


def test_worker_pid_header_only_when_asked_for(make_app):
    assert "X-Worker-Pid" in make_app(WORKER_PID_HEADER=True).server.test_client().get("/healthz").headers


def test_allowed_hosts_refuses_other_host_headers(make_app):
    """A DNS-rebinding page reaches the server under its own host name: 400; /healthz stays open."""
    client = make_app(ALLOWED_HOSTS="dash.corp,127.0.0.1").server.test_client()
    assert client.get("/", headers={"Host": "dash.corp"}).status_code == 200
    assert client.get("/", headers={"Host": "DASH.corp:8050"}).status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1:8050"}).status_code == 200
    refused = client.get("/api/datasets/x/kpis", headers={"Host": "rebind.evil.example"})
    assert refused.status_code == 400 and refused.json == {"error": "unknown host"}
    assert client.get("/", headers={"Host": "dash.corp.evil.example"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "localhost:8050"}).status_code == 200
    assert make_app().server.test_client().get("/", headers={"Host": "any.host"}).status_code == 200


# ---- option validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("half_life=nan", "half_life"),
        ("half_life=inf", "half_life"),
        ("half_life=0", "half_life"),
        ("half_life=366", "half_life"),
        ("lookback=1e20", "lookback"),
        ("lookback=100000000000000000000", "lookback"),
        ("lookback=-1", "lookback"),
        ("lookback=2.5", "lookback"),
        ("lookback=nan", "lookback"),
        ("window=0", "window"),
        ("window=inf", "window"),
        ("window=abc", "window"),
        ("start=2300-01-01", "start"),
        ("end=1899-12-31", "end"),
        ("start=10000-01-01", "start"),
        ("start=notadate", "start"),
    ],
)
def test_api_refuses_out_of_range_options_naming_the_parameter(make_app, query, parameter):
    client = make_app().server.test_client()
    key = _upload(client).json["key"]
    response = client.get(f"/api/datasets/{key}/kpis?{query}")
    assert response.status_code == 400
    assert response.is_json
    assert response.json["parameter"] == parameter
    assert parameter in response.json["error"]


def test_api_accepts_the_ends_of_each_range(make_app):
    client = make_app().server.test_client()
    key = _upload(client).json["key"]
    for query in ("lookback=0", "lookback=365", "half_life=0.5", "half_life=365", "window=1", "window=365"):
        assert client.get(f"/api/datasets/{key}/kpis?{query}").status_code == 200, query
    # Dataset A from 2025-01-07 (hand-computed in tests/servers.py): revenue 3000.
    response = client.get(f"/api/datasets/{key}/kpis?start=2025-01-07&end=2199-12-31")
    assert response.json["kpis"]["revenue"] == 3000
    response = client.get(f"/api/datasets/{key}/kpis?start=1900-01-01")
    assert response.json["kpis"]["revenue"] == 3500


def test_options_and_filters_refuse_out_of_range_values_wherever_they_come_from():
    """The metrics' own values check the ranges, so the API, the CLI and the callbacks share one rule."""
    for name, value in (("half_life", math.nan), ("lookback", 10**20), ("window", math.inf)):
        with pytest.raises(InvalidOption) as raised:
            Options(**{name: value})
        assert raised.value.name == name
    with pytest.raises(InvalidOption, match="lookback"):
        Options(lookback=True)  # a bool is no number of days
    with pytest.raises(InvalidOption, match="start"):
        Filters.make(start="2300-01-01")
    with pytest.raises(InvalidOption, match="end"):
        Filters(end=dt.date(1800, 1, 1))
    assert Options(lookback=365, half_life=0.5, window=365).lookback == 365


def test_a_forged_session_store_never_reaches_the_metrics_with_such_dates():
    """Edited session storage, URL or date-picker values out of range read as "not set"."""
    state = SessionState.from_store(
        {"key": "k", "filters": {"start": "2300-01-01", "campaigns": ["A"]}, "model": "linear"}
    )
    assert state.filters.start is None
    filters, _, _ = parse_query("?start=2300-01-01&end=1800-01-01&campaign=A")
    assert (filters.start, filters.end, filters.campaigns) == (None, None, ("A",))
    store = update_session({"key": "k", "summary": None}, "2300-01-01", "0001-01-01", None, *[None] * 7)
    assert store["filters"]["start"] is None and store["filters"]["end"] is None


# ---- keys in logs ----------------------------------------------------------------------------------


def test_exception_log_and_request_log_never_hold_a_key(make_app, monkeypatch, caplog, log_stream):
    """A failing API request: Flask's exception line, its traceback and the request line show key:<ref>."""
    from server import api

    app = make_app()
    client = app.server.test_client()
    key = _upload(client).json["key"]

    def broken(*args, **kwargs):
        raise RuntimeError(f"could not read dataset {key}")

    monkeypatch.setattr(api.results, "kpi_table", broken)
    with caplog.at_level(logging.ERROR):
        assert client.get(f"/api/datasets/{key}/kpis").status_code == 500
        assert client.get(f"/api/datasets/{key}/kpis/").status_code == 404
        assert client.get(f"/api/datasets/{key}/other/path").status_code == 404
    flask_lines = caplog.text
    assert "Exception on /api/datasets/key:" in flask_lines and "RuntimeError" in flask_lines
    request_lines = log_stream.getvalue()
    assert request_lines.count("/api/datasets/key:") >= 3
    for text in (flask_lines, request_lines):
        assert key not in text


def test_redaction_keeps_lines_readable():
    key = "Abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE"
    assert logs.redact(f"GET /api/datasets/{key}/kpis/") == f"GET /api/datasets/key:{logs.key_ref(key)}/kpis/"
    assert logs.redact(f"KeyError: '{key}'") == f"KeyError: 'key:{logs.key_ref(key)}'"
    untouched = "File test_a_very_long_snake_case_name_of_43_chars.py, /api/datasets, /healthz"
    assert logs.redact(untouched) == untouched


@pytest.mark.parametrize(
    ("option", "name"), [(("--start", "2300-01-01"), "start"), (("--half-life", "nan"), "half_life")]
)
def test_cli_refuses_out_of_range_options_with_a_usage_error(tmp_path, capsys, option, name):
    """`python -m metrics export` applies the same ranges: exit status 2 and a message naming the option."""
    from metrics.__main__ import main as cli_main

    data = servers.DATASET_A
    folder = tmp_path / "data"
    folder.mkdir()
    for file, body in data.items():
        (folder / f"{file}.csv").write_bytes(body)
    assert cli_main(["export", "--data", str(folder), "--out", str(tmp_path / "out"), *option]) == 2
    assert name in capsys.readouterr().err
