"""The Influencers tab: score weights, the performance matrix, the scored table with a detail panel, personas."""

from __future__ import annotations

import re

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component
from plotly.graph_objects import Figure

from layouts import columns, ids
from layouts.common import (
    CAPTION_CLASS,
    GRAPH_CONFIG,
    GRAPH_HIDDEN,
    HIDDEN,
    export_button,
    grid,
    hidden_chart,
    model_caption,
    panel,
)
from metrics import formats, glossary
from metrics.export import COLUMNS
from metrics.filters import Options
from metrics.scoring import COMPONENT_LABELS, COMPONENTS, QUADRANT_MEANINGS

DEFAULT_PERCENTS = {component: round(100 * weight) for component, weight in Options().score_weights}
DETAIL_HINT = "Click a row of the table to see that influencer's KPIs, score, trend and posts."
POSTS_SHOWN = 50
CAPTION_CHARS = 120
SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
NOTE_CLASS = "text-body-secondary small mb-3 tab-note"
SHORT_LABELS = {
    "roas": "ROAS",
    "engagement_rate": "Engagement rate",
    "conversion_rate": "Conversion rate",
    "revenue": "Revenue",
    "cpe": "CPE (lower is better)",
}
# The grid shows influencers.csv's columns (``metrics.export.COLUMNS``) with the score, quadrant and
# returns next to the name (in view at 1440 px without scrolling), and personas.csv's with the rank first.
_FIRST = [
    "influencer_id",
    "name",
    "score",
    "quadrant",
    "revenue",
    "spend",
    "roas",
    "roi",
    "platform",
    "category",
    "gender",
    "tier",
    "follower_count",
]
TABLE_COLUMNS = _FIRST + [column for column in COLUMNS["influencers"] if column not in _FIRST]
PERSONA_COLUMNS = ["rank", *COLUMNS["personas"]]


def table_columns() -> list[dict]:
    """Return the influencer grid's column definitions (score shown as "insufficient data" when empty)."""
    definitions = columns.columns(TABLE_COLUMNS)
    for definition in definitions:
        if definition["field"] == "score":
            definition.update(
                type="numericColumn",
                filter="agNumberColumnFilter",
                valueFormatter={
                    "function": "params.value == null ? 'insufficient data' : number(params.value, 1)"
                },
                sort="desc",
            )
        if definition["field"] == "quadrant":
            definition["headerTooltip"] = "; ".join(f"{q}: {m}" for q, m in QUADRANT_MEANINGS.items())
    return definitions


def persona_columns() -> list[dict]:
    """Return the persona grid's column definitions (an unranked persona shows "not ranked")."""
    definitions = columns.columns(PERSONA_COLUMNS)
    definitions[0].update(
        headerName="Rank",
        headerTooltip="By ROAS among personas with at least 3 influencers.",
        type="numericColumn",
        filter="agNumberColumnFilter",
        valueFormatter={"function": "params.value == null ? 'not ranked' : number(params.value, 0)"},
        maxWidth=120,
    )
    return definitions


def weight_slider(component: str) -> html.Div:
    """Return the labelled 0-100 % slider of one score component."""
    return html.Div(
        [
            html.Label(
                SHORT_LABELS[component],
                htmlFor=ids.SCORE_WEIGHT[component],
                className="form-label small mb-0",
                title=COMPONENT_LABELS[component],
            ),
            dcc.Slider(
                id=ids.SCORE_WEIGHT[component],
                min=0,
                max=100,
                step=1,
                value=DEFAULT_PERCENTS[component],
                marks={0: "0", 50: "50", 100: "100 %"},
                updatemode="mouseup",
            ),
        ],
        className="mb-1",
    )


def weights_panel() -> dbc.Card:
    """Return the score-weights card: five sliders, their sum, a message, normalise and reset."""
    return panel(
        "Score weights",
        html.Div(
            [
                *[weight_slider(component) for component in COMPONENTS],
                html.Div(
                    [
                        html.Span(id=ids.SCORE_WEIGHTS_SUM, className="fw-semibold", role="status"),
                        dbc.Button(
                            "Normalise to 100 %",
                            id=ids.SCORE_WEIGHTS_NORMALISE,
                            size="sm",
                            color="primary",
                            outline=True,
                        ),
                        dbc.Button(
                            "Reset", id=ids.SCORE_WEIGHTS_RESET, size="sm", color="secondary", outline=True
                        ),
                    ],
                    className="d-flex align-items-center gap-2 flex-wrap mt-2",
                ),
                html.Div(id=ids.SCORE_WEIGHTS_MESSAGE, className="small mt-2", **{"aria-live": "polite"}),
            ]
        ),
        caption=glossary.formula("score"),
    )


def detail_hint(text: str = DETAIL_HINT) -> html.P:
    """Return the detail panel's note when no influencer is shown (no row clicked, or not in the filters)."""
    return html.P(text, className=NOTE_CLASS)


def _stat(label: str, value: str, column: str | None = None) -> html.Div:
    return html.Div(
        [html.Div(label, className="small text-body-secondary"), html.Div(value, className="fw-semibold")],
        className="detail-stat",
        title=glossary.formula(column) if column else None,
    )


def _iroas_text(row: pd.Series) -> str:
    if bool(row.get("insufficient_data")) or formats.is_undefined(row.get("iroas")):
        return "insufficient data"
    low, high = row.get("iroas_low"), row.get("iroas_high")
    interval = (
        ""
        if formats.is_undefined(low) or formats.is_undefined(high)
        else f" ({formats.ratio(low)} – {formats.ratio(high)})"
    )
    return formats.ratio(row["iroas"]) + interval


def _text(value: object) -> str:
    return str(value) if pd.notna(value) else formats.DASH


def _post_row(post) -> html.Tr:
    """Return one post's table row; only an http(s) URL becomes a link, opening without access to this page."""
    url = str(post.url) if pd.notna(post.url) else ""
    link: Component | str = (
        html.A("Open ↗", href=url, target="_blank", rel="noopener noreferrer")
        if SAFE_URL.match(url)
        else (url or formats.DASH)
    )
    caption = str(post.caption) if pd.notna(post.caption) else ""
    short = caption if len(caption) <= CAPTION_CHARS else caption[: CAPTION_CHARS - 1] + "…"
    date = pd.Timestamp(post.date).strftime("%d %b %Y") if pd.notna(post.date) else formats.DASH
    return html.Tr(
        [
            html.Td(date),
            html.Td(_text(post.post_platform)),
            html.Td(short, title=caption if short != caption else None),
            html.Td(formats.number(post.reach), className="text-end"),
            html.Td(formats.number(post.likes), className="text-end"),
            html.Td(formats.number(post.comments), className="text-end"),
            html.Td(link),
        ]
    )


POST_HEADERS = (
    ("Date", ""),
    ("Platform", ""),
    ("Caption", ""),
    ("Reach", "text-end"),
    ("Likes", "text-end"),
    ("Comments", "text-end"),
    ("Link", ""),
)


def posts_table(posts: pd.DataFrame) -> Component:
    """Return the table of an influencer's most recent ``POSTS_SHOWN`` posts (newest first)."""
    if posts.empty:
        return html.P("No posts in these filters.", className="text-body-secondary small mb-0")
    recent = posts.sort_values("date", ascending=False, kind="stable").head(POSTS_SHOWN)
    header = html.Thead(html.Tr([html.Th(h, className=c) for h, c in POST_HEADERS]))
    rows = [_post_row(post) for post in recent.itertuples(index=False)]
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


def _detail_stats(row: pd.Series) -> list[html.Div]:
    score = row["score"]
    return [
        _stat("Revenue", formats.inr(row["revenue"]), "revenue"),
        _stat("Orders", formats.number(row["orders"], 1 if row["orders"] % 1 else 0), "orders"),
        _stat("Spend", formats.inr(row["spend"]), "spend"),
        _stat("ROAS", formats.ratio(row["roas"]), "roas"),
        _stat("ROI", formats.roi(row["roi"]), "roi"),
        _stat("CPE", formats.inr(row["cpe"], 2), "cpe"),
        _stat("Engagement rate", formats.percent(row["engagement_rate"], 2), "engagement_rate"),
        _stat("Conversion rate", formats.percent(row["conversion_rate"]), "conversion_rate"),
        _stat("iROAS (95% interval)", _iroas_text(row), "iroas"),
        _stat(
            "Score", "insufficient data" if formats.is_undefined(score) else formats.number(score, 1), "score"
        ),
        _stat("Quadrant", _text(row["quadrant"])),
    ]


def _chart_or_note(figure: Figure | None, note: str, caption: str, config: dict) -> Component:
    if figure is None:
        return html.P(note, className="text-body-secondary small")
    # As tall as the figure: a responsive graph in a container of no set height collapses when resized.
    graph = dcc.Graph(figure=figure, config=config, style={"height": f"{figure.layout.height}px"})
    return html.Div([graph, html.Div(caption, className=CAPTION_CLASS)])


def detail_card(
    row: pd.Series, posts: pd.DataFrame, breakdown: Figure | None, trend: Figure | None, model: str
) -> dbc.Card:
    """
    Return the detail card of one influencer: KPIs, score breakdown, weekly trend and posts.

    Parameters
    ----------
    row : pandas.Series
        The influencer's row of the scored table (influencers.csv columns plus iroas_low/iroas_high).
    posts : pandas.DataFrame
        Its posts in the filters.
    breakdown, trend : plotly Figure or None
        The score breakdown bars (None: not scored) and the weekly trend (None: nothing dated).
    model : str
        The attribution model of the trend.
    """
    name = row["name"] if pd.notna(row["name"]) else "Unknown influencer"
    attributes = [str(row[c]) for c in ("platform", "category", "gender", "tier") if pd.notna(row[c])]
    if pd.notna(row["follower_count"]):
        attributes.append(f"{formats.number_short(row['follower_count'])} followers")
    score = 0.0 if formats.is_undefined(row["score"]) else float(row["score"])
    breakdown_body = _chart_or_note(
        breakdown,
        "Insufficient data: the score needs spend and at least one post in these filters.",
        f"Points = 100 × weight × percentile in the scored set; they add up to {score:.1f}.",
        {**GRAPH_CONFIG, "displayModeBar": False},
    )
    trend_body = _chart_or_note(
        trend,
        "No dated revenue or spend in these filters.",
        f"{model_caption(model)}. Per ISO week (Monday).",
        GRAPH_CONFIG,
    )
    quadrant = row["quadrant"]
    meaning = QUADRANT_MEANINGS.get(str(quadrant), "") if pd.notna(quadrant) else ""
    title = html.Div(
        [
            html.H2(f"{name}", className="h6 mb-0 panel-title"),
            html.Span(
                f"{row['influencer_id']} · {' · '.join(attributes)}", className="small text-body-secondary"
            ),
        ],
        className="d-flex align-items-baseline gap-2 flex-wrap mb-2",
    )
    body = [
        title,
        html.Div(_detail_stats(row), className="detail-stats d-flex flex-wrap gap-3 mb-1"),
        html.Div(meaning and f"{quadrant}: {meaning}.", className="small text-body-secondary mb-3"),
        dbc.Row(
            [
                dbc.Col([html.H3("Score breakdown", className="h6"), breakdown_body], lg=5),
                dbc.Col([html.H3("Revenue and spend per week", className="h6"), trend_body], lg=7),
            ]
        ),
        html.H3("Posts", className="h6 mt-2"),
        posts_table(posts),
    ]
    return dbc.Card(
        dbc.CardBody(body), className="panel mb-3 shadow-sm influencer-detail", id=ids.INFLUENCER_DETAIL_CARD
    )


def matrix_panel() -> dbc.Card:
    """Return the performance-matrix card: a note slot, and the graph with its caption (hidden while empty)."""
    body = hidden_chart(
        ids.INFLUENCER_MATRIX,
        ids.INFLUENCER_MATRIX_EMPTY,
        ids.INFLUENCER_MATRIX_WRAP,
        ids.INFLUENCER_MATRIX_GRAPH,
        html.Div(id=ids.INFLUENCER_MATRIX_CAPTION, className=CAPTION_CLASS),
    )
    return panel("Performance matrix", body)


def personas_panel() -> dbc.Card:
    """Return the personas card: a note slot, then the note, the ranked chart and the grid (hidden while empty)."""
    persona_grid = grid(ids.PERSONA_TABLE, PERSONA_COLUMNS)
    persona_grid.columnDefs = persona_columns()
    content = html.Div(
        [
            html.Div(id=ids.PERSONA_NOTE, className=CAPTION_CLASS + " mb-2"),
            html.H3(id=ids.PERSONA_TITLE, className="h6"),
            html.Div(id=ids.PERSONA_CHART_NOTE, className="text-body-secondary small"),
            dcc.Graph(id=ids.PERSONA_CHART, config=GRAPH_CONFIG, style=GRAPH_HIDDEN),
            persona_grid,
        ],
        id=ids.PERSONA_WRAP,
        style=HIDDEN,
    )
    body = html.Div([html.Div(id=ids.PERSONA_EMPTY), content], id=ids.PERSONA_BODY)
    return panel("Personas", dcc.Loading(body, delay_show=300, type="dot"), actions=export_button("personas"))


def layout() -> html.Div:
    """Build the Influencers tab; callbacks/influencers.py fills it."""
    table = dag.AgGrid(
        id=ids.INFLUENCER_TABLE,
        columnDefs=table_columns(),
        rowData=[],
        defaultColDef=columns.DEFAULT_COLUMN,
        dashGridOptions={
            **columns.GRID_OPTIONS,
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
        },
        getRowId="params.data.influencer_id",
        eventListeners=columns.FIT_COLUMNS,
        className="grid",
    )
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(weights_panel(), xl=4),
                    dbc.Col(matrix_panel(), xl=8),
                ]
            ),
            panel(
                "Influencers",
                [
                    dcc.Loading(html.Div(id=ids.INFLUENCER_BODY), delay_show=300, type="dot"),
                    html.Div(table, id=ids.INFLUENCER_TABLE_WRAP),
                ],
                actions=export_button("influencers"),
            ),
            html.Div(detail_hint(), id=ids.INFLUENCER_DETAIL),
            personas_panel(),
        ]
    )
