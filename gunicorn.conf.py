"""Gunicorn settings, read from the environment (docs/deployment.md, "Configuration").

Used by the Docker image (``gunicorn --config gunicorn.conf.py wsgi:server``) and by anyone serving the
app with gunicorn directly. Every worker is an independent process: datasets and memoized results live
in the shared cache (files in CACHE_DIR, or Redis), never in a worker's memory, so any worker can answer
any request and a restarted worker loses nothing.
"""

import os


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, got {value}")
    return value


host = os.environ.get("HOST", "0.0.0.0")  # all interfaces inside a container; set 127.0.0.1 on a bare host
port = _positive_int("PORT", 8050)
bind = [f"{host}:{port}"]

workers = _positive_int("GUNICORN_WORKERS", 2)
threads = _positive_int("GUNICORN_THREADS", 4)
worker_class = "gthread"
# Long enough for a first view of a large dataset and for a report, which is built in the request
# (docs/reports.md): a few seconds on the demo data.
timeout = _positive_int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5

# Restart each worker after a while: pandas/pyarrow workers can keep memory they no longer use. Safe
# because no session state lives in a worker. The jitter keeps workers from restarting together.
max_requests = _positive_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max(1, max_requests // 10)

# Not preloaded: each worker builds its own app, so no cache or background-job connection (sqlite,
# sockets) is opened in the master and shared by forked workers.
preload_app = False

# The heartbeat file on tmpfs: a container's overlay filesystem can stall it and get workers killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# The app writes one JSON line per request itself (with the worker pid): no second access log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
if loglevel == "warn":
    loglevel = "warning"
# Gunicorn's own lines (worker boot, timeout, exit) as JSON too, so the whole stream parses as JSON lines.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "server.logs.JsonFormatter"}},
    # Dataset keys replaced by a short reference in every line, an access log's path included.
    "filters": {"redact_keys": {"()": "server.logs.RedactKeys"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
            "filters": ["redact_keys"],
        }
    },
    "root": {"level": loglevel.upper(), "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {
            "level": loglevel.upper(),
            "handlers": ["console"],
            "propagate": False,
            "filters": ["redact_keys"],
        },
        # To get gunicorn's access log, give this logger the "console" handler.
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False, "filters": ["redact_keys"]},
    },
}


def post_worker_init(worker) -> None:
    """Finish the app's one-time setup before the worker takes traffic (app.prepare says why)."""
    from app import prepare

    prepare(worker.wsgi)  # the Flask server this worker has just loaded (wsgi:server)


forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
