"""The Overview tab: insights, revenue and spend over time, top campaigns, top influencers."""

from __future__ import annotations

import json

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks.common import NOTE, caption, drawn, kept_zoom, no_rows_state, tab_callback
from callbacks.session import SessionState
from callbacks.weights import weighted_options
from layouts import ids
from layouts import overview as layout
from layouts.common import GRAPH_HIDDEN, empty_state, model_caption
from metrics.insights import NO_DATA, display_value
from store import results
from store.results import overview_figures

# The Overview's charts: (graph, the slot for its caption or empty state), in update_overview's order.
PANELS = (
    (ids.OVERVIEW_TREND_GRAPH, ids.OVERVIEW_TREND),
    (ids.OVERVIEW_CAMPAIGNS_GRAPH, ids.OVERVIEW_CAMPAIGNS),
    (ids.OVERVIEW_INFLUENCERS_GRAPH, ids.OVERVIEW_INFLUENCERS),
)
NOTHING_NOTABLE = (
    "Nothing stands out for these filters: no campaign or influencer has the numbers to compare."
)


def _panel(part: dict | None, text: str, where: str, shown: dict | None) -> tuple:
    """Return one chart panel's figure (at the zoom of the ``shown`` one), graph style and caption, or its empty state."""
    if part is None:
        return no_update, GRAPH_HIDDEN, no_rows_state(where)
    return *drawn(kept_zoom(json.loads(part["figure"]), shown), tall=True), caption(text)


@tab_callback(*(no_update, GRAPH_HIDDEN, NOTE) * 3)
def update_overview(state: SessionState, *shown: dict | None) -> tuple:
    """
    Return the three Overview charts (trend, top campaigns, top influencers): per chart its figure, the
    graph's style (hidden without a figure) and its caption, or an empty state saying what to do.
    ``shown`` are the figures on the page, whose zoom the new ones keep.
    """
    shown = (*shown, None, None, None)
    parts = json.loads(overview_figures(state.key, state.filters, state.options))
    model = model_caption(state.model)
    trend, campaigns, influencers = parts["trend"], parts["campaigns"], parts["influencers"]
    trend_text = trend and (
        f"{model}. Per {trend['unit']}; spend is dated on posts (post basis) or orders (order basis)."
    )
    campaign_text = (
        campaigns and f"{model}. Top {campaigns['shown']} of {campaigns['total']} campaigns by revenue."
    )
    influencer_text = influencers and (
        f"{model}. Top {influencers['shown']} of {influencers['total']} influencers with revenue or spend."
    )
    return (
        *_panel(trend, trend_text, "overview-trend", shown[0]),
        *_panel(campaigns, campaign_text, "overview-campaigns", shown[1]),
        *_panel(influencers, influencer_text, "overview-influencers", shown[2]),
    )


@tab_callback(NOTE)
def update_insights(state: SessionState, score_weights: dict | None = None) -> Component:
    """
    Return the insights panel's body: the view's findings, each with its number and a link to its tab.

    The rows are insights.csv's (``results.insights``), so the panel shows what ``export-insights`` sends;
    ``score_weights`` (the Influencers tab's weights) set the score the "scale up" finding quotes.
    """
    table = results.insights(state.key, state.filters, weighted_options(state.options, score_weights))
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
        *[
            Output(component, prop)
            for graph, note in PANELS
            for component, prop in ((graph, "figure"), (graph, "style"), (note, "children"))
        ],
        Input(ids.SESSION_STORE, "data"),
        *[State(graph, "figure") for graph, _ in PANELS],
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
