"""The one Flask-Caching object of the dashboard: saved datasets and memoized results share it.

``create_app`` binds it to the Flask server with the configured backend (docs/configuration.md, "What is
stored where"): a bounded file cache on one host (``store.filecache``), or Redis shared by every host.
"""

from __future__ import annotations

from flask_caching import Cache

cache = Cache()
