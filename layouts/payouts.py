"""The Payouts tab: the payout ledger, spend by basis and platform, and the budget optimizer."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import columns, ids
from layouts.common import CAPTION_CLASS, GRAPH_CONFIG, HIDDEN, export_button, grid, hidden_chart, panel
from metrics import formats
from metrics.export import COLUMNS
from metrics.payouts import LEDGER_COLUMNS

# budget.csv's columns (``metrics.export.COLUMNS``) with the influencer's name after the id.
BUDGET_COLUMNS = ["influencer_id", "name", *COLUMNS["budget"][1:]]
CAVEAT = (
    "This is a model of diminishing returns fitted on the uploaded history, not a promise: each extra "
    "rupee given to an influencer is assumed to earn a little less than the one before, at the same rate "
    "for everyone. Treat the plan as a starting point to test, not a forecast."
)
LEDGER_SHOWN = [*LEDGER_COLUMNS, "note"]
LEDGER_CAPTION = (
    "Payouts carry no dates or campaigns: the ledger follows the platform, category, gender and tier "
    "filters only."
)
SPEND_CAPTION = (
    "Spend allocated in the current filters (post date or order date), by the influencer's platform and "
    "payout basis."
)
FIT_TOOLTIP = (
    "Each influencer's revenue is modelled as a × spend^b. b is fitted within influencers (log-log, "
    "fixed effects) on each 14-day period's post-basis spend against the last-touch revenue its posts "
    "bring in the 14 days after them; the 95% interval comes from resampling influencers. b is used when "
    "at least 30 influencer-periods fit it and the interval is at most 0.4 wide; otherwise the usual 0.6."
)
# The metrics' reasons for using the usual rate (``metrics.budget.identification``), by their opening
# words, in plain words; the exact reason, with its numbers, goes to the tooltip.
PLAIN_REASONS = {
    "too few points": "the history holds too few influencer-periods to measure it ({points:,}, 30 needed)",
    "the data cannot pin": "the history is too uneven to measure it reliably",
    "the fit gives": "the history does not show returns that diminish",
}
# Ledger rows by status: the ones to act on stand out (with a status word too). Bootstrap's subtle
# backgrounds, so the grid's text stays readable in the light and the dark theme.
LEDGER_ROW_COLOURS = {
    "mismatch": "--bs-danger-bg-subtle",
    "missing": "--bs-warning-bg-subtle",
    "no_units": "--bs-secondary-bg",
    "no_rate": "--bs-info-bg-subtle",
}
LEDGER_ROW_STYLE = {
    "styleConditions": [
        {"condition": f"params.data.status === '{status}'", "style": {"backgroundColor": f"var({colour})"}}
        for status, colour in LEDGER_ROW_COLOURS.items()
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


def _number_input(
    input_id: str, label: str, value: float | None, help_text: str, feedback_id: str | None = None, **props
) -> html.Div:
    # The feedback follows the input so Bootstrap shows it (red) only while the input is marked invalid.
    feedback = [dbc.FormFeedback(id=feedback_id, type="invalid")] if feedback_id else []
    return html.Div(
        [
            dbc.Label(label, html_for=input_id, className="small mb-0"),
            dbc.Input(id=input_id, type="number", value=value, debounce=True, size="sm", **props),
            *feedback,
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
                    # No min=0: the browser would turn a negative amount into an empty value, silently
                    # replaced by the current total; callbacks/payouts.py flags it instead.
                    feedback_id=ids.BUDGET_TOTAL_FEEDBACK,
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


def fit_words(totals: dict) -> tuple[str, str]:
    """
    Return the plain-words line on how returns diminish and where that comes from, and its tooltip (the maths).

    Examples
    --------
    >>> text, tip = fit_words({"identified": True, "points": 511, "b": 0.72, "b_low": 0.58, "b_high": 0.84,
    ...                        "fit": ""})
    >>> text
    "Each extra rupee earns a little less than the one before; fitted from 511 influencer-periods (14 days of an influencer's spend and the sales that followed)."
    >>> tip.endswith("Here: b = 0.72, 95% interval 0.58–0.84, from 511 influencer-periods.")
    True
    """
    points = int(totals.get("points") or 0)
    if totals["identified"]:
        text = (
            "Each extra rupee earns a little less than the one before; fitted from "
            f"{points:,} influencer-periods (14 days of an influencer's spend and the sales that followed)."
        )
        here = (
            f"b = {totals['b']:.2f}, 95% interval {totals.get('b_low', float('nan')):.2f}–"
            f"{totals.get('b_high', float('nan')):.2f}, from {points:,} influencer-periods"
        )
        return text, f"{FIT_TOOLTIP} Here: {here}."
    reason = totals["fit"]
    plain = next(
        (
            words.format(points=points)
            for start, words in PLAIN_REASONS.items()
            if reason.lower().startswith(start)
        ),
        None,
    )
    if plain is None:  # a reason without plain words yet: shown as the metrics give it
        return reason + ".", FIT_TOOLTIP
    text = f"Each extra rupee is taken to earn a little less than the one before, at the usual rate: {plain}."
    return text, f"{FIT_TOOLTIP} Here: {reason[:1].lower() + reason[1:]}."


def fit_sentence(totals: dict) -> html.Div:
    """Return the plain-words line saying how returns diminish and where that comes from (maths in the tooltip)."""
    text, tooltip = fit_words(totals)
    return html.Div(
        text,
        id=ids.BUDGET_FIT,
        title=tooltip,
        className="small mb-2" + ("" if totals["identified"] else " text-warning-emphasis fw-semibold"),
    )


def _stat(label: str, value: str, title: str | None = None) -> html.Div:
    return html.Div(
        [html.Div(label, className="small text-body-secondary"), html.Div(value, className="fw-semibold")],
        className="detail-stat",
        title=title,
    )


def budget_summary(totals: dict, planned: int) -> list:
    """
    Return the optimizer's totals, the line on diminishing returns, the notes and the clipping message.

    Parameters
    ----------
    totals : dict
        The plan's totals (``callbacks.payouts.budget_plan``): spends, predicted revenues and change, b,
        the fit's summary, the number left out and the clipping message.
    planned : int
        The number of influencers in the plan.
    """
    change = totals["predicted_change"]
    relative = formats.change(totals["predicted_revenue_recommended"], totals["predicted_revenue_current"])
    now = "Equals the influencers' actual last-touch revenue."
    stats = [
        _stat(
            "Current spend", formats.inr(totals["current_spend"]), "Σ spend of the influencers in the plan."
        ),
        _stat(
            "Recommended spend", formats.inr(totals["recommended_spend"]), "The budget used, after bounds."
        ),
        _stat("Predicted revenue now", formats.inr(totals["predicted_revenue_current"]), now),
        _stat("Predicted revenue with the plan", formats.inr(totals["predicted_revenue_recommended"])),
        _stat(
            "Predicted change",
            f"{'+' if change > 0 else ''}{formats.inr(change)} ({relative})",
            "Predicted revenue with the plan − predicted revenue now.",
        ),
    ]
    parts: list = [html.Div(stats, className="detail-stats d-flex flex-wrap gap-4 mb-2")]
    if totals["fit"]:
        parts.append(fit_sentence(totals))
    notes = [f"{planned:,} influencers with spend; last-touch revenue whatever the model selected."]
    if totals["excluded"]:
        notes.append(f"{totals['excluded']:,} without spend are left out.")
    parts.append(html.Div(" ".join(notes), className=CAPTION_CLASS + " mb-2"))
    if totals["message"]:
        parts.append(
            dbc.Alert(totals["message"], color="warning", className="small py-2 mb-2", id=ids.BUDGET_MESSAGE)
        )
    return parts


def ledger_panel() -> dbc.Card:
    """Return the ledger card: a note slot, then the summary, caption and grid (hidden while empty)."""
    ledger = grid(ids.PAYOUT_TABLE, LEDGER_SHOWN)
    ledger.getRowStyle = LEDGER_ROW_STYLE
    content = html.Div(
        [
            html.Div(id=ids.PAYOUT_SUMMARY, className="fw-semibold small mb-1", role="status"),
            html.Div(LEDGER_CAPTION, className=CAPTION_CLASS + " mb-2"),
            ledger,
        ],
        id=ids.PAYOUT_WRAP,
        style=HIDDEN,
    )
    body = html.Div([html.Div(id=ids.PAYOUT_EMPTY), content], id=ids.PAYOUT_BODY)
    return panel(
        "Payout ledger", dcc.Loading(body, delay_show=300, type="dot"), actions=export_button("payouts")
    )


def spend_panel() -> dbc.Card:
    """Return the spend-by-basis card: a note slot, then the chart and its caption (hidden while empty)."""
    body = hidden_chart(
        ids.PAYOUT_SPEND_CHART,
        ids.PAYOUT_SPEND_EMPTY,
        ids.PAYOUT_SPEND_WRAP,
        ids.PAYOUT_SPEND_GRAPH,
        html.Div(SPEND_CAPTION, className=CAPTION_CLASS),
    )
    return panel("Spend by basis and platform", body)


def budget_result() -> html.Div:
    """Return the optimizer's result: a note slot, then the summary, biggest shifts and grid (hidden while empty)."""
    plan_grid = grid(ids.BUDGET_TABLE, BUDGET_COLUMNS)
    plan_grid.columnDefs = budget_columns()
    shifts = html.Div(
        [
            html.H3("Biggest shifts", className="h6"),
            dcc.Graph(id=ids.BUDGET_SHIFTS_GRAPH, config=GRAPH_CONFIG),
        ],
        id=ids.BUDGET_SHIFTS,
        style=HIDDEN,
    )
    content = html.Div(
        [
            html.Div(id=ids.BUDGET_SUMMARY),
            html.Div(id=ids.BUDGET_SHIFTS_NOTE, className="text-body-secondary small"),
            shifts,
            plan_grid,
        ],
        id=ids.BUDGET_WRAP,
        style=HIDDEN,
    )
    return html.Div([html.Div(id=ids.BUDGET_EMPTY), content], id=ids.BUDGET_BODY)


def layout() -> html.Div:
    """Build the Payouts tab; callbacks/payouts.py fills it."""
    return html.Div(
        [
            ledger_panel(),
            spend_panel(),
            panel(
                "Budget optimizer",
                [
                    budget_controls(),
                    dbc.Alert(CAVEAT, color="info", className="small py-2 mb-2 budget-caveat"),
                    dcc.Loading(budget_result(), delay_show=300, type="dot"),
                ],
                actions=html.Div(
                    [export_button("budget"), export_button("budget_fit")], className="d-flex gap-2"
                ),
            ),
        ]
    )
