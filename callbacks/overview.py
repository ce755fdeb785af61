"""The Overview tab: insights, revenue and spend over time, top campaigns, top influencers."""

from __future__ import annotations

import json

from dash import ALL, Dash, Input, Output, ctx, dcc, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks.common import expired_notice, no_rows_state, unavailable
from callbacks.session import SessionState
from callbacks.weights import weighted_options
from layouts import ids
from layouts import overview as layout
from layouts.common import empty_state, model_caption
from metrics.insights import NO_DATA, display_value
from store import datasets, results
from store.results import overview_figures

NOTHING_NOTABLE = (
    "Nothing stands out for these filters: no campaign or influencer has the numbers to compare."
)

# Only "download as PNG" and "reset axes": a full modebar hides the legend of a half-width chart.
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "displayModeBar": "hover",
    "modeBarButtonsToRemove": [
        "zoom2d",
        "pan2d",
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
    ],
}


def _chart(figure_json: str, caption: str) -> list[Component]:
    return [
        dcc.Graph(figure=json.loads(figure_json), config=GRAPH_CONFIG),
        html.Div(caption, className="panel-caption small text-body-secondary"),
    ]


def update_overview(store: dict | None) -> tuple[Component, Component, Component]:
    """
    Return the three Overview panels' bodies for the session's filters.

    Each is a chart with its caption, or an empty state saying what to do (no data, expired data, or
    no rows for these filters).
    """
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked, blocked, blocked
    try:
        parts = json.loads(overview_figures(state.key, state.filters, state.options))
    except datasets.DatasetExpired:
        notice = expired_notice()
        return notice, notice, notice
    caption = model_caption(state.model)
    trend, campaigns, influencers = parts["trend"], parts["campaigns"], parts["influencers"]
    if trend is None:
        trend_body = no_rows_state("overview-trend")
    else:
        trend_body = _chart(
            trend["figure"],
            f"{caption}. Per {trend['unit']}; spend is dated on posts (post basis) or orders (order basis).",
        )
    if campaigns is None:
        campaign_body = no_rows_state("overview-campaigns")
    else:
        campaign_body = _chart(
            campaigns["figure"],
            f"{caption}. Top {campaigns['shown']} of {campaigns['total']} campaigns by revenue.",
        )
    if influencers is None:
        influencer_body = no_rows_state("overview-influencers")
    else:
        influencer_body = _chart(
            influencers["figure"],
            f"{caption}. Top {influencers['shown']} of {influencers['total']} influencers with revenue or spend.",
        )
    return trend_body, campaign_body, influencer_body


def update_insights(store: dict | None, score_weights: dict | None = None) -> Component:
    """
    Return the insights panel's body: the view's findings, each with its number and a link to its tab.

    The rows are insights.csv's (``results.insights``), so the panel shows what ``export-insights`` sends;
    ``score_weights`` (the Influencers tab's weights) set the score the "scale up" finding quotes.
    """
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    options = weighted_options(state.options, score_weights)
    try:
        table = results.insights(state.key, state.filters, options)
    except datasets.DatasetExpired:
        return expired_notice()
    if table.empty:
        return html.P(NOTHING_NOTABLE, className="text-body-secondary mb-0 tab-note")
    if (table["kind"] == NO_DATA).any():
        return empty_state(table["sentence"].iloc[0], actions=("reset",), where="insights")
    items = [
        layout.insight_item(position, display_value(metric, value), sentence, layout.INSIGHT_TABS.get(kind))
        for position, (kind, metric, value, sentence) in enumerate(
            zip(table["kind"], table["metric"], table["value"], table["sentence"], strict=True)
        )
    ]
    return layout.insight_list(items)


def open_insight_tab(_clicks: list[int | None]) -> str:
    """Switch the tab bar to the tab of the insight whose link was clicked."""
    if not any(item.get("value") for item in ctx.triggered):
        raise PreventUpdate  # links appearing in a new panel are no click
    target = ctx.triggered_id
    tab = target.get("tab") if isinstance(target, dict) else None
    if tab not in ids.TAB_IDS:
        raise PreventUpdate
    return tab


def register(app: Dash) -> None:
    """Register the Overview callbacks: charts, insights and the insights' links."""
    app.callback(
        Output(ids.OVERVIEW_TREND, "children"),
        Output(ids.OVERVIEW_CAMPAIGNS, "children"),
        Output(ids.OVERVIEW_INFLUENCERS, "children"),
        Input(ids.SESSION_STORE, "data"),
    )(update_overview)
    app.callback(
        Output(ids.INSIGHTS_BODY, "children"),
        Input(ids.SESSION_STORE, "data"),
        Input(ids.SCORE_WEIGHTS_STORE, "data"),
    )(update_insights)
    app.callback(
        Output(ids.TABS, "active_tab", allow_duplicate=True),
        Input({"type": ids.INSIGHT_LINK, "index": ALL, "tab": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )(open_insight_tab)
