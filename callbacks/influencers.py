"""The Influencers tab: score weights, performance matrix, the scored influencer table, its detail panel, personas.

The table is influencers.csv (``metrics.export.influencers_file``: the influencer table with iROAS, score
and quadrant) for the session's filters and model and the weights store's score weights. The weights are
part of ``Options``, so each weighting is its own memo entry; attribution credit ignores them
(callbacks/results.py), so changing a weight only re-ranks.
"""

from __future__ import annotations

import re

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.development.base_component import Component

from callbacks.common import expired_notice, finite, no_rows_state, unavailable
from callbacks.overview import GRAPH_CONFIG
from callbacks.session import SessionState
from callbacks.weights import DEFAULT_PERCENTS, normalised_percents, valid_percents, weighted_options
from figures import influencers as charts
from layouts import glossary, ids
from layouts.common import grid, model_caption
from layouts.influencers import PERSONA_COLUMNS, SHORT_LABELS, TABLE_COLUMNS, persona_columns
from metrics import formats, personas, scoring
from metrics.filters import Options
from metrics.scoring import COMPONENTS, QUADRANT_MEANINGS
from store import datasets, results
from store.frames import records
from store.results import ranked_personas, scored_influencers, weekly

HIDDEN = {"display": "none"}
SHOWN: dict = {}
POSTS_SHOWN = 50
CAPTION_CHARS = 120
SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
DETAIL_HINT = "Click a row of the table to see that influencer's KPIs, score, trend and posts."


# --- score weights -----------------------------------------------------------------------------------


def _weights_text(percents: dict[str, int]) -> str:
    return ", ".join(f"{SHORT_LABELS[c].split(' (')[0]} {percents[c]} %" for c in COMPONENTS)


def update_weights(trigger: str | None, values: list, stored: dict | None) -> tuple:
    """
    Keep the sliders, their sum, the message and the weights store consistent.

    Parameters
    ----------
    trigger : str or None
        The id that fired: None when the tab is drawn (the sliders then show the stored weights),
        ``ids.SCORE_WEIGHTS_RESET``, ``ids.SCORE_WEIGHTS_NORMALISE`` or a slider.
    values : list
        The five sliders' values, in ``COMPONENTS`` order (None for an emptied input box).
    stored : dict or None
        The weights store: the percents in use.

    Returns
    -------
    tuple
        Five slider values, the sum's text, the message and the new store value (``no_update`` where
        nothing changes). Weights are used only when they are whole percents summing to 100; otherwise
        the store keeps the last valid ones and the message says so.
    """
    in_use = valid_percents(stored) or dict(DEFAULT_PERCENTS)
    current = dict(zip(COMPONENTS, values, strict=True))
    store_out = no_update
    message: Component | str = ""
    if trigger is None:
        shown = in_use
    elif trigger == ids.SCORE_WEIGHTS_RESET:
        shown, store_out = dict(DEFAULT_PERCENTS), dict(DEFAULT_PERCENTS)
        message = "Weights reset to the defaults."
    elif trigger == ids.SCORE_WEIGHTS_NORMALISE:
        scaled = normalised_percents(current)
        if scaled is None:
            shown = current
            message = html.Span(
                "Every weight is 0, so there is nothing to scale — set at least one weight or reset.",
                className="text-danger",
            )
        else:
            shown, store_out = scaled, scaled
            message = "Weights scaled to add up to 100 %."
    else:
        shown = current
        valid = valid_percents(current)
        if valid is not None:
            store_out = valid
        else:
            filled = [value for value in current.values() if value is not None]
            total = sum(float(v) for v in filled)
            reason = (
                "Enter a weight for every component"
                if len(filled) < len(COMPONENTS)
                else f"The weights add up to {total:g} %, not 100 %"
            )
            message = html.Span(
                f"{reason}: the score still uses the last weights that did ({_weights_text(in_use)}). "
                "Move a slider or click “Normalise to 100 %”.",
                className="text-danger",
            )
    total = sum(float(v) for v in shown.values() if v is not None)
    ok = valid_percents(shown) is not None
    sum_text = f"{'✓' if ok else '⚠'} Sum: {total:g} %"
    return (*[shown[c] for c in COMPONENTS], sum_text, message, store_out)


# --- matrix and table --------------------------------------------------------------------------------


def update_influencers(store: dict | None, weights: dict | None) -> tuple:
    """
    Return the matrix panel's body, the table's caption (or empty state), the grid rows and the grid's style.

    The grid is hidden (and its rows emptied) when there is nothing to show.
    """
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked, blocked, [], HIDDEN
    options = weighted_options(state.options, weights)
    try:
        table = scored_influencers(state.key, state.filters, options)
    except datasets.DatasetExpired:
        notice = expired_notice()
        return notice, notice, [], HIDDEN
    if table.empty:
        return no_rows_state("influencer-matrix"), no_rows_state("influencers"), [], HIDDEN

    placed = int(table["quadrant"].notna().sum())
    if placed == 0:
        matrix: Component = html.P(
            "No influencer has both an engagement rate and a ROAS here (they need reach and spend): "
            "widen the filters to see the matrix.",
            className="text-body-secondary mb-0 tab-note",
        )
    else:
        shown = min(placed, charts.MATRIX_POINTS)
        notes = [f"{model_caption(state.model)}. Dashed lines at the medians; bubble area ∝ spend."]
        if shown < placed:
            notes.append(f"Showing the {shown:,} with the largest spend of {placed:,}.")
        if placed < len(table):
            notes.append(f"{len(table) - placed:,} without reach or spend are not placed.")
        matrix = [
            dcc.Graph(figure=charts.performance_matrix(table), config=GRAPH_CONFIG),
            html.Div(" ".join(notes), className="panel-caption small text-body-secondary"),
        ]
    unscored = int(table["score"].isna().sum())
    caption = [
        f"{model_caption(state.model)}. Score weights: {_weights_text(_percents(options))}.",
        f" {unscored:,} without spend or posts show “insufficient data”." if unscored else "",
        " Click a row for details.",
    ]
    body = html.Div("".join(caption), className="panel-caption small text-body-secondary mb-2")
    return matrix, body, records(table[TABLE_COLUMNS]), SHOWN


def _percents(options: Options) -> dict[str, int]:
    return {component: round(100 * weight) for component, weight in options.score_weights}


# --- detail panel ------------------------------------------------------------------------------------


def _stat(label: str, value: str, column: str | None = None) -> html.Div:
    return html.Div(
        [html.Div(label, className="small text-body-secondary"), html.Div(value, className="fw-semibold")],
        className="detail-stat",
        title=glossary.formula(column) if column else None,
    )


def _iroas_text(row: pd.Series) -> str:
    if bool(row.get("insufficient_data")) or finite(row.get("iroas")) is None:
        return "insufficient data"
    low, high = finite(row.get("iroas_low")), finite(row.get("iroas_high"))
    interval = (
        f" ({formats.ratio(low)} – {formats.ratio(high)})" if low is not None and high is not None else ""
    )
    return formats.ratio(row["iroas"]) + interval


def _posts_table(posts: pd.DataFrame) -> Component:
    if posts.empty:
        return html.P("No posts in these filters.", className="text-body-secondary small mb-0")
    recent = posts.sort_values("date", ascending=False, kind="stable").head(POSTS_SHOWN)
    rows = []
    for post in recent.itertuples(index=False):
        url = str(post.url) if pd.notna(post.url) else ""
        link: Component | str = (
            html.A("Open ↗", href=url, target="_blank", rel="noopener noreferrer")
            if SAFE_URL.match(url)
            else (url or formats.DASH)
        )
        caption = str(post.caption) if pd.notna(post.caption) else ""
        short = caption if len(caption) <= CAPTION_CHARS else caption[: CAPTION_CHARS - 1] + "…"
        rows.append(
            html.Tr(
                [
                    html.Td(
                        pd.Timestamp(post.date).strftime("%d %b %Y") if pd.notna(post.date) else formats.DASH
                    ),
                    html.Td(str(post.post_platform) if pd.notna(post.post_platform) else formats.DASH),
                    html.Td(short, title=caption if short != caption else None),
                    html.Td(formats.number(post.reach), className="text-end"),
                    html.Td(formats.number(post.likes), className="text-end"),
                    html.Td(formats.number(post.comments), className="text-end"),
                    html.Td(link),
                ]
            )
        )
    header = html.Thead(
        html.Tr(
            [
                html.Th(h, className=c)
                for h, c in (
                    ("Date", ""),
                    ("Platform", ""),
                    ("Caption", ""),
                    ("Reach", "text-end"),
                    ("Likes", "text-end"),
                    ("Comments", "text-end"),
                    ("Link", ""),
                )
            ]
        )
    )
    note = (
        html.Div(
            f"The {POSTS_SHOWN} most recent of {len(posts):,} posts.", className="small text-body-secondary"
        )
        if len(posts) > POSTS_SHOWN
        else None
    )
    return html.Div(
        [html.Table([header, html.Tbody(rows)], className="table table-sm align-middle small mb-1"), note],
        className="table-responsive",
    )


def update_detail(selected: list | None, store: dict | None, weights: dict | None) -> Component:
    """
    Return the detail panel of the selected influencer: KPIs, score breakdown, weekly trend and posts.

    Post links are rendered only for http(s) URLs and open in a new tab without access to this page
    (``rel="noopener noreferrer"``).
    """
    state = SessionState.from_store(store)
    if not selected or state.key is None or state.expired:
        return html.P(DETAIL_HINT, className="text-body-secondary small mb-3 tab-note")
    influencer_id = selected[0].get("influencer_id")
    options = weighted_options(state.options, weights)
    try:
        table = scored_influencers(state.key, state.filters, options)
        match = table[table["influencer_id"] == influencer_id]
        if match.empty:
            return html.P(
                "The selected influencer is not in the current filters — pick another row.",
                className="text-body-secondary small mb-3 tab-note",
            )
        row = match.iloc[0]
        view = results.view(state.key, state.filters, state.options.with_default_weights())
        posts = view.posts[view.posts["influencer_id"] == influencer_id]
        trend = weekly(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice()
    trend = trend[trend["influencer_id"] == influencer_id]

    name = row["name"] if pd.notna(row["name"]) else "Unknown influencer"
    attributes = [str(row[c]) for c in ("platform", "category", "gender", "tier") if pd.notna(row[c])]
    if pd.notna(row["follower_count"]):
        attributes.append(f"{formats.number_short(row['follower_count'])} followers")
    score = finite(row["score"])
    stats = [
        _stat("Revenue", formats.inr(row["revenue"]), "revenue"),
        _stat("Orders", formats.number(row["orders"], 1 if row["orders"] % 1 else 0), "orders"),
        _stat("Spend", formats.inr(row["spend"]), "spend"),
        _stat("ROAS", formats.ratio(row["roas"]), "roas"),
        _stat("ROI", formats.percent(row["roi"], 0, signed=True), "roi"),
        _stat("CPE", formats.inr(row["cpe"], 2), "cpe"),
        _stat("Engagement rate", formats.percent(row["engagement_rate"], 2), "engagement_rate"),
        _stat("Conversion rate", formats.percent(row["conversion_rate"]), "conversion_rate"),
        _stat("iROAS (95% interval)", _iroas_text(row), "iroas"),
        _stat("Score", formats.number(score, 1) if score is not None else "insufficient data", "score"),
        _stat(
            "Quadrant",
            f"{row['quadrant']}" if pd.notna(row["quadrant"]) else formats.DASH,
        ),
    ]
    if score is None:
        breakdown: Component = html.P(
            "Insufficient data: the score needs spend and at least one post in these filters.",
            className="text-body-secondary small",
        )
    else:
        parts = scoring.score_breakdown(row, options.score_weights)
        breakdown = html.Div(
            [
                dcc.Graph(figure=charts.score_breakdown_bars(parts), config={"displayModeBar": False}),
                html.Div(
                    f"Points = 100 × weight × percentile in the scored set; they add up to {score:.1f}.",
                    className="panel-caption small text-body-secondary",
                ),
            ]
        )
    if trend.empty:
        trend_body: Component = html.P(
            "No dated revenue or spend in these filters.", className="text-body-secondary small"
        )
    else:
        trend_body = html.Div(
            [
                dcc.Graph(figure=charts.weekly_trend(trend), config=GRAPH_CONFIG),
                html.Div(
                    f"{model_caption(state.model)}. Per ISO week (Monday).",
                    className="panel-caption small text-body-secondary",
                ),
            ]
        )
    quadrant_note = QUADRANT_MEANINGS.get(str(row["quadrant"]), "") if pd.notna(row["quadrant"]) else ""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H2(f"{name}", className="h6 mb-0 panel-title"),
                        html.Span(
                            f"{influencer_id} · {' · '.join(attributes)}",
                            className="small text-body-secondary",
                        ),
                    ],
                    className="d-flex align-items-baseline gap-2 flex-wrap mb-2",
                ),
                html.Div(stats, className="detail-stats d-flex flex-wrap gap-3 mb-1"),
                html.Div(
                    quadrant_note and f"{row['quadrant']}: {quadrant_note}.",
                    className="small text-body-secondary mb-3",
                ),
                dbc.Row(
                    [
                        dbc.Col([html.H3("Score breakdown", className="h6"), breakdown], lg=5),
                        dbc.Col([html.H3("Revenue and spend per week", className="h6"), trend_body], lg=7),
                    ]
                ),
                html.H3("Posts", className="h6 mt-2"),
                _posts_table(posts),
            ]
        ),
        className="panel mb-3 shadow-sm influencer-detail",
        id="influencer-detail-card",
    )


# --- personas ----------------------------------------------------------------------------------------


def update_personas(store: dict | None) -> Component:
    """Return the persona chart (best and worst ranked personas) and table, or an empty state."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked
    try:
        table = ranked_personas(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_notice()
    if table.empty:
        return no_rows_state("personas")
    ranked = int(table["ranked"].sum())
    unranked = len(table) - ranked
    note = (
        f"{model_caption(state.model)}. Persona = category × gender × platform × follower tier; ROAS and "
        f"engagement rate are ratios of the persona's sums. {ranked:,} personas with at least "
        f"{personas.MIN_INFLUENCERS} influencers are ranked by ROAS"
    )
    note += (
        f"; {unranked:,} with fewer are listed below as “not ranked” (too few accounts to generalise)."
        if unranked
        else "."
    )
    if ranked:
        chart: Component = dcc.Graph(figure=charts.persona_extremes(table), config=GRAPH_CONFIG)
        title = (
            "Best and worst personas by ROAS"
            if ranked > 2 * charts.PERSONAS_SHOWN
            else "Ranked personas by ROAS"
        )
    else:
        chart = html.P(
            f"No persona has {personas.MIN_INFLUENCERS} or more influencers in these filters, so none is ranked.",
            className="text-body-secondary small",
        )
        title = "Ranked personas"
    persona_grid = grid(ids.PERSONA_TABLE, PERSONA_COLUMNS, records(table[PERSONA_COLUMNS]))
    persona_grid.columnDefs = persona_columns()
    return html.Div(
        [
            html.Div(note, className="panel-caption small text-body-secondary mb-2"),
            html.H3(title, className="h6"),
            chart,
            persona_grid,
        ]
    )


def register(app: Dash) -> None:
    """Register the Influencers tab callbacks: weights, matrix and table, detail panel, personas."""
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

    app.callback(
        Output(ids.INFLUENCER_MATRIX, "children"),
        Output(ids.INFLUENCER_BODY, "children"),
        Output(ids.INFLUENCER_TABLE, "rowData"),
        Output(ids.INFLUENCER_TABLE_WRAP, "style"),
        Input(ids.SESSION_STORE, "data"),
        Input(ids.SCORE_WEIGHTS_STORE, "data"),
    )(update_influencers)

    app.callback(
        Output(ids.INFLUENCER_DETAIL, "children"),
        Input(ids.INFLUENCER_TABLE, "selectedRows"),
        Input(ids.SESSION_STORE, "data"),
        Input(ids.SCORE_WEIGHTS_STORE, "data"),
    )(update_detail)

    app.callback(Output(ids.PERSONA_BODY, "children"), Input(ids.SESSION_STORE, "data"))(update_personas)
