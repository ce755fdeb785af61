"""Settings of the dashboard, read from environment variables (docs/configuration.md).

``settings(overrides)`` merges, in increasing priority: the defaults below, the environment, and the
mapping passed to ``create_app``. Values are parsed and checked here once, so a typo in a variable stops
the server at start-up with a message naming the variable instead of failing on the first upload.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CACHE_TYPES = ("FileSystemCache", "RedisCache", "SimpleCache", "NullCache")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
AUTH_MODES = ("none", "basic", "proxy")

DEFAULTS: dict[str, Any] = {
    "CACHE_TYPE": "FileSystemCache",
    "CACHE_DIR": str(Path(tempfile.gettempdir()) / "influencer-dashboard-cache"),
    "CACHE_DEFAULT_TIMEOUT": 24 * 3600,
    "CACHE_THRESHOLD": 5000,
    "CACHE_MAX_MB": 2048.0,
    "CACHE_REDIS_URL": "",
    "CACHE_KEY_PREFIX": "influencer-dashboard:",
    "MAX_UPLOAD_MB": 200.0,
    "MAX_ROWS": None,
    "DATA_DIR": "",
    # Saved datasets (docs/deployment.md, "Saved datasets"): next to app.py unless set.
    "LIBRARY_DIR": str(Path(__file__).resolve().parent.parent / "library"),
    "LOG_LEVEL": "INFO",
    "AUTOLOAD_DEMO": True,
    "TESTING": False,
    # Sign-in and request checks (docs/security.md).
    "AUTH_MODE": "none",
    "AUTH_USERS_FILE": "",
    "AUTH_PROXY_HEADER": "X-Forwarded-User",
    "ALLOWED_HOSTS": "",
    "WORKER_PID_HEADER": False,
}

# The upload callback's request: four upload areas, one file each, sent as base64 data URLs
# ("data:text/csv;base64,..."), with the file names, the dataset summary and Dash's envelope around them.
# The overhead also covers every other callback's request (the largest, a campaign grid's rows sent back
# for their iROAS, is tens of kB), so a small MAX_UPLOAD_MB never refuses an ordinary request.
UPLOAD_AREAS = 4
DATA_URL_PREFIX_BYTES = 1024
REQUEST_OVERHEAD_BYTES = 8 * 1024 * 1024

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """Raise when a setting has a value that cannot be used; the message names the setting."""


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {value!r}")


def _as_number(name: str, value: Any, kind: type, *, minimum: float, allow_none: bool = False) -> Any:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if allow_none:
            return None
        raise ConfigError(f"{name} must be set")
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {value!r}") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value!r}")
    return number


def settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """
    Return the parsed settings: defaults, then the environment, then ``overrides``.

    Parameters
    ----------
    overrides : Mapping, optional
        Explicit values (``create_app(config)``), taking priority over the environment.
    environ : Mapping, optional
        The environment to read; ``os.environ`` by default.

    Returns
    -------
    dict
        Every key of ``DEFAULTS``, typed. ``CACHE_TYPE`` becomes ``RedisCache`` when ``CACHE_REDIS_URL``
        is set and no cache type was given explicitly.

    Raises
    ------
    ConfigError
        When a value cannot be parsed; the message names the variable.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    raw: dict[str, Any] = dict(DEFAULTS)
    raw.update({name: environ[name] for name in DEFAULTS if name in environ})
    raw.update(overrides)
    cache_type_given = "CACHE_TYPE" in overrides or "CACHE_TYPE" in environ

    parsed = dict(raw)
    parsed["CACHE_REDIS_URL"] = str(raw["CACHE_REDIS_URL"] or "").strip()
    if parsed["CACHE_REDIS_URL"] and not cache_type_given:
        parsed["CACHE_TYPE"] = "RedisCache"
    if parsed["CACHE_TYPE"] not in CACHE_TYPES:
        raise ConfigError(f"CACHE_TYPE must be one of {', '.join(CACHE_TYPES)}, got {raw['CACHE_TYPE']!r}")
    if parsed["CACHE_TYPE"] == "RedisCache" and not parsed["CACHE_REDIS_URL"]:
        raise ConfigError("CACHE_TYPE=RedisCache needs CACHE_REDIS_URL (e.g. redis://localhost:6379/0)")
    parsed["CACHE_DIR"] = str(raw["CACHE_DIR"])
    parsed["CACHE_DEFAULT_TIMEOUT"] = _as_number(
        "CACHE_DEFAULT_TIMEOUT", raw["CACHE_DEFAULT_TIMEOUT"], int, minimum=0
    )
    parsed["CACHE_THRESHOLD"] = _as_number("CACHE_THRESHOLD", raw["CACHE_THRESHOLD"], int, minimum=0)
    parsed["CACHE_MAX_MB"] = _as_number("CACHE_MAX_MB", raw["CACHE_MAX_MB"], float, minimum=0.1)
    parsed["MAX_UPLOAD_MB"] = _as_number("MAX_UPLOAD_MB", raw["MAX_UPLOAD_MB"], float, minimum=0)
    parsed["MAX_ROWS"] = _as_number("MAX_ROWS", raw["MAX_ROWS"], int, minimum=1, allow_none=True)
    parsed["DATA_DIR"] = str(raw["DATA_DIR"] or "").strip()
    parsed["LIBRARY_DIR"] = str(raw["LIBRARY_DIR"] or "").strip() or DEFAULTS["LIBRARY_DIR"]
    parsed["LOG_LEVEL"] = str(raw["LOG_LEVEL"]).strip().upper()
    if parsed["LOG_LEVEL"] not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {raw['LOG_LEVEL']!r}")
    parsed["AUTOLOAD_DEMO"] = _as_bool("AUTOLOAD_DEMO", raw["AUTOLOAD_DEMO"])
    parsed["TESTING"] = _as_bool("TESTING", raw["TESTING"])
    _auth_settings(raw, parsed)
    parsed["WORKER_PID_HEADER"] = _as_bool("WORKER_PID_HEADER", raw["WORKER_PID_HEADER"])
    # Settings unknown to this module (e.g. Flask options passed by a caller) are kept as given.
    return parsed


def _auth_settings(raw: Mapping[str, Any], parsed: dict[str, Any]) -> None:
    """Check the sign-in settings and ALLOWED_HOSTS (docs/security.md); the users file is read here too."""
    mode = str(raw["AUTH_MODE"] or "none").strip().lower()
    if mode not in AUTH_MODES:
        raise ConfigError(f"AUTH_MODE must be one of {', '.join(AUTH_MODES)}, got {raw['AUTH_MODE']!r}")
    parsed["AUTH_MODE"] = mode
    parsed["AUTH_USERS_FILE"] = str(raw["AUTH_USERS_FILE"] or "").strip()
    if mode == "basic":
        if not parsed["AUTH_USERS_FILE"]:
            raise ConfigError("AUTH_MODE=basic needs AUTH_USERS_FILE (one name:hash line per user)")
        read_users(parsed["AUTH_USERS_FILE"])  # a missing or malformed file stops start-up
    header = str(raw["AUTH_PROXY_HEADER"] or "").strip()
    if not header or not all(ch.isalnum() or ch == "-" for ch in header):
        raise ConfigError(f"AUTH_PROXY_HEADER must be an HTTP header name, got {raw['AUTH_PROXY_HEADER']!r}")
    parsed["AUTH_PROXY_HEADER"] = header
    hosts = raw["ALLOWED_HOSTS"]
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    names = tuple(str(host).strip().lower() for host in hosts or () if str(host).strip())
    for name in names:
        if any(ch in name for ch in "/@ ") or (":" in name and not name.startswith("[")):
            raise ConfigError(
                f"ALLOWED_HOSTS must be a comma-separated list of host names without ports, got {name!r}"
            )
    parsed["ALLOWED_HOSTS"] = names


def max_upload_bytes(config: Mapping[str, Any]) -> int:
    """Return the per-file upload limit in bytes (``MAX_UPLOAD_MB`` mebibytes)."""
    return int(float(config["MAX_UPLOAD_MB"]) * 1024 * 1024)


def max_request_bytes(config: Mapping[str, Any]) -> int:
    """
    Return the largest request body the server accepts (Flask's ``MAX_CONTENT_LENGTH``).

    The biggest request the dashboard itself sends is the upload callback's: the four upload areas, each
    holding at most one file of ``MAX_UPLOAD_MB`` (the browser refuses a bigger one before reading it) as
    a base64 data URL, plus the callback's other inputs. Anything larger is refused with 413 before it is
    read (docs/configuration.md, "Decisions").

    Examples
    --------
    >>> max_request_bytes({"MAX_UPLOAD_MB": 3})  # 4 x (4 MiB of base64 + its data-URL prefix) + 8 MiB
    25169920
    """
    per_file = 4 * -(-max_upload_bytes(config) // 3) + DATA_URL_PREFIX_BYTES
    return UPLOAD_AREAS * per_file + REQUEST_OVERHEAD_BYTES


def cache_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Return the Flask-Caching configuration for the chosen backend."""
    out: dict[str, Any] = {
        "CACHE_TYPE": config["CACHE_TYPE"],
        "CACHE_DEFAULT_TIMEOUT": config["CACHE_DEFAULT_TIMEOUT"],
        "CACHE_KEY_PREFIX": config["CACHE_KEY_PREFIX"],
    }
    if config["CACHE_TYPE"] == "FileSystemCache":
        # Flask-Caching's file cache bounded in bytes as well (store/filecache.py).
        out["CACHE_TYPE"] = "store.filecache.BoundedFileSystemCache"
        out["CACHE_DIR"] = config["CACHE_DIR"]
        out["CACHE_THRESHOLD"] = config["CACHE_THRESHOLD"]
        out["CACHE_MAX_BYTES"] = int(float(config.get("CACHE_MAX_MB", DEFAULTS["CACHE_MAX_MB"])) * 2**20)
    elif config["CACHE_TYPE"] == "RedisCache":
        out["CACHE_REDIS_URL"] = config["CACHE_REDIS_URL"]
    elif config["CACHE_TYPE"] == "SimpleCache":
        out["CACHE_THRESHOLD"] = config["CACHE_THRESHOLD"]
    return out


def read_users(path: str | os.PathLike) -> dict[str, str]:
    """
    Read an ``AUTH_USERS_FILE``: one ``name:hash`` a line, the hash from Werkzeug's
    ``generate_password_hash``; blank lines and lines starting with ``#`` are skipped.

    Raises
    ------
    ConfigError
        When the file cannot be read, has a line that is not ``name:hash``, names a user twice or has
        no user; the message names AUTH_USERS_FILE and the line number, never a hash.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"AUTH_USERS_FILE {str(path)!r} cannot be read: {type(exc).__name__}") from None
    users: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, hashed = line.partition(":")
        name, hashed = name.strip(), hashed.strip()
        # Werkzeug's hashes read "method$salt$hash" (scrypt:..., pbkdf2:...).
        if not sep or not name or hashed.count("$") != 2:
            raise ConfigError(
                f"AUTH_USERS_FILE line {number}: expected name:hash (a hash from "
                "werkzeug.security.generate_password_hash)"
            )
        if name in users:
            raise ConfigError(f"AUTH_USERS_FILE line {number}: user {name!r} is listed twice")
        users[name] = hashed
    if not users:
        raise ConfigError(f"AUTH_USERS_FILE {str(path)!r} lists no user")
    return users
