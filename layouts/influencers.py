"""The Influencers tab: one row per influencer with reach, engagement, revenue, spend and ratios."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.common import export_button, panel


def layout() -> html.Div:
    """Build the Influencers tab; callbacks/influencers.py fills the table."""
    return panel(
        "Influencers",
        dcc.Loading(html.Div(id=ids.INFLUENCER_BODY), delay_show=300, type="dot"),
        actions=export_button("influencers"),
    )
