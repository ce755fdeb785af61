"""The Overview tab: insights, revenue and spend over time, top campaigns and top influencers."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.common import chart, export_button, panel


def section(title: str, graph_id: str, note_id: str, export: str) -> dbc.Card:
    """Return a chart panel: the graph, and below it the caption or the note saying why it is empty."""
    return panel(title, chart(graph_id, note_id), actions=export_button(export))


# Where each kind of insight (metrics/insights.py) can be seen in full: the tab its link opens.
INSIGHT_TABS = {
    "top_roas_campaign": ids.TAB_CAMPAIGNS,
    "top_incremental_campaign": ids.TAB_CAMPAIGNS,
    "scale_up_influencer": ids.TAB_INFLUENCERS,
    "review_influencer": ids.TAB_INFLUENCERS,
    "thin_data_campaigns": ids.TAB_CAMPAIGNS,
    "lowest_roas_campaign": ids.TAB_CAMPAIGNS,
    "lowest_incremental_campaign": ids.TAB_CAMPAIGNS,
    "top_persona": ids.TAB_INFLUENCERS,
}
TAB_LABELS = {
    ids.TAB_CAMPAIGNS: "Campaigns",
    ids.TAB_ROI: "ROI",
    ids.TAB_INFLUENCERS: "Influencers",
    ids.TAB_PAYOUTS: "Payouts",
    ids.TAB_DATA: "Data",
}


def insights_panel() -> html.Section:
    """Return the insights card: a list the callback fills, and the insights.csv download."""
    body = dcc.Loading(html.Div(id=ids.INSIGHTS_BODY, className="insights-body"), delay_show=300, type="dot")
    return html.Section(
        panel("Insights", body, actions=export_button("insights")),
        id=ids.INSIGHTS_PANEL,
        className="insights-panel",
        **{"aria-label": "Insights"},
    )


def insight_item(position: int, value: str, sentence: str, tab_id: str | None) -> html.Li:
    """
    Return one insight: its number, its sentence and a link that opens the tab showing it.

    The link is a button (reachable with Tab, pressed with Enter or Space); ``tab_id`` None gives none.
    """
    parts = []
    if value:
        parts.append(html.Span(value, className="insight-value", **{"aria-hidden": "true"}))
    parts.append(html.Span(sentence, className="insight-text"))
    if tab_id is not None:
        label = TAB_LABELS.get(tab_id, tab_id)
        parts.append(
            html.Button(
                [f"{label} tab", html.Span(" →", **{"aria-hidden": "true"})],
                id={"type": ids.INSIGHT_LINK, "index": position, "tab": tab_id},
                className="btn btn-link btn-sm insight-link",
                title=f"Open the {label} tab",
                type="button",
                n_clicks=0,
            )
        )
    return html.Li(parts, className="insight")


def insight_list(items: list[html.Li]) -> html.Ul:
    """Return the list of insights."""
    return html.Ul(items, className="insight-list list-unstyled mb-0")


def layout() -> html.Div:
    """Build the Overview tab; callbacks/overview.py fills it."""
    return html.Div(
        [
            insights_panel(),
            section("Revenue and spend over time", ids.OVERVIEW_TREND_GRAPH, ids.OVERVIEW_TREND, "trends"),
            dbc.Row(
                [
                    dbc.Col(
                        section(
                            "Top campaigns", ids.OVERVIEW_CAMPAIGNS_GRAPH, ids.OVERVIEW_CAMPAIGNS, "campaigns"
                        ),
                        xl=6,
                    ),
                    dbc.Col(
                        section(
                            "Top influencers",
                            ids.OVERVIEW_INFLUENCERS_GRAPH,
                            ids.OVERVIEW_INFLUENCERS,
                            "influencers",
                        ),
                        xl=6,
                    ),
                ]
            ),
        ]
    )
