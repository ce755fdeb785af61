"""The Influencers tab: score weights, the performance matrix, the scored table with a detail panel, personas."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import columns, glossary, ids
from layouts.common import export_button, panel
from metrics.filters import Options
from metrics.scoring import COMPONENT_LABELS, COMPONENTS, QUADRANT_MEANINGS

DEFAULT_PERCENTS = {component: round(100 * weight) for component, weight in Options().score_weights}
SHORT_LABELS = {
    "roas": "ROAS",
    "engagement_rate": "Engagement rate",
    "conversion_rate": "Conversion rate",
    "revenue": "Revenue",
    "cpe": "CPE (lower is better)",
}
# The grid shows influencers.csv's columns with the score and quadrant next to the name.
TABLE_COLUMNS = [
    "influencer_id",
    "name",
    "score",
    "quadrant",
    "platform",
    "category",
    "gender",
    "tier",
    "follower_count",
    "posts",
    "reach",
    "likes",
    "comments",
    "engagements",
    "engagement_rate",
    "engagement_rate_followers",
    "orders",
    "revenue",
    "spend",
    "roas",
    "roi",
    "cpa",
    "cpm",
    "cpe",
    "conversion_rate",
    "incremental_revenue",
    "iroas",
    "iroas_low",
    "iroas_high",
]
PERSONA_COLUMNS = [
    "rank",
    "category",
    "gender",
    "platform",
    "tier",
    "influencers",
    "revenue",
    "spend",
    "roas",
    "engagement_rate",
]


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
        columnSize="autoSize",
        className="grid",
    )
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(weights_panel(), xl=4),
                    dbc.Col(
                        panel(
                            "Performance matrix",
                            dcc.Loading(
                                html.Div(id=ids.INFLUENCER_MATRIX, className="chart-body"),
                                delay_show=300,
                                type="dot",
                            ),
                        ),
                        xl=8,
                    ),
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
            html.Div(id=ids.INFLUENCER_DETAIL),
            panel(
                "Personas",
                dcc.Loading(html.Div(id=ids.PERSONA_BODY), delay_show=300, type="dot"),
                actions=export_button("personas"),
            ),
        ]
    )
