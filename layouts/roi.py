"""The ROI tab: return on spend per campaign."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.common import export_button, panel


def layout() -> html.Div:
    """Build the ROI tab; callbacks/roi.py fills the table."""
    return panel(
        "Return on spend by campaign",
        dcc.Loading(html.Div(id=ids.ROI_BODY), delay_show=300, type="dot"),
        actions=export_button("campaigns"),
    )
