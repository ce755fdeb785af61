"""The ROI tab: returns by grouping, spend against revenue, iROAS next to ROAS, and the attribution view.

Each panel has one callback: the session store plus the panel's own selector in, the panel's body out.
Tables come from ``metrics`` through memoized getters keyed on (dataset key, filters, options, grouping).
"""

from __future__ import annotations

import dataclasses

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, html, no_update

from callbacks.common import (
    NOTE,
    after_first_screen,
    caption,
    drawn,
    first_screen,
    new_columns,
    no_rows_state,
    tab_callback,
)
from callbacks.session import SessionState
from figures import attribution as attribution_charts
from figures import roi as charts
from layouts import columns, ids
from layouts import roi as layout
from layouts.common import GRAPH_HIDDEN, HIDDEN, SHOWN, model_caption
from metrics import comparison, glossary, tables
from metrics.filters import MODEL_LABELS, MODELS, Filters, Options
from metrics.incrementality import INTERVAL_NOTE
from store import results
from store.frames import records
from store.results import campaign_returns, iroas_by, markov_table, model_comparison

IROAS_GROUPS = ("campaign", "platform")


def returns_table(key: str, filters: Filters, options: Options, by: str) -> pd.DataFrame:
    """Return the ROI tab's table by ``campaign`` (the campaign table) or by an influencer attribute."""
    if by == "campaign":
        return results.campaign_table(key, filters, options)[["campaign", *tables.RETURN_COLUMNS]]
    return tables.group_returns(results.influencer_table(key, filters, options), by)


@tab_callback(no_update, GRAPH_HIDDEN, NOTE, [], no_update, HIDDEN)
def update_roi(state: SessionState, by: str | None, current: list[dict] | None = None) -> tuple:
    """
    Return the ROAS and ROI bars by the chosen grouping (figure, graph style, caption or empty state) and
    the grouped grid (rows, columns when the grouping changed, and the grid's style).
    """
    by = by if by in layout.ROI_GROUPINGS else "campaign"
    table = returns_table(state.key, state.filters, state.options, by)
    if table.empty or not ((table["revenue"] > 0) | (table["spend"] > 0)).any():
        return no_update, GRAPH_HIDDEN, no_rows_state("roi"), [], no_update, HIDDEN
    spent = int((table["spend"] > 0).sum())
    figure, style = drawn(charts.returns_bars(table, by), tall=True) if spent else (no_update, GRAPH_HIDDEN)
    text = (
        f"{model_caption(state.model)}. ROAS bars with ROI, {min(charts.TOP_N, spent)} of {spent} "
        f"{layout.ROI_GROUPINGS[by].lower()} groups with spend, largest spend first; green at or above "
        "break-even (1×). campaigns.csv holds the campaign rows."
    )
    grid_columns = new_columns(layout.returns_columns(table.columns), current)
    return figure, style, caption(text), records(table), grid_columns, SHOWN


@tab_callback(no_update, GRAPH_HIDDEN, NOTE)
def update_roi_scatter(state: SessionState, level: str | None) -> tuple:
    """Return the spend-against-revenue scatter of campaigns or influencers (WebGL, top N), its style and caption."""
    level = level if level in layout.SCATTER_LEVELS else "campaign"
    getter = results.campaign_table if level == "campaign" else results.influencer_table
    table = getter(state.key, state.filters, state.options)
    active = table[(table["revenue"] > 0) | (table["spend"] > 0)]
    if active.empty:
        return no_update, GRAPH_HIDDEN, no_rows_state("roi-scatter")
    hover = None
    if level == "influencer_id":
        active = active.assign(label=active["name"].fillna(active["influencer_id"]))
        hover = "label"
    text = (
        f"{model_caption(state.model)}. {min(charts.SCATTER_TOP_N, len(active))} of {len(active)} "
        f"{layout.SCATTER_LEVELS[level].lower()} with revenue or spend, largest spend first. Points above the "
        "dashed line earned more than they cost."
    )
    return *drawn(charts.spend_revenue_scatter(active, level, hover_label=hover), tall=True), caption(text)


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


def _iroas_chart(table: pd.DataFrame, by: str) -> tuple:
    """Return one iROAS chart's figure, graph style and caption, or a note when the filters leave no group."""
    if table.empty:
        return no_update, GRAPH_HIDDEN, html.P("Nothing to show for these filters.", className="tab-note")
    missing = int(table["iroas"].isna().sum())
    note = f" {missing} without an estimate." if missing else ""
    return *drawn(charts.iroas_vs_roas(table, by), tall=True), caption(f"Largest spend first.{note}")


@tab_callback(HIDDEN, *(no_update, GRAPH_HIDDEN, None) * 2, NOTE)
def update_iroas(state: SessionState) -> tuple:
    """
    Return iROAS next to ROAS by campaign and by platform, with intervals: the charts' row style, per chart
    its figure, graph style and caption, and the panel's caption (or an empty state).
    """
    tables = {by: iroas_comparison(state.key, state.filters, state.options, by) for by in IROAS_GROUPS}
    if all(table.empty for table in tables.values()):
        return HIDDEN, *(no_update, GRAPH_HIDDEN, None) * 2, no_rows_state("iroas")
    text = (
        f"ROAS under {MODEL_LABELS[state.model]} (the sidebar's model); iROAS does not depend on the "
        f"attribution model. Error bars: {INTERVAL_NOTE}. Campaign figures are also in the "
        "Campaigns table and campaigns.csv."
    )
    return (
        SHOWN,
        *_iroas_chart(tables["campaign"], "campaign"),
        *_iroas_chart(tables["platform"], "platform"),
        caption(text),
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


def credit_shift(state: SessionState, table: pd.DataFrame, by: str, model: str) -> tuple:
    """Return the credit-shift chart of ``model`` against last touch: figure, graph style and caption."""
    labels = None
    if by == "influencer_id":
        people = results.view(state.key, state.filters, state.options).influencers
        labels = people.set_index("influencer_id")["name"]
    moved = int((table[model + comparison.SHIFT_SUFFIX].abs() >= 0.5).sum())
    text = (
        f"Who gains (green) and who loses (vermillion) revenue under {MODEL_LABELS[model]} compared with "
        f"last touch: {min(attribution_charts.TOP_N, moved)} of {moved} groups whose credit moves, "
        "largest shift first. Gains and losses balance: every model credits the same total."
    )
    return *drawn(attribution_charts.credit_shift(table, by, model, labels=labels), tall=True), caption(text)


@tab_callback(NOTE, no_update, GRAPH_HIDDEN, None, None, [], no_update, HIDDEN)
def update_attribution(
    state: SessionState, by: str | None, model: str | None, current: list[dict] | None = None
) -> tuple:
    """
    Return the attribution panel: a warning when the data-driven model is left out (or an empty state),
    the credit-shift chart against last touch (figure, style, caption), and every model's revenue per group
    (the grid's caption, rows, columns when they changed, and style).
    """
    by = by if by in layout.ATTRIBUTION_GROUPINGS else "campaign"
    model = model if model in layout.SHIFT_MODELS else layout.DEFAULT_SHIFT_MODEL
    table, refused = model_comparison(state.key, state.filters, state.options, by)
    if table.empty:
        return no_rows_state("attribution"), no_update, GRAPH_HIDDEN, None, None, [], no_update, HIDDEN
    alert = refused and dbc.Alert(
        f"Data-driven model left out: {refused}", color="warning", className="small py-2"
    )
    figure, style, shift_caption = no_update, GRAPH_HIDDEN, None
    if model in table.columns:
        figure, style, shift_caption = credit_shift(state, table, by, model)
    shown_columns = [by, *(model for model in MODELS if model in table.columns)]
    text = (
        f"Every model's credited revenue per {layout.ATTRIBUTION_GROUPINGS[by].lower()}, side by side; the "
        f"sidebar's model ({MODEL_LABELS[state.model]}) drives the KPIs and the other tables."
    )
    grid_columns = new_columns(comparison_columns(table, by), current)
    return (
        alert,
        figure,
        style,
        shift_caption,
        caption(text),
        records(table[shown_columns]),
        grid_columns,
        SHOWN,
    )


@tab_callback(NOTE, no_update, GRAPH_HIDDEN, None, [], no_update, HIDDEN)
def update_markov(state: SessionState, grouping: str | None, current: list[dict] | None = None) -> tuple:
    """
    Return the data-driven model at the chosen grouping: a note (why not, or no rows), the removal effects
    chart (figure, style, caption) and its grid (rows, columns when they changed, style).
    """
    grouping = grouping if grouping in layout.MARKOV_GROUPINGS else "platform"
    options = dataclasses.replace(state.options, markov_by=grouping)
    table, refused = markov_table(state.key, state.filters, options)
    if refused is not None or table is None or table.empty:
        note = (
            dbc.Alert(f"Not available at this grouping: {refused}.", color="warning", className="small mb-0")
            if refused is not None
            else no_rows_state("markov")
        )
        return note, no_update, GRAPH_HIDDEN, None, [], no_update, HIDDEN
    text = (
        f"{min(attribution_charts.TOP_N, len(table))} of {len(table)} groups, largest removal effect first. "
        "attribution_markov.csv holds this table at the grouping chosen here. With the sidebar's model set to "
        "Data-driven, the KPIs use the platform grouping (the export's default)."
    )
    figure, style = drawn(attribution_charts.removal_effects(table), tall=True)
    grid_columns = new_columns(columns.columns(table.columns), current)
    return None, figure, style, caption(text), records(table), grid_columns, SHOWN


def register(app: Dash) -> None:
    """
    Register the ROI tab callbacks, one per panel.

    The returns bars are the tab's first screen; the other panels (below it) are asked for once it has
    answered (``callbacks.common.first_screen``), since iROAS intervals and the models' comparison are
    the slow part of a first visit.
    """
    store = Input(ids.SESSION_STORE, "data")
    drawn_first = Input(ids.ROI_FIRST_SCREEN, "data")
    app.callback(
        *_chart_outputs(ids.ROI_GRAPH, ids.ROI_BODY),
        *_grid_outputs(ids.ROI_TABLE, ids.ROI_TABLE_WRAP),
        Output(ids.ROI_FIRST_SCREEN, "data"),
        store,
        Input(ids.ROI_BY, "value"),
        State(ids.ROI_TABLE, "columnDefs"),
    )(first_screen(update_roi))
    app.callback(
        *_chart_outputs(ids.ROI_SCATTER_GRAPH, ids.ROI_SCATTER_BODY),
        store,
        Input(ids.ROI_SCATTER_LEVEL, "value"),
        drawn_first,
    )(after_first_screen(update_roi_scatter))
    app.callback(
        Output(ids.IROAS_WRAP, "style"),
        *_chart_outputs(ids.IROAS_CAMPAIGN_GRAPH, ids.IROAS_CAMPAIGN_NOTE),
        *_chart_outputs(ids.IROAS_PLATFORM_GRAPH, ids.IROAS_PLATFORM_NOTE),
        Output(ids.IROAS_BODY, "children"),
        store,
        drawn_first,
    )(after_first_screen(update_iroas))
    app.callback(
        Output(ids.ATTRIBUTION_BODY, "children"),
        *_chart_outputs(ids.ATTRIBUTION_GRAPH, ids.ATTRIBUTION_GRAPH_NOTE),
        Output(ids.ATTRIBUTION_TABLE_NOTE, "children"),
        *_grid_outputs(ids.ATTRIBUTION_TABLE, ids.ATTRIBUTION_TABLE_WRAP),
        store,
        Input(ids.ATTRIBUTION_BY, "value"),
        Input(ids.ATTRIBUTION_SHIFT_MODEL, "value"),
        State(ids.ATTRIBUTION_TABLE, "columnDefs"),
        drawn_first,
    )(after_first_screen(update_attribution))
    app.callback(
        Output(ids.MARKOV_BODY, "children"),
        *_chart_outputs(ids.MARKOV_GRAPH, ids.MARKOV_GRAPH_NOTE),
        *_grid_outputs(ids.MARKOV_TABLE, ids.MARKOV_TABLE_WRAP),
        store,
        Input(ids.MARKOV_BY, "value"),
        State(ids.MARKOV_TABLE, "columnDefs"),
        drawn_first,
    )(after_first_screen(update_markov))


def _chart_outputs(graph_id: str, note_id: str) -> tuple[Output, ...]:
    """Return a chart's outputs: its figure, its style (height or hidden) and its caption or note."""
    return Output(graph_id, "figure"), Output(graph_id, "style"), Output(note_id, "children")


def _grid_outputs(grid_id: str, wrap_id: str) -> tuple[Output, ...]:
    """Return a grid's outputs: its rows, its columns (when they change) and its wrapper's style."""
    return Output(grid_id, "rowData"), Output(grid_id, "columnDefs"), Output(wrap_id, "style")
