"""The ROI tab: returns by grouping, spend against revenue, iROAS next to ROAS, and the attribution view.

Each panel has one callback: the session store plus the panel's own selector in, the panel's body out.
Tables come from ``metrics`` through memoized getters keyed on (dataset key, filters, options, grouping).
"""

from __future__ import annotations

import dataclasses

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html
from dash.development.base_component import Component

from callbacks.common import expired_notice, no_rows_state, unavailable
from callbacks.overview import GRAPH_CONFIG
from callbacks.session import SessionState
from figures import attribution as attribution_charts
from figures import roi as charts
from layouts import columns, ids
from layouts import roi as layout
from layouts.common import grid, model_caption
from metrics import comparison, glossary, tables
from metrics.filters import MODEL_LABELS, MODELS, Filters, Options
from metrics.incrementality import INTERVAL_NOTE
from store import datasets, results
from store.frames import records
from store.results import campaign_returns, iroas_by, markov_table, model_comparison

IROAS_GROUPS = ("campaign", "platform")


def _caption(text: str) -> html.Div:
    return html.Div(text, className="panel-caption small text-body-secondary mb-2")


def _graph(figure: go.Figure) -> dcc.Graph:
    """Return a graph as tall as its figure (a responsive graph otherwise takes its container's height)."""
    return dcc.Graph(figure=figure, config=GRAPH_CONFIG, style={"height": f"{figure.layout.height}px"})


def returns_table(key: str, filters: Filters, options: Options, by: str) -> pd.DataFrame:
    """Return the ROI tab's table by ``campaign`` (the campaign table) or by an influencer attribute."""
    if by == "campaign":
        return results.campaign_table(key, filters, options)[["campaign", *tables.RETURN_COLUMNS]]
    return tables.group_returns(results.influencer_table(key, filters, options), by)


def update_roi(store: dict | None, by: str | None) -> Component:
    """Return ROAS and ROI bars by the chosen grouping and the grouped table, or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    by = by if by in layout.ROI_GROUPINGS else "campaign"
    try:
        table = returns_table(state.key, state.filters, state.options, by)
    except datasets.DatasetExpired:
        return expired_notice()
    if table.empty or not ((table["revenue"] > 0) | (table["spend"] > 0)).any():
        return no_rows_state("roi")
    spent = int((table["spend"] > 0).sum())
    shown = min(charts.TOP_N, spent)
    noun = layout.ROI_GROUPINGS[by].lower()
    body: list[Component] = []
    if spent:
        body.append(_graph(charts.returns_bars(table, by)))
    body += [
        _caption(
            f"{model_caption(state.model)}. ROAS bars with ROI, {shown} of {spent} {noun} groups with spend, "
            "largest spend first; green at or above break-even (1×). campaigns.csv holds the campaign rows."
        ),
        grid(ids.ROI_TABLE, table.columns, records(table)),
    ]
    return html.Div(body)


def update_roi_scatter(store: dict | None, level: str | None) -> Component:
    """Return the spend-against-revenue scatter of campaigns or influencers (WebGL, top N), or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    level = level if level in layout.SCATTER_LEVELS else "campaign"
    try:
        if level == "campaign":
            table = results.campaign_table(state.key, state.filters, state.options)
        else:
            table = results.influencer_table(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice()
    active = table[(table["revenue"] > 0) | (table["spend"] > 0)]
    if active.empty:
        return no_rows_state("roi-scatter")
    hover = None
    if level == "influencer_id":
        active = active.assign(label=active["name"].fillna(active["influencer_id"]))
        hover = "label"
    shown = min(charts.SCATTER_TOP_N, len(active))
    noun = layout.SCATTER_LEVELS[level].lower()
    return html.Div(
        [
            _graph(charts.spend_revenue_scatter(active, level, hover_label=hover)),
            _caption(
                f"{model_caption(state.model)}. {shown} of {len(active)} {noun} with revenue or spend, largest "
                "spend first. Points above the dashed line earned more than they cost."
            ),
        ]
    )


def iroas_comparison(key: str, filters: Filters, options: Options, by: str) -> pd.DataFrame:
    """
    Return ROAS next to iROAS per campaign or platform: the group's returns joined with its iROAS row.

    Groups with spend or revenue are kept; a group without an exposure in the period is insufficient data.
    """
    if by == "campaign":
        table = campaign_returns(key, filters, options)
    else:
        returns = returns_table(key, filters, options, by)
        measured = iroas_by(key, filters, options, by).drop(columns=["spend"])
        measured[by] = measured[by].astype("string")
        table = returns.merge(measured, on=by, how="left")
        table["insufficient_data"] = table["insufficient_data"].astype("boolean").fillna(True)
    return table[(table["revenue"] > 0) | (table["spend"] > 0)]


def update_iroas(store: dict | None) -> Component:
    """Return iROAS next to ROAS by campaign and by platform, with intervals, or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    try:
        tables = {by: iroas_comparison(state.key, state.filters, state.options, by) for by in IROAS_GROUPS}
    except datasets.DatasetExpired:
        return expired_notice()
    if all(table.empty for table in tables.values()):
        return no_rows_state("iroas")
    columns_ = []
    for by, title in (("campaign", "By campaign"), ("platform", "By platform")):
        table = tables[by]
        missing = int(table["iroas"].isna().sum())
        note = f" {missing} without an estimate." if missing else ""
        content = (
            [_graph(charts.iroas_vs_roas(table, by))]
            if not table.empty
            else [html.P("Nothing to show for these filters.", className="tab-note")]
        )
        columns_.append(
            dbc.Col(
                [html.H3(title, className="h6 mt-2"), *content, _caption(f"Largest spend first.{note}")],
                xl=6,
            )
        )
    return html.Div(
        [
            dbc.Row(columns_),
            _caption(
                f"ROAS under {MODEL_LABELS[state.model]} (the sidebar's model); iROAS does not depend on the "
                f"attribution model. Error bars: {INTERVAL_NOTE}. Campaign figures are also in the "
                "Campaigns table and campaigns.csv."
            ),
        ]
    )


def comparison_columns(table: pd.DataFrame, by: str) -> list[dict]:
    """Return the comparison grid's columns: the group, then each model's credited revenue."""
    definitions = [columns.column(by)]
    for model in MODELS:
        if model in table.columns:
            definition = columns.column("attributed_revenue")
            definition.update(
                field=model,
                headerName=MODEL_LABELS[model],
                headerTooltip=f"Revenue credited under {MODEL_LABELS[model]}. "
                + (glossary.formula("revenue") or ""),
            )
            definitions.append(definition)
    return definitions


def update_attribution(store: dict | None, by: str | None, model: str | None) -> Component:
    """Return the credit-shift chart against last touch and every model's revenue per group."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    by = by if by in layout.ATTRIBUTION_GROUPINGS else "campaign"
    model = model if model in layout.SHIFT_MODELS else layout.DEFAULT_SHIFT_MODEL
    try:
        table, refused = model_comparison(state.key, state.filters, state.options, by)
        labels = None
        if by == "influencer_id":
            people = results.view(state.key, state.filters, state.options).influencers
            labels = people.set_index("influencer_id")["name"]
    except datasets.DatasetExpired:
        return expired_notice()
    if table.empty:
        return no_rows_state("attribution")
    body: list[Component] = []
    if refused is not None:
        body.append(
            dbc.Alert(f"Data-driven model left out: {refused}", color="warning", className="small py-2")
        )
    if model in table.columns:
        moved = int((table[model + comparison.SHIFT_SUFFIX].abs() >= 0.5).sum())
        body += [
            _graph(attribution_charts.credit_shift(table, by, model, labels=labels)),
            _caption(
                f"Who gains (green) and who loses (vermillion) revenue under {MODEL_LABELS[model]} compared with "
                f"last touch: {min(attribution_charts.TOP_N, moved)} of {moved} groups whose credit moves, "
                "largest shift first. Gains and losses balance: every model credits the same total."
            ),
        ]
    shown_columns = [by, *(model for model in MODELS if model in table.columns)]
    grid_component = grid(ids.ATTRIBUTION_TABLE, [], records(table[shown_columns]))
    grid_component.columnDefs = comparison_columns(table, by)
    body += [
        _caption(
            f"Every model's credited revenue per {layout.ATTRIBUTION_GROUPINGS[by].lower()}, side by side; the "
            f"sidebar's model ({MODEL_LABELS[state.model]}) drives the KPIs and the other tables."
        ),
        grid_component,
    ]
    return html.Div(body)


def update_markov(store: dict | None, grouping: str | None) -> Component:
    """Return the data-driven model's removal effects and credit at the chosen grouping, or why not."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    grouping = grouping if grouping in layout.MARKOV_GROUPINGS else "platform"
    options = dataclasses.replace(state.options, markov_by=grouping)
    try:
        table, refused = markov_table(state.key, state.filters, options)
    except datasets.DatasetExpired:
        return expired_notice()
    if refused is not None:
        return dbc.Alert(
            f"Not available at this grouping: {refused}.", color="warning", className="small mb-0"
        )
    if table is None or table.empty:
        return no_rows_state("markov")
    shown = min(attribution_charts.TOP_N, len(table))
    return html.Div(
        [
            _graph(attribution_charts.removal_effects(table)),
            _caption(
                f"{shown} of {len(table)} groups, largest removal effect first. attribution_markov.csv holds "
                "this table at the grouping chosen here. With the sidebar's model set to Data-driven, the KPIs "
                "use the platform grouping (the export's default)."
            ),
            grid(ids.MARKOV_TABLE, table.columns, records(table)),
        ]
    )


def register(app: Dash) -> None:
    """Register the ROI tab callbacks, one per panel."""
    store = Input(ids.SESSION_STORE, "data")
    app.callback(Output(ids.ROI_BODY, "children"), store, Input(ids.ROI_BY, "value"))(update_roi)
    app.callback(Output(ids.ROI_SCATTER_BODY, "children"), store, Input(ids.ROI_SCATTER_LEVEL, "value"))(
        update_roi_scatter
    )
    app.callback(Output(ids.IROAS_BODY, "children"), store)(update_iroas)
    app.callback(
        Output(ids.ATTRIBUTION_BODY, "children"),
        store,
        Input(ids.ATTRIBUTION_BY, "value"),
        Input(ids.ATTRIBUTION_SHIFT_MODEL, "value"),
    )(update_attribution)
    app.callback(Output(ids.MARKOV_BODY, "children"), store, Input(ids.MARKOV_BY, "value"))(update_markov)
