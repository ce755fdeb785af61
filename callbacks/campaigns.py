"""The Campaigns tab: the campaign table with iROAS, trends per campaign, and the campaign comparison."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from dash import Dash, Input, Output, State, dcc, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks import cache, datasets
from callbacks.common import expired_notice, no_rows_state, records, unavailable
from callbacks.overview import GRAPH_CONFIG
from callbacks.session import SessionState
from figures import campaigns as charts
from layouts import campaigns as layout
from layouts import ids
from layouts.common import model_caption
from metrics import formats, incrementality
from metrics.filters import Filters, Options

IROAS_COLUMNS = ["incremental_revenue", "iroas", "iroas_low", "iroas_high"]
DEFAULT_COMPARED = 2
# The comparison's rows: metric column -> how its cell is written.
COMPARED_METRICS = {
    "revenue": formats.inr,
    "orders": lambda value: formats.number(value, 0 if float(value).is_integer() else 1),
    "spend": formats.inr,
    "roas": formats.ratio,
    "roi": lambda value: formats.percent(value, 1, signed=True),
    "cpa": formats.inr,
    "aov": formats.inr,
    "touched_users": formats.number,
    "conversion_rate": formats.percent,
    "incremental_revenue": formats.inr,
    "iroas": formats.ratio,
}


@cache.cache.memoize()
def _campaign_returns_ipc(key: str, filters: Filters, options: Options) -> bytes:
    view = cache.view(key, filters, options)
    return cache.to_ipc(
        incrementality.add_iroas(cache.campaign_table(key, filters, options), view, "campaign")
    )


def campaign_returns(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """
    Return the campaign table with its incrementality columns (campaigns.csv plus ``insufficient_data``).

    ``metrics.tables.campaign_table`` joined by ``metrics.incrementality.add_iroas(..., "campaign")``,
    computed once per (dataset, filters, options).
    """
    return cache.from_ipc(_campaign_returns_ipc(key, filters, options))


def graph(figure: go.Figure | dict) -> dcc.Graph:
    """Return a graph as tall as its figure (a responsive graph otherwise takes its container's height)."""
    height = figure["layout"]["height"] if isinstance(figure, dict) else figure.layout.height
    return dcc.Graph(figure=figure, config=GRAPH_CONFIG, style={"height": f"{height}px"})


def _caption(text: str) -> html.Div:
    return html.Div(text, className="panel-caption small text-body-secondary mb-2")


def update_campaigns(store: dict | None) -> tuple[Component | None, list[dict], dict]:
    """
    Return the campaign table's caption (or an empty state), its rows and the grid's style.

    The rows come without their incrementality columns, shown "…" until :func:`update_campaign_iroas`
    fills them: the bootstrap interval must not hold back the first paint.
    """
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked, [], layout.HIDDEN
    try:
        table = cache.campaign_table(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice(), [], layout.HIDDEN
    if table.empty:
        return no_rows_state("campaigns"), [], layout.HIDDEN
    caption = _caption(
        f"{model_caption(state.model)}. iROAS: incremental revenue ÷ spend, with its 95% interval "
        "(see the ROI tab)."
    )
    return caption, records(table), {}


def update_campaign_iroas(rows: list[dict] | None, store: dict | None) -> list[dict]:
    """
    Return the campaign grid's rows with incremental revenue, iROAS and its interval.

    Fired when the grid receives rows; rows that already hold iROAS are left as they are.
    """
    state = SessionState.from_store(store)
    if not rows or "iroas" in rows[0] or state.key is None or state.expired:
        raise PreventUpdate
    try:
        table = campaign_returns(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        raise PreventUpdate from None
    return records(table)


@cache.cache.memoize()
def trend_figure(key: str, filters: Filters, options: Options) -> str | None:
    """Return the per-campaign trend figure as JSON (None when the filters leave no trend), cached."""
    trend = cache.trends(key, filters, options)
    if trend.empty:
        return None
    return pio.to_json(charts.trends_by_campaign(trend))


def update_campaign_trends(store: dict | None) -> Component:
    """Return small multiples of revenue and spend per campaign over time, or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    try:
        figure = trend_figure(state.key, state.filters, state.options)
        trend = cache.trends(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice()
    if figure is None:
        return no_rows_state("campaign-trends")
    _, unit = charts.campaign_period_sums(trend)
    count = charts.campaign_names(trend).nunique()
    shown = min(count, charts.SMALL_MULTIPLES)
    return html.Div(
        [
            graph(json.loads(figure)),
            _caption(
                f"{model_caption(state.model)}. Revenue (line) and dated spend (bars) per {unit}, "
                f"{shown} of {count} campaigns by revenue, on one scale. trends.csv holds the daily rows."
            ),
        ]
    )


def compared_cell(row: pd.Series, metric: str) -> str:
    """
    Return one comparison cell: the formatted value, or why an iROAS value is missing.

    Examples
    --------
    >>> compared_cell(pd.Series({"iroas": float("nan"), "insufficient_data": True}), "iroas")
    'insufficient data'
    >>> compared_cell(pd.Series({"roas": 3.214}), "roas")
    '3.21×'
    """
    value = row[metric]
    if metric in IROAS_COLUMNS and formats.is_undefined(value) and bool(row.get("insufficient_data")):
        return "insufficient data"
    return COMPARED_METRICS[metric](value) if not formats.is_undefined(value) else formats.DASH


def compared_kpis(table: pd.DataFrame, campaigns: list[str]) -> html.Table:
    """Return the picked campaigns' KPIs side by side: one column per campaign, one row per metric."""
    rows = table.set_index(table["campaign"].astype("string"))
    header = html.Thead(
        html.Tr(
            [html.Th("Metric", scope="col")]
            + [html.Th(c, scope="col", className="text-end") for c in campaigns]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [layout.kpi_name(metric)]
                + [html.Td(compared_cell(rows.loc[c], metric), className="text-end") for c in campaigns]
            )
            for metric in COMPARED_METRICS
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
    try:
        table = campaign_returns(state.key, state.filters, state.options)
        trend = cache.trends(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return [], picked or [], expired_notice()
    if table.empty:
        return [], picked or [], no_rows_state("campaign-compare")
    names = table["campaign"].astype("string").tolist()
    options = [{"label": name, "value": name} for name in names]
    chosen = names[:DEFAULT_COMPARED] if picked is None else [name for name in picked if name in names]
    if len(chosen) < 2:
        note = html.P(
            "Pick at least two campaigns above to compare them.",
            className="text-body-secondary mb-0 tab-note",
        )
        return options, chosen, note
    figure = charts.compare_trends(trend, chosen)
    return (
        options,
        chosen,
        html.Div(
            [
                compared_kpis(table, chosen),
                graph(figure),
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
