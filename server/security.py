"""Sign-in, cross-site refusal, security headers and allowed hosts (docs/security.md).

Every request passes, in this order: ``flask.g.user`` is set to None; a ``Host`` outside
``ALLOWED_HOSTS`` gets 400; without a signed-in user (``AUTH_MODE`` basic or proxy) it gets 401; a
cross-site write to the API gets 403. ``/healthz`` is exempt from the first two checks: it tells a
load balancer whether the worker works and shows no data. Every response carries the security headers.

Sign-in uses dash-auth's :class:`dash_auth.BasicAuth` (and its :class:`dash_auth.auth.Auth` base for the
proxy mode) with two changes: the ``Authorization`` header is parsed by Werkzeug, so a malformed one is
a 401 rather than a 500, and no route is public but ``/healthz`` (dash-auth makes Dash's scripts and
layout public by default; here they need a user too).
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import threading
from collections import OrderedDict

import dash_auth
import flask
from dash import Dash
from dash_auth.auth import Auth
from flask import Flask, g, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

from server.config import ConfigError, read_users
from server.logs import log_event

PUBLIC_PATHS = frozenset({"/healthz"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GUARDED_PREFIX = "/api/"
REALM = "Influencer Campaign Dashboard"
# A successful check of a user's password is remembered (per worker, by a keyed digest of the
# credentials, never the password): a page load sends dozens of requests and each scrypt check costs
# tens of milliseconds.
VERIFIED_CACHE_SIZE = 256
MAX_USER_LENGTH = 256

# Dash writes its own inline scripts (the renderer's start, clientside callbacks): they are allowed by
# their hashes (Dash.csp_hashes), never by 'unsafe-inline', so an injected <script> or event handler
# does not run. 'unsafe-eval' is needed by the plotly.js bundle Dash serves: its WebGL traces (the ROI
# and Influencers scatters) compile their shaders' glue code with Function(); without it those charts
# stay blank. Styles: Dash's components and Plotly set inline style attributes and write <style> rules,
# which CSP cannot allow by hash, hence 'unsafe-inline' for styles only (a style cannot run code).
# Images: Plotly's and the upload previews' data: URLs. No other origin is allowed for anything: the
# app serves everything it loads (docs/security.md, "Decisions").
CSP_TEMPLATE = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-eval' {script_hashes}; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class UsersFile:
    """The users of an ``AUTH_USERS_FILE``, read again when the file changes (a user added needs no restart)."""

    def __init__(self, path: str):
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._users = read_users(path)
        self._stamp = self._file_stamp()

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def users(self) -> dict[str, str]:
        """Return ``{name: hash}``; a file made unreadable or malformed keeps the last good users (logged)."""
        stamp = self._file_stamp()
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    try:
                        self._users = read_users(self.path)
                    except ConfigError as exc:
                        log_event("auth_users_file_invalid", logging.ERROR, error=str(exc))
                    self._stamp = stamp
        return self._users


# Compared against when the user name is unknown, so an unknown name costs the same time as a wrong
# password and the answer's timing does not tell which part was wrong.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


def _sign_in_required() -> flask.Response:
    response = jsonify({"error": "sign-in required"})
    response.status_code = 401
    return response


class _GuardEveryRoute:
    """Check for a signed-in user before every request but those to the public paths (`/healthz`)."""

    def _protect(self) -> None:
        server = self.app.server

        @server.before_request
        def _require_user():
            if request.path in PUBLIC_PATHS or self.is_authorized():
                return None
            return self.login_request()


class FileBasicAuth(_GuardEveryRoute, dash_auth.BasicAuth):
    """HTTP basic sign-in against an ``AUTH_USERS_FILE`` of Werkzeug password hashes."""

    def __init__(self, app: Dash, users_file: str):
        self._users_file = UsersFile(users_file)
        self._verified: OrderedDict[bytes, str] = OrderedDict()
        self._verified_lock = threading.Lock()
        self._digest_key = secrets.token_bytes(32)
        super().__init__(app, auth_func=self.check)

    def check(self, username: str, password: str) -> bool:
        """Return True when ``password`` is ``username``'s (a constant-time hash comparison)."""
        hashed = self._users_file.users().get(username)
        if hashed is None:
            check_password_hash(_DUMMY_HASH, password)
            return False
        return check_password_hash(hashed, password)

    def is_authorized(self) -> bool:
        credentials = request.authorization
        if credentials is None or credentials.type != "basic":
            return False
        username, password = credentials.username or "", credentials.password or ""
        if not username:
            return False
        hashed = self._users_file.users().get(username, "")
        digest = hmac.digest(self._digest_key, f"{username}\0{password}\0{hashed}".encode(), "sha256")
        with self._verified_lock:
            known = self._verified.get(digest)
            if known is not None:
                self._verified.move_to_end(digest)
        if known is None:
            if not self.check(username, password):
                return False
            with self._verified_lock:
                self._verified[digest] = username
                while len(self._verified) > VERIFIED_CACHE_SIZE:
                    self._verified.popitem(last=False)
        g.user = username
        return True

    def login_request(self) -> flask.Response:
        response = _sign_in_required()
        response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
        return response


class ProxyAuth(_GuardEveryRoute, Auth):
    """Sign-in done by the company's proxy: the user name comes in a request header it sets."""

    def __init__(self, app: Dash, header: str):
        self.header = header
        super().__init__(app)

    def is_authorized(self) -> bool:
        user = request.headers.get(self.header, "").strip()
        # A name is shown in the top bar and written to the log: no control characters, no novels.
        if not user or len(user) > MAX_USER_LENGTH or not user.isprintable():
            return False
        g.user = user
        return True

    def login_request(self) -> flask.Response:
        return _sign_in_required()


def _hostname(host: str) -> str:
    """Return the host name of a ``Host`` header value, without its port, in lower case."""
    host = host.strip().lower()
    if host.startswith("["):  # an IPv6 literal: "[::1]:8050"
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def origin_is_this_server(origin: str, host: str) -> bool:
    """
    Return True when an ``Origin`` header names this server (same host and port as ``Host``).

    Examples
    --------
    >>> origin_is_this_server("http://dash.internal:8050", "dash.internal:8050")
    True
    >>> origin_is_this_server("https://evil.example", "dash.internal:8050")
    False
    >>> origin_is_this_server("null", "dash.internal:8050")
    False
    """
    scheme, sep, rest = origin.strip().lower().partition("://")
    if not sep or scheme not in ("http", "https") or not rest:
        return False
    default_port = ":443" if scheme == "https" else ":80"
    rest = rest.removesuffix(default_port)
    host = host.strip().lower()
    return hmac.compare_digest(rest, host.removesuffix(default_port))


def cross_site_write() -> str | None:
    """Return why the current request is a refused cross-site write, or None when it may go on."""
    if request.method in SAFE_METHODS or not request.path.startswith(GUARDED_PREFIX):
        return None
    if request.headers.get("Sec-Fetch-Site", "").strip().lower() == "cross-site":
        return "cross-site"
    origin = request.headers.get("Origin")
    if origin is not None and not origin_is_this_server(origin, request.host):
        return "origin"
    return None


class ContentSecurityPolicy:
    """The page's Content-Security-Policy: Dash's inline scripts allowed by hash, recomputed if they change."""

    def __init__(self, app: Dash):
        self.app = app
        self._count: int | None = None
        self._value = ""

    def value(self) -> str:
        count = len(self.app._inline_scripts)
        if count != self._count:
            hashes = " ".join(self.app.csp_hashes())
            self._value = CSP_TEMPLATE.format(script_hashes=hashes)
            self._count = len(self.app._inline_scripts)
        return self._value


def register(app: Dash) -> None:
    """
    Add the request checks and security headers to ``app``'s server, from its settings.

    Call it after the callbacks are registered (their inline scripts go into the CSP) and before any
    other ``before_request`` hook that reads ``flask.g.user``.
    """
    server: Flask = app.server
    allowed_hosts = tuple(server.config.get("ALLOWED_HOSTS") or ())
    mode = server.config.get("AUTH_MODE", "none")
    policy = ContentSecurityPolicy(app)

    @server.before_request
    def _anonymous() -> None:
        g.user = None

    if allowed_hosts:

        @server.before_request
        def _check_host():
            if request.path in PUBLIC_PATHS:
                return None
            if _hostname(request.host) not in allowed_hosts:
                log_event("host_refused", logging.WARNING, path=request.path)
                return jsonify({"error": "unknown host"}), 400
            return None

    if mode == "basic":
        FileBasicAuth(app, server.config["AUTH_USERS_FILE"])
    elif mode == "proxy":
        ProxyAuth(app, server.config["AUTH_PROXY_HEADER"])

    @server.before_request
    def _refuse_cross_site():
        reason = cross_site_write()
        if reason is None:
            return None
        log_event("cross_site_refused", logging.WARNING, path=request.path, reason=reason)
        return jsonify({"error": "cross-site requests cannot change data"}), 403

    @server.after_request
    def _security_headers(response: flask.Response) -> flask.Response:
        for name, value in STATIC_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", policy.value())
        return response
