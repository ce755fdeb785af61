"""The Overview tab: revenue and spend over time, top campaigns, top influencers."""

from __future__ import annotations

from dash import Dash, Input, Output, dcc, html
from dash.development.base_component import Component

from callbacks import cache, datasets
from callbacks.common import expired_notice, no_rows_state, unavailable
from callbacks.session import SessionState
from figures import overview as charts
from layouts import ids
from layouts.common import model_caption

GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def _chart(figure, caption: str) -> list[Component]:
    return [
        dcc.Graph(figure=figure, config=GRAPH_CONFIG),
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
        trend = cache.trends(state.key, state.filters, state.options)
        campaigns = cache.campaign_table(state.key, state.filters, state.options)
        influencers = cache.influencer_table(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        notice = expired_notice()
        return notice, notice, notice
    caption = model_caption(state.model)
    if trend.empty:
        trend_body = no_rows_state("overview-trend")
    else:
        unit = charts.period_sums(trend)[1]
        trend_body = _chart(
            charts.revenue_spend_over_time(trend),
            f"{caption}. Per {unit}; spend is dated on posts (post basis) or orders (order basis).",
        )
    active_campaigns = campaigns[(campaigns["revenue"] > 0) | (campaigns["spend"] > 0)]
    if active_campaigns.empty:
        campaign_body = no_rows_state("overview-campaigns")
    else:
        campaign_body = _chart(
            charts.revenue_spend_bars(active_campaigns, "campaign"),
            f"{caption}. Top {min(charts.TOP_N, len(active_campaigns))} of {len(active_campaigns)} campaigns.",
        )
    active_influencers = influencers[(influencers["revenue"] > 0) | (influencers["spend"] > 0)]
    if active_influencers.empty:
        influencer_body = no_rows_state("overview-influencers")
    else:
        labelled = active_influencers.assign(
            label=active_influencers["name"].fillna(active_influencers["influencer_id"])
        )
        influencer_body = _chart(
            charts.revenue_spend_bars(labelled, "label"),
            f"{caption}. Top {min(charts.TOP_N, len(labelled))} of {len(labelled)} influencers with revenue or spend.",
        )
    return trend_body, campaign_body, influencer_body


def register(app: Dash) -> None:
    """Register the Overview callback."""
    app.callback(
        Output(ids.OVERVIEW_TREND, "children"),
        Output(ids.OVERVIEW_CAMPAIGNS, "children"),
        Output(ids.OVERVIEW_INFLUENCERS, "children"),
        Input(ids.SESSION_STORE, "data"),
    )(update_overview)
