"""The Payouts tab: the payout ledger (what was paid against what the units say)."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.common import export_button, panel


def layout() -> html.Div:
    """Build the Payouts tab; callbacks/payouts.py fills the ledger."""
    return panel(
        "Payout ledger",
        dcc.Loading(html.Div(id=ids.PAYOUT_BODY), delay_show=300, type="dot"),
        actions=export_button("payouts"),
    )
