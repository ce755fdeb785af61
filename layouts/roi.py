"""The ROI tab: returns by grouping, spend against revenue, iROAS next to ROAS, and the attribution view.

Components only; callbacks/roi.py fills the bodies from the session's filters and model and the
selectors of each panel.
"""

from __future__ import annotations

from collections.abc import Iterable

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import columns, ids
from layouts.common import HIDDEN, chart, export_button, grid, panel
from metrics.filters import HEURISTIC_MODELS, MODEL_LABELS, MODELS
from metrics.incrementality import INTERVAL_NOTE
from metrics.tables import RETURN_COLUMNS

ROI_GROUPINGS = {"campaign": "Campaign", "platform": "Platform", "category": "Category", "tier": "Tier"}
SCATTER_LEVELS = {"campaign": "Campaigns", "influencer_id": "Influencers"}
ATTRIBUTION_GROUPINGS = {
    "influencer_id": "Influencer",
    "campaign": "Campaign",
    "platform": "Platform",
    "category": "Category",
}
MARKOV_GROUPINGS = {
    "platform": "Platform",
    "campaign": "Campaign",
    "category": "Category",
    "influencer": "Influencer",
}
SHIFT_MODELS = [model for model in MODELS if model != "last_touch"]
DEFAULT_SHIFT_MODEL = "linear"

IROAS_NOTE = [
    html.Strong("How iROAS is estimated. "),
    "ROAS counts every rupee bought through an influencer's code or link, including purchases the customer "
    "would have made anyway. iROAS asks how much more exposed customers spent, from any source, than "
    "customers who never met an influencer: from each influencer's first touch of a customer, for 14 days, "
    "each day's revenue of that customer less the unexposed customers' average that day and less the "
    "customer's own usual spending (measured in the 14 days before their first exposure); a day covered by "
    "several influencers is shared among them, so each purchase counts once. The sum is divided by spend. "
    f"The bars show the {INTERVAL_NOTE}, and effects lasting longer than 14 days are not seen either. ",
    html.Strong("Insufficient data"),
    " means fewer than 30 exposures with both 14-day windows inside the data's dates (or no unexposed "
    "customers to compare with): the estimate would be noise, so none is shown — never read it as zero.",
]


def _radio(control_id: str, choices: dict[str, str], value: str, label: str) -> html.Div:
    return html.Div(
        [
            html.Span(label, className="small fw-semibold me-2", id=f"{control_id}-label"),
            dbc.RadioItems(
                id=control_id,
                options=[{"label": text, "value": key} for key, text in choices.items()],
                value=value,
                inline=True,
                className="d-inline-block small",
                inputClassName="me-1",
            ),
        ],
        role="radiogroup",
        **{"aria-labelledby": f"{control_id}-label"},
        className="panel-control mb-2",
    )


def returns_columns(names: Iterable[str]) -> list[dict]:
    """
    Return the column definitions of the returns grid for a table's columns.

    The grid sizes its columns before its first rows arrive: campaign names get room from the start.
    """
    definitions = columns.columns(names)
    for definition in definitions:
        if definition["field"] == "campaign":
            definition["minWidth"] = 200
    return definitions


def _table(wrap_id: str, grid_id: str, column_defs: list[dict], note_id: str | None = None) -> html.Div:
    """Return a grid (with the slot for its caption above it), hidden until it has rows."""
    parts = [html.Div(id=note_id)] if note_id else []
    table = grid(grid_id)
    table.columnDefs = column_defs
    return html.Div([*parts, table], id=wrap_id, style=HIDDEN)


def _iroas_column(title: str, graph_id: str, note_id: str) -> dbc.Col:
    return dbc.Col([html.H3(title, className="h6 mt-2"), chart(graph_id, note_id)], xl=6)


def layout() -> html.Div:
    """Build the ROI tab; callbacks/roi.py fills it."""
    shift_model = html.Div(
        [
            dbc.Label(
                "Compare with last touch",
                html_for=ids.ATTRIBUTION_SHIFT_MODEL,
                className="small fw-semibold mb-1",
            ),
            dcc.Dropdown(
                id=ids.ATTRIBUTION_SHIFT_MODEL,
                options=[{"label": MODEL_LABELS[m], "value": m} for m in SHIFT_MODELS],
                value=DEFAULT_SHIFT_MODEL,
                clearable=False,
                searchable=False,
                style={"minWidth": "16rem"},
            ),
        ],
        className="mb-2",
    )
    return html.Div(
        [
            panel(
                "Return on spend",
                [
                    _radio(ids.ROI_BY, ROI_GROUPINGS, "campaign", "By"),
                    chart(ids.ROI_GRAPH, ids.ROI_BODY),
                    _table(ids.ROI_TABLE_WRAP, ids.ROI_TABLE, returns_columns(["campaign", *RETURN_COLUMNS])),
                ],
                actions=export_button("campaigns"),
            ),
            panel(
                "Spend against revenue",
                [
                    _radio(ids.ROI_SCATTER_LEVEL, SCATTER_LEVELS, "campaign", "Show"),
                    chart(ids.ROI_SCATTER_GRAPH, ids.ROI_SCATTER_BODY),
                ],
            ),
            panel(
                "Incremental return (iROAS) next to ROAS",
                [
                    html.P(IROAS_NOTE, className="small text-body-secondary iroas-note"),
                    html.Div(
                        dbc.Row(
                            [
                                _iroas_column(
                                    "By campaign", ids.IROAS_CAMPAIGN_GRAPH, ids.IROAS_CAMPAIGN_NOTE
                                ),
                                _iroas_column(
                                    "By platform", ids.IROAS_PLATFORM_GRAPH, ids.IROAS_PLATFORM_NOTE
                                ),
                            ]
                        ),
                        id=ids.IROAS_WRAP,
                        style=HIDDEN,
                    ),
                    html.Div(id=ids.IROAS_BODY),
                ],
            ),
            panel(
                "Attribution models compared",
                [
                    dbc.Row(
                        [
                            dbc.Col(
                                _radio(ids.ATTRIBUTION_BY, ATTRIBUTION_GROUPINGS, "campaign", "By"), md="auto"
                            ),
                            dbc.Col(shift_model, md="auto"),
                        ],
                        className="align-items-end g-3",
                    ),
                    html.Div(id=ids.ATTRIBUTION_BODY),
                    chart(ids.ATTRIBUTION_GRAPH, ids.ATTRIBUTION_GRAPH_NOTE),
                    _table(ids.ATTRIBUTION_TABLE_WRAP, ids.ATTRIBUTION_TABLE, [], ids.ATTRIBUTION_TABLE_NOTE),
                ],
                actions=export_button("attribution"),
                caption="Revenue each model credits to each group. attribution.csv lists each rule-based "
                f"model's ({', '.join(MODEL_LABELS[m] for m in HEURISTIC_MODELS)}) credit per influencer.",
            ),
            panel(
                "Data-driven (Markov) attribution",
                [
                    _radio(ids.MARKOV_BY, MARKOV_GROUPINGS, "platform", "Grouping"),
                    html.Div(id=ids.MARKOV_BODY),
                    chart(ids.MARKOV_GRAPH, ids.MARKOV_GRAPH_NOTE),
                    _table(ids.MARKOV_TABLE_WRAP, ids.MARKOV_TABLE, []),
                ],
                actions=export_button("attribution_markov"),
                caption="Removal effect: the share of conversions the journeys would lose without the group. "
                "Each purchase is split over the groups in its own journey in proportion to their removal "
                "effects, so every purchase keeps exactly its own revenue and orders.",
            ),
        ]
    )
