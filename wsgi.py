"""The WSGI entry of the dashboard: ``gunicorn --config gunicorn.conf.py wsgi:server``.

Importing this module builds the app once from the environment (docs/configuration.md); ``app.py`` only
defines :func:`app.create_app` and the development server, and builds nothing when imported.
"""

from __future__ import annotations

from app import create_app

server = create_app().server
