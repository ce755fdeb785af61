"""The Payouts tab: the payout ledger, spend by basis and platform, and the budget optimizer."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import columns, ids
from layouts.common import export_button, panel

BUDGET_COLUMNS = [
    "influencer_id",
    "name",
    "current_spend",
    "recommended_spend",
    "predicted_revenue_current",
    "predicted_revenue_recommended",
    "marginal_roas",
]
CAVEAT = (
    "This is a model of diminishing returns fitted on the uploaded history, not a promise: each "
    "influencer's revenue is assumed to grow like spend^b, with one exponent b for everyone. Treat the "
    "plan as a starting point to test, not a forecast."
)
# Ledger rows by status: the ones to act on stand out (colours readable on white, with a status word too).
LEDGER_ROW_STYLE = {
    "styleConditions": [
        {"condition": "params.data.status === 'mismatch'", "style": {"backgroundColor": "#FDE2D2"}},
        {"condition": "params.data.status === 'missing'", "style": {"backgroundColor": "#FFF3CD"}},
        {"condition": "params.data.status === 'no_units'", "style": {"backgroundColor": "#E9ECEF"}},
        {"condition": "params.data.status === 'no_rate'", "style": {"backgroundColor": "#DCEBFA"}},
    ]
}


def budget_columns() -> list[dict]:
    """Return the budget grid's column definitions (money columns and marginal ROAS formatted)."""
    definitions = columns.columns(BUDGET_COLUMNS)
    headers = {
        "current_spend": "Current spend",
        "recommended_spend": "Recommended spend",
        "predicted_revenue_current": "Predicted revenue (current)",
        "predicted_revenue_recommended": "Predicted revenue (recommended)",
        "marginal_roas": "Marginal ROAS",
    }
    tooltips = {
        "current_spend": "Spend allocated to the influencer in the current filters.",
        "recommended_spend": "The spend the plan suggests, within the bounds.",
        "predicted_revenue_current": "a × current spend^b = the influencer's last-touch revenue.",
        "predicted_revenue_recommended": "a × recommended spend^b.",
        "marginal_roas": "Revenue from the next rupee at the recommended spend = b × predicted revenue ÷ spend.",
    }
    for definition in definitions:
        field = definition["field"]
        if field in headers:
            definition["headerName"] = headers[field]
            definition["headerTooltip"] = tooltips[field]
    return definitions


def _number_input(input_id: str, label: str, value: float | None, help_text: str, **props) -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=input_id, className="small mb-0"),
            dbc.Input(id=input_id, type="number", value=value, debounce=True, size="sm", **props),
            dbc.FormText(help_text),
        ]
    )


def budget_controls() -> dbc.Row:
    """Return the optimizer's inputs: total budget, lower and upper bounds, locked influencers."""
    return dbc.Row(
        [
            dbc.Col(
                _number_input(
                    ids.BUDGET_TOTAL,
                    "Total budget (₹)",
                    None,
                    "Empty: the current total spend.",
                    min=0,
                    step="any",
                    placeholder="current total",
                ),
                md=3,
            ),
            dbc.Col(
                _number_input(
                    ids.BUDGET_LOWER,
                    "Lower bound (× current)",
                    0.5,
                    "Each influencer gets at least this.",
                    min=0,
                    step=0.05,
                ),
                md=2,
            ),
            dbc.Col(
                _number_input(
                    ids.BUDGET_UPPER, "Upper bound (× current)", 2.0, "…and at most this.", min=0, step=0.05
                ),
                md=2,
            ),
            dbc.Col(
                html.Div(
                    [
                        dbc.Label(
                            "Keep at current spend", html_for=ids.BUDGET_LOCKED, className="small mb-0"
                        ),
                        dcc.Dropdown(
                            id=ids.BUDGET_LOCKED,
                            multi=True,
                            options=[],
                            value=[],
                            placeholder="Lock influencers…",
                        ),
                        dbc.FormText("Locked influencers keep today's spend."),
                    ]
                ),
                md=5,
            ),
        ],
        className="g-3 mb-2",
    )


def layout() -> html.Div:
    """Build the Payouts tab; callbacks/payouts.py fills it."""
    return html.Div(
        [
            panel(
                "Payout ledger",
                dcc.Loading(html.Div(id=ids.PAYOUT_BODY), delay_show=300, type="dot"),
                actions=export_button("payouts"),
            ),
            panel(
                "Spend by basis and platform",
                dcc.Loading(
                    html.Div(id=ids.PAYOUT_SPEND_CHART, className="chart-body"), delay_show=300, type="dot"
                ),
            ),
            panel(
                "Budget optimizer",
                [
                    budget_controls(),
                    dbc.Alert(CAVEAT, color="info", className="small py-2 mb-2 budget-caveat"),
                    dcc.Loading(html.Div(id=ids.BUDGET_BODY), delay_show=300, type="dot"),
                ],
                actions=html.Div(
                    [export_button("budget"), export_button("budget_fit")], className="d-flex gap-2"
                ),
            ),
        ]
    )
