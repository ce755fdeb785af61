"""The Campaigns tab: the campaign table with iROAS, trends per campaign, and the campaign comparison."""

from __future__ import annotations

import json

from dash import Dash, Input, Output, State, html, no_update
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks.common import (
    NOTE,
    after_first_screen,
    caption,
    drawn,
    first_screen,
    kept_zoom,
    no_rows_state,
    tab_callback,
)
from callbacks.session import SessionState
from layouts import campaigns as layout
from layouts import ids
from layouts.common import GRAPH_HIDDEN, HIDDEN, model_caption
from metrics.incrementality import INTERVAL_NOTE
from store import datasets
from store.results import (
    COMPARED_METRICS,
    campaign_return_rows,
    campaign_rows,
    comparison_parts,
    stored_campaign_return_rows,
    trend_panel,
)


@tab_callback(NOTE, [], HIDDEN)
def update_campaigns(state: SessionState) -> tuple[Component | None, list[dict], dict]:
    """
    Return the campaign table's caption (or an empty state), its rows and the grid's style.

    The rows of a new filter state come without their incrementality columns, shown "…" until
    :func:`update_campaign_iroas` fills them: the bootstrap interval must not hold back the first paint.
    A filter state seen before gets its complete rows at once.
    """
    rows = stored_campaign_return_rows(state.key, state.filters, state.options)
    if rows is None:
        rows = campaign_rows(state.key, state.filters, state.options)
    if not rows:
        return no_rows_state("campaigns"), [], HIDDEN
    text = f"{model_caption(state.model)}. iROAS: incremental revenue ÷ spend, with its {INTERVAL_NOTE} (see the ROI tab)."
    return caption(text), rows, {}


def update_campaign_iroas(rows: list[dict] | None, store: dict | None) -> list[dict]:
    """
    Return the campaign grid's rows with incremental revenue, iROAS and its interval.

    Fired when the grid receives rows; rows that already hold iROAS are left as they are.
    """
    state = SessionState.from_store(store)
    if not rows or "iroas" in rows[0] or state.key is None or state.expired:
        raise PreventUpdate
    try:
        return campaign_return_rows(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        raise PreventUpdate from None


@tab_callback(no_update, GRAPH_HIDDEN, NOTE)
def update_campaign_trends(state: SessionState, shown: dict | None = None) -> tuple[dict, dict, Component]:
    """
    Return small multiples of revenue and spend per campaign over time, the graph's style and caption.

    ``shown`` is the figure on the page: its zoom is kept.
    """
    panel = trend_panel(state.key, state.filters, state.options)
    if panel["figure"] is None:
        return no_update, GRAPH_HIDDEN, no_rows_state("campaign-trends")
    return (
        *drawn(kept_zoom(json.loads(panel["figure"]), shown), tall=True),
        caption(
            f"{model_caption(state.model)}. Revenue (line) and dated spend (bars) per {panel['unit']}, "
            f"{panel['shown']} of {panel['count']} campaigns by revenue, on one scale. "
            "trends.csv holds the daily rows."
        ),
    )


@tab_callback([], no_update, None, no_update, GRAPH_HIDDEN, NOTE)
def update_comparison(state: SessionState, picked: list[str] | None, shown: dict | None = None) -> tuple:
    """
    Return the comparison dropdown's options and value, the picked campaigns' KPIs side by side, and
    their running revenue and spend overlaid (figure, graph style, caption or note).

    ``picked`` is the dropdown's value: None before the first pick, when the two campaigns with the most
    revenue are compared. Campaigns the filters removed are dropped from it. ``shown`` is the overlay on
    the page: its zoom is kept.
    """
    # The dropdown's value comes from the browser: only a list of names can be a pick.
    pick = None if picked is None else tuple(str(name) for name in picked)
    parts = comparison_parts(state.key, state.filters, state.options, pick)
    names, chosen = parts["names"], parts["chosen"]
    if not names:
        return [], picked or [], None, no_update, GRAPH_HIDDEN, no_rows_state("campaign-compare")
    options = [{"label": name, "value": name} for name in names]
    if parts["figure"] is None:
        note = html.P(
            "Pick at least two campaigns above to compare them.",
            className="text-body-secondary mb-0 tab-note",
        )
        return options, chosen, None, no_update, GRAPH_HIDDEN, note
    text = (
        f"{model_caption(state.model)}. Running totals: revenue solid, spend dotted; the gap "
        "between a campaign's two lines is its running profit."
    )
    table = layout.compared_table(COMPARED_METRICS, parts["cells"], chosen)
    figure = kept_zoom(json.loads(parts["figure"]), shown)
    return options, chosen, table, *drawn(figure, tall=True), caption(text)


def register(app: Dash) -> None:
    """
    Register the Campaigns tab callbacks (table, trends, comparison).

    The table, then its iROAS intervals, are the first screen: the trends and the comparison below it are
    asked for once the intervals have answered (``callbacks.common.first_screen``).
    """
    app.callback(
        Output(ids.CAMPAIGN_BODY, "children"),
        Output(ids.CAMPAIGN_TABLE, "rowData"),
        Output(ids.CAMPAIGN_TABLE_WRAP, "style"),
        Input(ids.SESSION_STORE, "data"),
    )(update_campaigns)
    app.callback(
        Output(ids.CAMPAIGN_TABLE, "rowData", allow_duplicate=True),
        Output(ids.CAMPAIGNS_FIRST_SCREEN, "data"),
        Input(ids.CAMPAIGN_TABLE, "rowData"),
        State(ids.SESSION_STORE, "data"),
        prevent_initial_call=True,
    )(first_screen(update_campaign_iroas))
    app.callback(
        Output(ids.CAMPAIGN_TREND_GRAPH, "figure"),
        Output(ids.CAMPAIGN_TREND_GRAPH, "style"),
        Output(ids.CAMPAIGN_TREND_BODY, "children"),
        Input(ids.SESSION_STORE, "data"),
        State(ids.CAMPAIGN_TREND_GRAPH, "figure"),
        Input(ids.CAMPAIGNS_FIRST_SCREEN, "data"),
    )(after_first_screen(update_campaign_trends))
    app.callback(
        Output(ids.CAMPAIGN_COMPARE, "options"),
        Output(ids.CAMPAIGN_COMPARE, "value"),
        Output(ids.CAMPAIGN_COMPARE_TABLE, "children"),
        Output(ids.CAMPAIGN_COMPARE_GRAPH, "figure"),
        Output(ids.CAMPAIGN_COMPARE_GRAPH, "style"),
        Output(ids.CAMPAIGN_COMPARE_BODY, "children"),
        Input(ids.SESSION_STORE, "data"),
        Input(ids.CAMPAIGN_COMPARE, "value"),
        State(ids.CAMPAIGN_COMPARE_GRAPH, "figure"),
        Input(ids.CAMPAIGNS_FIRST_SCREEN, "data"),
    )(after_first_screen(update_comparison))
