"""The Payouts tab: the payout ledger of the influencers passing the influencer filters."""

from __future__ import annotations

from dash import Dash, Input, Output, html
from dash.development.base_component import Component

from callbacks import cache, datasets
from callbacks.common import expired_notice, no_rows_state, records, unavailable
from callbacks.session import SessionState
from layouts import ids
from layouts.common import grid

CAPTION = "Payouts carry no dates or campaigns: the ledger follows the platform, category, gender and tier filters only."


def update_payouts(store: dict | None) -> Component:
    """Return the payout ledger with its caption, or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    try:
        table = cache.payout_ledger(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice()
    if table.empty:
        return no_rows_state("payouts")
    return html.Div(
        [
            html.Div(CAPTION, className="panel-caption small text-body-secondary mb-2"),
            grid(ids.PAYOUT_TABLE, table.columns, records(table)),
        ]
    )


def register(app: Dash) -> None:
    """Register the Payouts tab callback."""
    app.callback(Output(ids.PAYOUT_BODY, "children"), Input(ids.SESSION_STORE, "data"))(update_payouts)
