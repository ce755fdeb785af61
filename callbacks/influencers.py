"""The Influencers tab: the influencer table of the session's filters."""

from __future__ import annotations

from dash import Dash, Input, Output, html
from dash.development.base_component import Component

from callbacks import cache, datasets
from callbacks.common import expired_notice, no_rows_state, records, unavailable
from callbacks.session import SessionState
from layouts import ids
from layouts.common import grid, model_caption


def update_influencers(store: dict | None) -> Component:
    """Return the influencer table (one row per influencer) with its model caption, or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    try:
        table = cache.influencer_table(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice()
    if table.empty:
        return no_rows_state("influencers")
    return html.Div(
        [
            html.Div(model_caption(state.model), className="panel-caption small text-body-secondary mb-2"),
            grid(ids.INFLUENCER_TABLE, table.columns, records(table)),
        ]
    )


def register(app: Dash) -> None:
    """Register the Influencers tab callback."""
    app.callback(Output(ids.INFLUENCER_BODY, "children"), Input(ids.SESSION_STORE, "data"))(
        update_influencers
    )
