"""The Influencer Campaign Dashboard: ``create_app`` builds the Dash app; importing this module builds nothing.

Run the development server with ``python app.py [--host H] [--port P] [--debug]`` (``make dev``), or
serve ``wsgi:server`` with gunicorn (``make run``). Settings come from environment variables
(docs/configuration.md).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dash import Dash
    from flask import Flask

ASSETS = Path(__file__).resolve().parent / "assets"


def create_app(config: Mapping[str, Any] | None = None) -> Dash:
    """
    Build the dashboard: Flask server, cache, layout and callbacks.

    Parameters
    ----------
    config : Mapping, optional
        Settings overriding the environment (docs/configuration.md), e.g.
        ``{"CACHE_DIR": "/tmp/cache", "AUTOLOAD_DEMO": False}``.

    Returns
    -------
    Dash
        The app; ``app.server`` is its Flask server.
    """
    # Imported here, not at the top: importing app (for create_app, or the development server's parser)
    # loads no Dash, pandas or metrics until an app is built. wsgi.py builds the one gunicorn serves.
    import dash_bootstrap_components  # noqa: F401  (registers the component library before layouts)
    from dash import Dash
    from flask import Flask

    import callbacks
    from layouts import shell, theme
    from layouts.topbar import PRODUCT_NAME
    from server import api, errors, health, logs, security, upload_slot
    from server import config as settings
    from store.backend import cache

    options = settings.settings(config)
    logging.getLogger().setLevel(options["LOG_LEVEL"])
    server = Flask(__name__)
    server.config.update(options)
    # Any upload the Data tab allows fits; a bigger request is refused with 413 before it is read.
    server.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes(options)
    if options["CACHE_TYPE"] == "FileSystemCache":
        Path(options["CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
    cache.init_app(server, config=settings.cache_config(options))

    app = Dash(
        __name__,
        server=server,
        title=PRODUCT_NAME,
        assets_folder=str(ASSETS),
        external_stylesheets=[],
        external_scripts=[],
        serve_locally=True,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        # A callback that raises logs its traceback and shows what failed; its outputs stay as they were.
        on_error=errors.callback_error,
        assets_ignore=theme.ASSETS_IGNORE,
    )
    # The theme script runs in <head>, before the first paint (layouts/theme.py); ?m= as Dash's own asset links.
    stamp = int((ASSETS / theme.SCRIPT).stat().st_mtime)
    app.index_string = theme.index_string(f"{app.get_asset_url(theme.SCRIPT)}?m={stamp}")
    app.layout = shell.layout
    server.extensions["dashboard"] = app  # for prepare(), which gunicorn calls with the server
    with server.app_context():
        app.validation_layout = shell.validation_layout()
    callbacks.register_all(app)
    # Sign-in, host and cross-site checks, security headers (docs/security.md); before any other hook
    # that reads flask.g.user.
    security.register(app)
    # Deployment: JSON request/upload logs, /healthz and the HTTP API (docs/deployment.md).
    logs.configure_logging(options["LOG_LEVEL"])
    logs.install_redaction(server.logger)
    logs.init_request_logging(server)
    errors.register_request_limit(app)
    errors.register_failure_areas(app)
    upload_slot.register(app)
    health.register(server)
    api.register(server)
    return app


def prepare(server: Flask) -> None:
    """
    Finish the Dash app's one-time server setup now, before the process answers any request.

    Dash does it on the first request and marks it done before it has registered its script
    libraries, so under a threaded server the first concurrent requests for
    ``/_dash-component-suites/...`` could be answered 500 ("not a registered library").
    gunicorn.conf.py calls this in every worker before it accepts connections.
    """
    dash_app = server.extensions["dashboard"]
    with server.test_request_context("/"):
        dash_app._setup_server()


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser of the development server."""
    parser = argparse.ArgumentParser(description="Serve the dashboard with the development server.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    parser.add_argument("--debug", action="store_true", help="reload on code changes and show Dash dev tools")
    return parser


if __name__ == "__main__":
    arguments = build_parser().parse_args()
    create_app().run(host=arguments.host, port=arguments.port, debug=arguments.debug)
