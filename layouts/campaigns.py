"""The Campaigns tab: one row per campaign with revenue, spend and their ratios."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.common import export_button, panel


def layout() -> html.Div:
    """Build the Campaigns tab; callbacks/campaigns.py fills the table."""
    return panel(
        "Campaigns",
        dcc.Loading(html.Div(id=ids.CAMPAIGN_BODY), delay_show=300, type="dot"),
        actions=export_button("campaigns"),
    )
