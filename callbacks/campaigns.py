"""The Campaigns tab: the campaign table of the session's filters."""

from __future__ import annotations

from dash import Dash, Input, Output, html
from dash.development.base_component import Component

from callbacks import cache, datasets
from callbacks.common import expired_notice, no_rows_state, records, unavailable
from callbacks.session import SessionState
from layouts import ids
from layouts.common import grid, model_caption


def update_campaigns(store: dict | None) -> Component:
    """Return the campaign table (one row per campaign) with its model caption, or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    try:
        table = cache.campaign_table(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice()
    if table.empty:
        return no_rows_state("campaigns")
    return html.Div(
        [
            html.Div(model_caption(state.model), className="panel-caption small text-body-secondary mb-2"),
            grid(ids.CAMPAIGN_TABLE, table.columns, records(table)),
        ]
    )


def register(app: Dash) -> None:
    """Register the Campaigns tab callback."""
    app.callback(Output(ids.CAMPAIGN_BODY, "children"), Input(ids.SESSION_STORE, "data"))(update_campaigns)
