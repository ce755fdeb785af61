"""Dash callbacks, one module per part of the page; each exposes ``register(app)``.

Callbacks are thin: read the session store, load frames by key (store/datasets.py), call
``metrics`` through the cache (store/results.py), build figures (figures/). Plain ``update_*``
functions hold the logic so tests call them without a browser.
"""

from __future__ import annotations

from dash import Dash

# Registration order does not matter to Dash; listed page frame first, then the tabs.
MODULES = (
    "session",
    "sidebar",
    "topbar",
    "theme",
    "kpis",
    "tabs",
    "data",
    "library",
    "overview",
    "campaigns",
    "roi",
    "influencers",
    "payouts",
    "export",
    "reports",
)


def register_all(app: Dash) -> None:
    """Register the callbacks of every module in ``MODULES``."""
    from importlib import import_module

    for name in MODULES:
        import_module(f"callbacks.{name}").register(app)
