"""The Overview tab: revenue and spend over time, top campaigns and top influencers."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.common import export_button, panel


def section(title: str, body_id: str, export: str) -> dbc.Card:
    """Return a chart panel whose body a callback fills (a chart, or an empty state)."""
    return panel(
        title,
        dcc.Loading(html.Div(id=body_id, className="chart-body"), delay_show=300, type="dot"),
        actions=export_button(export),
    )


def layout() -> html.Div:
    """Build the Overview tab; callbacks/overview.py fills it."""
    return html.Div(
        [
            section("Revenue and spend over time", ids.OVERVIEW_TREND, "trends"),
            dbc.Row(
                [
                    dbc.Col(section("Top campaigns", ids.OVERVIEW_CAMPAIGNS, "campaigns"), xl=6),
                    dbc.Col(section("Top influencers", ids.OVERVIEW_INFLUENCERS, "influencers"), xl=6),
                ]
            ),
        ]
    )
