"""The Campaigns tab: the campaign table with iROAS, trends per campaign, and the campaign comparison."""

from __future__ import annotations

import json

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks.common import expired_notice, no_rows_state, unavailable
from callbacks.overview import GRAPH_CONFIG
from callbacks.session import SessionState
from layouts import campaigns as layout
from layouts import ids
from layouts.common import model_caption
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


def graph(figure: go.Figure | dict) -> dcc.Graph:
    """Return a graph as tall as its figure (a responsive graph otherwise takes its container's height)."""
    height = figure["layout"]["height"] if isinstance(figure, dict) else figure.layout.height
    return dcc.Graph(figure=figure, config=GRAPH_CONFIG, style={"height": f"{height}px"})


def _caption(text: str) -> html.Div:
    return html.Div(text, className="panel-caption small text-body-secondary mb-2")


def update_campaigns(store: dict | None) -> tuple[Component | None, list[dict], dict]:
    """
    Return the campaign table's caption (or an empty state), its rows and the grid's style.

    The rows of a new filter state come without their incrementality columns, shown "…" until
    :func:`update_campaign_iroas` fills them: the bootstrap interval must not hold back the first paint.
    A filter state seen before gets its complete rows at once.
    """
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked, [], layout.HIDDEN
    try:
        rows = stored_campaign_return_rows(state.key, state.filters, state.options)
        if rows is None:
            rows = campaign_rows(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice(), [], layout.HIDDEN
    if not rows:
        return no_rows_state("campaigns"), [], layout.HIDDEN
    caption = _caption(
        f"{model_caption(state.model)}. iROAS: incremental revenue ÷ spend, with its {INTERVAL_NOTE} "
        "(see the ROI tab)."
    )
    return caption, rows, {}


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


def update_campaign_trends(store: dict | None) -> Component:
    """Return small multiples of revenue and spend per campaign over time, or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    try:
        panel = trend_panel(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice()
    if panel["figure"] is None:
        return no_rows_state("campaign-trends")
    return html.Div(
        [
            graph(json.loads(panel["figure"])),
            _caption(
                f"{model_caption(state.model)}. Revenue (line) and dated spend (bars) per {panel['unit']}, "
                f"{panel['shown']} of {panel['count']} campaigns by revenue, on one scale. "
                "trends.csv holds the daily rows."
            ),
        ]
    )


def compared_kpis(cells: list[list[str]], campaigns: list[str]) -> html.Div:
    """Return the picked campaigns' KPIs side by side from :func:`compared_cells`."""
    header = html.Thead(
        html.Tr(
            [html.Th("Metric", scope="col")]
            + [html.Th(c, scope="col", className="text-end") for c in campaigns]
        )
    )
    body = html.Tbody(
        [
            html.Tr([layout.kpi_name(metric)] + [html.Td(cell, className="text-end") for cell in row])
            for metric, row in zip(COMPARED_METRICS, cells, strict=True)
        ]
    )
    return html.Div(
        html.Table([header, body], className="table table-sm table-hover compare-table mb-3"),
        className="table-responsive",
    )


def update_comparison(
    store: dict | None, picked: list[str] | None
) -> tuple[list[dict], list[str], Component]:
    """
    Return the comparison dropdown's options and value, and the comparison of the picked campaigns.

    Parameters
    ----------
    store : dict or None
        The session store.
    picked : list of str or None
        The dropdown's value; None before the first pick, when the two campaigns with the most revenue
        are compared. Campaigns the filters removed are dropped from it.

    Returns
    -------
    tuple
        Options, value, and the body: the KPIs side by side and the running revenue and spend overlaid,
        or a note asking for two campaigns, or an empty state.
    """
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return [], picked or [], blocked
    # The dropdown's value comes from the browser: only a list of names can be a pick.
    pick = None if picked is None else tuple(str(name) for name in picked)
    try:
        parts = comparison_parts(state.key, state.filters, state.options, pick)
    except datasets.DatasetExpired:
        return [], picked or [], expired_notice()
    names, chosen = parts["names"], parts["chosen"]
    if not names:
        return [], picked or [], no_rows_state("campaign-compare")
    options = [{"label": name, "value": name} for name in names]
    if parts["figure"] is None:
        note = html.P(
            "Pick at least two campaigns above to compare them.",
            className="text-body-secondary mb-0 tab-note",
        )
        return options, chosen, note
    return (
        options,
        chosen,
        html.Div(
            [
                compared_kpis(parts["cells"], chosen),
                graph(json.loads(parts["figure"])),
                _caption(
                    f"{model_caption(state.model)}. Running totals: revenue solid, spend dotted; the gap "
                    "between a campaign's two lines is its running profit."
                ),
            ]
        ),
    )


def register(app: Dash) -> None:
    """Register the Campaigns tab callbacks (table, trends, comparison)."""
    app.callback(
        Output(ids.CAMPAIGN_BODY, "children"),
        Output(ids.CAMPAIGN_TABLE, "rowData"),
        Output(ids.CAMPAIGN_TABLE_WRAP, "style"),
        Input(ids.SESSION_STORE, "data"),
    )(update_campaigns)
    app.callback(
        Output(ids.CAMPAIGN_TABLE, "rowData", allow_duplicate=True),
        Input(ids.CAMPAIGN_TABLE, "rowData"),
        State(ids.SESSION_STORE, "data"),
        prevent_initial_call=True,
    )(update_campaign_iroas)
    app.callback(Output(ids.CAMPAIGN_TREND_BODY, "children"), Input(ids.SESSION_STORE, "data"))(
        update_campaign_trends
    )
    app.callback(
        Output(ids.CAMPAIGN_COMPARE, "options"),
        Output(ids.CAMPAIGN_COMPARE, "value"),
        Output(ids.CAMPAIGN_COMPARE_BODY, "children"),
        Input(ids.SESSION_STORE, "data"),
        Input(ids.CAMPAIGN_COMPARE, "value"),
    )(update_comparison)
