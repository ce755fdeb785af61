"""The tab bar and the registry of tabs: id, visible label and the module whose ``layout()`` fills it.

Adding a tab: write ``layouts/<tab>.py`` with ``layout()``, ``callbacks/<tab>.py`` with ``register(app)``
(its callbacks take ``Input(ids.SESSION_STORE, "data")`` and output into components of its layout), a
``figures/<tab>.py`` for its charts, its ids in layouts/ids.py, then list it in ``TABS`` below and its
callbacks module in ``callbacks.MODULES``. Only the active tab is rendered (callbacks/tabs.py);
``app.validation_layout`` holds every tab so Dash knows all ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from layouts import campaigns, data, ids, influencers, overview, payouts, roi


class TabSpec(NamedTuple):
    """One tab: its ``tab_id``, visible label and layout builder."""

    tab_id: str
    label: str
    layout: Callable[[], Component]


def with_first_screen(build: Callable[[], html.Div], store_id: str) -> Callable[[], html.Div]:
    """
    Return ``build`` with the tab's first-screen store (``ids.FIRST_SCREEN``) appended to its body.

    The store orders the tab's callbacks (callbacks.common.after_first_screen): the panels below the first
    screen are asked for once it is answered, so on a first visit the chart in view does not share the
    server with every slower panel of the tab.
    """

    def layout() -> html.Div:
        body = build()
        children = body.children if isinstance(body.children, list) else [body.children]
        body.children = [*children, dcc.Store(id=store_id)]
        return body

    layout.__doc__ = build.__doc__
    return layout


TABS = (
    TabSpec(ids.TAB_OVERVIEW, "Overview", overview.layout),
    TabSpec(ids.TAB_CAMPAIGNS, "Campaigns", with_first_screen(campaigns.layout, ids.CAMPAIGNS_FIRST_SCREEN)),
    TabSpec(ids.TAB_ROI, "ROI", with_first_screen(roi.layout, ids.ROI_FIRST_SCREEN)),
    TabSpec(
        ids.TAB_INFLUENCERS,
        "Influencers",
        with_first_screen(influencers.layout, ids.INFLUENCERS_FIRST_SCREEN),
    ),
    TabSpec(ids.TAB_PAYOUTS, "Payouts", with_first_screen(payouts.layout, ids.PAYOUTS_FIRST_SCREEN)),
    TabSpec(ids.TAB_DATA, "Data", data.layout),
)
BY_ID = {tab.tab_id: tab for tab in TABS}
DEFAULT_TAB = ids.TAB_OVERVIEW


def tab_bar() -> dbc.Tabs:
    """Return the tab bar (labels only: callbacks/tabs.py renders the active tab's body)."""
    return dbc.Tabs(
        [dbc.Tab(label=tab.label, tab_id=tab.tab_id) for tab in TABS],
        id=ids.TABS,
        active_tab=DEFAULT_TAB,
        className="main-tabs mb-3 flex-grow-1",
    )


def body(tab_id: str | None) -> Component:
    """Return the layout of tab ``tab_id`` (the default tab for an unknown id)."""
    return BY_ID.get(tab_id or DEFAULT_TAB, BY_ID[DEFAULT_TAB]).layout()
