"""The Influencers tab: score weights, performance matrix, the scored influencer table, its detail panel, personas.

The table is influencers.csv (``metrics.export.influencers_file``: the influencer table with iROAS, score
and quadrant) for the session's filters and model and the weights store's score weights. The weights are
part of ``Options``, so each weighting is its own memo entry; attribution credit ignores them
(store/results.py), so changing a weight only re-ranks.
"""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, State, ctx, html, no_update
from dash.development.base_component import Component

from callbacks.common import (
    NOTE,
    after_first_screen,
    drawn,
    finite,
    first_screen,
    no_rows_state,
    tab_callback,
)
from callbacks.session import SessionState
from callbacks.weights import DEFAULT_PERCENTS, normalised_percents, valid_percents, weighted_options
from figures import influencers as charts
from layouts import ids
from layouts.common import GRAPH_HIDDEN, HIDDEN, SHOWN, model_caption
from layouts.influencers import (
    PERSONA_COLUMNS,
    SHORT_LABELS,
    TABLE_COLUMNS,
    detail_card,
    detail_hint,
)
from metrics import personas, scoring
from metrics.filters import Options
from metrics.scoring import COMPONENTS
from store import results
from store.frames import records
from store.results import ranked_personas, scored_estimates, scored_influencers, weekly

# --- score weights -----------------------------------------------------------------------------------


def _weights_text(percents: dict[str, int]) -> str:
    return ", ".join(f"{SHORT_LABELS[c].split(' (')[0]} {percents[c]} %" for c in COMPONENTS)


def _refusal(current: dict, in_use: dict[str, int]) -> html.Span:
    """Return the message of weights that cannot be used (a box emptied, or not summing to 100 %)."""
    filled = [value for value in current.values() if value is not None]
    reason = (
        "Enter a weight for every component"
        if len(filled) < len(COMPONENTS)
        else f"The weights add up to {sum(float(v) for v in filled):g} %, not 100 %"
    )
    return html.Span(
        f"{reason}: the score still uses the last weights that did ({_weights_text(in_use)}). "
        "Move a slider or click “Normalise to 100 %”.",
        className="text-danger",
    )


def _weights_change(trigger: str | None, current: dict, in_use: dict[str, int]) -> tuple:
    """Return the sliders' percents, the new store value (``no_update``: unchanged) and the message."""
    if trigger is None:
        return in_use, no_update, ""
    if trigger == ids.SCORE_WEIGHTS_RESET:
        return dict(DEFAULT_PERCENTS), dict(DEFAULT_PERCENTS), "Weights reset to the defaults."
    if trigger == ids.SCORE_WEIGHTS_NORMALISE:
        scaled = normalised_percents(current)
        if scaled is None:
            nothing = "Every weight is 0, so there is nothing to scale — set at least one weight or reset."
            return current, no_update, html.Span(nothing, className="text-danger")
        return scaled, scaled, "Weights scaled to add up to 100 %."
    valid = valid_percents(current)
    if valid is None:
        return current, no_update, _refusal(current, in_use)
    return current, valid, ""


def update_weights(trigger: str | None, values: list, stored: dict | None) -> tuple:
    """
    Keep the sliders, their sum, the message and the weights store consistent.

    ``trigger`` is the id that fired (None when the tab is drawn: the sliders then show the stored
    weights), ``values`` the five sliders in ``COMPONENTS`` order (None for an emptied box), ``stored``
    the weights in use. Returns the five slider values, the sum's text, the message and the new store
    value (``no_update`` where nothing changes). Weights are used only when they are whole percents
    summing to 100; otherwise the store keeps the last valid ones and the message says so.
    """
    in_use = valid_percents(stored) or dict(DEFAULT_PERCENTS)
    current = dict(zip(COMPONENTS, values, strict=True))
    shown, store_out, message = _weights_change(trigger, current, in_use)
    total = sum(float(v) for v in shown.values() if v is not None)
    sum_text = f"{'✓' if valid_percents(shown) is not None else '⚠'} Sum: {total:g} %"
    return (*[shown[c] for c in COMPONENTS], sum_text, message, store_out)


# --- matrix and table --------------------------------------------------------------------------------

MATRIX_UNPLACED = (
    "No influencer has both an engagement rate and a ROAS here (they need reach and spend): "
    "widen the filters to see the matrix."
)
UNPLACED_CLASS = "text-body-secondary mb-0 tab-note"


def _matrix_caption(table: pd.DataFrame, placed: int, model: str) -> str:
    shown = min(placed, charts.MATRIX_POINTS)
    notes = [f"{model_caption(model)}. Dashed lines at the medians; bubble area ∝ spend."]
    if shown < placed:
        notes.append(f"Showing the {shown:,} with the largest spend of {placed:,}.")
    if placed < len(table):
        notes.append(f"{len(table) - placed:,} without reach or spend are not placed.")
    return " ".join(notes)


@tab_callback(NOTE, HIDDEN, no_update, no_update, "")
def update_matrix(state: SessionState, weights: dict | None) -> tuple:
    """
    Return the matrix panel's note (or None), the chart's style, its figure, the graph's height and caption.

    The figure is left as it was while the panel shows a note, so the next one keeps the user's zoom.
    """
    table = scored_estimates(state.key, state.filters, weighted_options(state.options, weights))
    if table.empty:
        return no_rows_state("influencer-matrix"), HIDDEN, no_update, no_update, ""
    placed = int(table["quadrant"].notna().sum())
    if placed == 0:
        return html.P(MATRIX_UNPLACED, className=UNPLACED_CLASS), HIDDEN, no_update, no_update, ""
    caption = _matrix_caption(table, placed, state.model)
    return None, SHOWN, *drawn(charts.performance_matrix(table), tall=True), caption


@tab_callback(NOTE, [], HIDDEN)
def update_influencers(state: SessionState, weights: dict | None) -> tuple:
    """
    Return the table's caption (or empty state), the grid rows and the grid's style.

    The grid is hidden (and its rows emptied) when there is nothing to show; its sort, filter and page
    stay as the user set them across filter changes.
    """
    options = weighted_options(state.options, weights)
    table = scored_influencers(state.key, state.filters, options)
    if table.empty:
        return no_rows_state("influencers"), [], HIDDEN
    unscored = int(table["score"].isna().sum())
    caption = [
        f"{model_caption(state.model)}. Score weights: {_weights_text(_percents(options))}.",
        f" {unscored:,} without spend or posts show “insufficient data”." if unscored else "",
        " Click a row for details.",
    ]
    body = html.Div("".join(caption), className="panel-caption small text-body-secondary mb-2")
    return body, records(table[TABLE_COLUMNS]), SHOWN


def _percents(options: Options) -> dict[str, int]:
    return {component: round(100 * weight) for component, weight in options.score_weights}


# --- detail panel ------------------------------------------------------------------------------------


@tab_callback(detail_hint(), store=1)
def update_detail(selected: list | None, state: SessionState, weights: dict | None) -> Component:
    """
    Return the detail panel of the selected influencer (``layouts.influencers.detail_card``), or a hint.

    Post links are rendered only for http(s) URLs and open in a new tab without access to this page
    (``rel="noopener noreferrer"``).
    """
    if not selected:
        return detail_hint()
    influencer_id = selected[0].get("influencer_id")
    options = weighted_options(state.options, weights)
    table = scored_influencers(state.key, state.filters, options)
    match = table[table["influencer_id"] == influencer_id]
    if match.empty:
        return detail_hint("The selected influencer is not in the current filters — pick another row.")
    row = match.iloc[0]
    view = results.view(state.key, state.filters, state.options.with_default_weights())
    trend = weekly(state.key, state.filters, state.options)
    trend = trend[trend["influencer_id"] == influencer_id]
    breakdown = None
    if finite(row["score"]) is not None:
        breakdown = charts.score_breakdown_bars(scoring.score_breakdown(row, options.score_weights))
    return detail_card(
        row,
        view.posts[view.posts["influencer_id"] == influencer_id],
        breakdown,
        None if trend.empty else charts.weekly_trend(trend),
        state.model,
    )


# --- personas ----------------------------------------------------------------------------------------


def _persona_note(ranked: int, unranked: int, model: str) -> str:
    note = (
        f"{model_caption(model)}. Persona = category × gender × platform × follower tier; ROAS and "
        f"engagement rate are ratios of the persona's sums. {ranked:,} personas with at least "
        f"{personas.MIN_INFLUENCERS} influencers are ranked by ROAS"
    )
    return note + (
        f"; {unranked:,} with fewer are listed below as “not ranked” (too few accounts to generalise)."
        if unranked
        else "."
    )


@tab_callback(NOTE, HIDDEN, "", "", "", no_update, GRAPH_HIDDEN, [])
def update_personas(state: SessionState) -> tuple:
    """
    Return the personas panel: its note slot, the content's style, the caption, the chart's title, the
    note instead of the chart, the chart's figure and style, and the grid's rows.
    """
    table = ranked_personas(state.key, state.filters, state.options)
    if table.empty:
        return no_rows_state("personas"), HIDDEN, "", "", "", no_update, GRAPH_HIDDEN, []
    ranked = int(table["ranked"].sum())
    note = _persona_note(ranked, len(table) - ranked, state.model)
    rows = records(table[PERSONA_COLUMNS])
    if not ranked:
        missing = f"No persona has {personas.MIN_INFLUENCERS} or more influencers in these filters, so none is ranked."
        return None, SHOWN, note, "Ranked personas", missing, no_update, GRAPH_HIDDEN, rows
    title = (
        "Best and worst personas by ROAS" if ranked > 2 * charts.PERSONAS_SHOWN else "Ranked personas by ROAS"
    )
    return None, SHOWN, note, title, "", *drawn(charts.persona_extremes(table), tall=True), rows


def register(app: Dash) -> None:
    """Register the Influencers tab callbacks: weights, matrix, table, detail panel, personas."""
    _register_weights(app)

    # The matrix is the first screen; the table and the personas are asked for once it has answered.
    drawn_first = Input(ids.INFLUENCERS_FIRST_SCREEN, "data")
    session_and_weights = (Input(ids.SESSION_STORE, "data"), Input(ids.SCORE_WEIGHTS_STORE, "data"))
    app.callback(
        Output(ids.INFLUENCER_MATRIX_EMPTY, "children"),
        Output(ids.INFLUENCER_MATRIX_WRAP, "style"),
        Output(ids.INFLUENCER_MATRIX_GRAPH, "figure"),
        Output(ids.INFLUENCER_MATRIX_GRAPH, "style"),
        Output(ids.INFLUENCER_MATRIX_CAPTION, "children"),
        Output(ids.INFLUENCERS_FIRST_SCREEN, "data"),
        *session_and_weights,
    )(first_screen(update_matrix))
    app.callback(
        Output(ids.INFLUENCER_BODY, "children"),
        Output(ids.INFLUENCER_TABLE, "rowData"),
        Output(ids.INFLUENCER_TABLE_WRAP, "style"),
        *session_and_weights,
        drawn_first,
    )(after_first_screen(update_influencers))
    app.callback(
        Output(ids.INFLUENCER_DETAIL, "children"),
        Input(ids.INFLUENCER_TABLE, "selectedRows"),
        *session_and_weights,
    )(update_detail)
    app.callback(
        Output(ids.PERSONA_EMPTY, "children"),
        Output(ids.PERSONA_WRAP, "style"),
        Output(ids.PERSONA_NOTE, "children"),
        Output(ids.PERSONA_TITLE, "children"),
        Output(ids.PERSONA_CHART_NOTE, "children"),
        Output(ids.PERSONA_CHART, "figure"),
        Output(ids.PERSONA_CHART, "style"),
        Output(ids.PERSONA_TABLE, "rowData"),
        Input(ids.SESSION_STORE, "data"),
        drawn_first,
    )(after_first_screen(update_personas))


def _register_weights(app: Dash) -> None:
    """Register the score-weights panel: sliders, sum, message and the weights store kept consistent."""
    sliders = [ids.SCORE_WEIGHT[c] for c in COMPONENTS]

    @app.callback(
        *[Output(slider, "value") for slider in sliders],
        Output(ids.SCORE_WEIGHTS_SUM, "children"),
        Output(ids.SCORE_WEIGHTS_MESSAGE, "children"),
        Output(ids.SCORE_WEIGHTS_STORE, "data"),
        *[Input(slider, "value") for slider in sliders],
        Input(ids.SCORE_WEIGHTS_RESET, "n_clicks"),
        Input(ids.SCORE_WEIGHTS_NORMALISE, "n_clicks"),
        State(ids.SCORE_WEIGHTS_STORE, "data"),
    )
    def _weights(*args):
        values, stored = list(args[: len(sliders)]), args[-1]
        return update_weights(ctx.triggered_id, values, stored)
