"""The ROI tab: spend, revenue, ROAS and ROI per campaign."""

from __future__ import annotations

from dash import Dash, Input, Output, html
from dash.development.base_component import Component

from callbacks import cache, datasets
from callbacks.common import expired_notice, no_rows_state, records, unavailable
from callbacks.session import SessionState
from layouts import ids
from layouts.common import grid, model_caption

COLUMNS = [
    "campaign",
    "spend",
    "revenue",
    "roas",
    "roi",
    "cpa",
    "incremental_revenue",
    "iroas",
    "iroas_low",
    "iroas_high",
]


def update_roi(store: dict | None) -> Component:
    """Return the return-on-spend columns of the campaign table, or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    try:
        table = cache.campaign_table(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice()
    if table.empty:
        return no_rows_state("roi")
    shown = table[[column for column in COLUMNS if column in table.columns]]
    return html.Div(
        [
            html.Div(model_caption(state.model), className="panel-caption small text-body-secondary mb-2"),
            grid(ids.ROI_TABLE, shown.columns, records(shown)),
        ]
    )


def register(app: Dash) -> None:
    """Register the ROI tab callback."""
    app.callback(Output(ids.ROI_BODY, "children"), Input(ids.SESSION_STORE, "data"))(update_roi)
