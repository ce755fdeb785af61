"""The Payouts tab: the payout ledger, spend by basis and platform, and the budget optimizer.

The ledger follows the influencer filters only (payouts carry no dates or campaigns). The optimizer is
``metrics.budget.recommend`` on the current view with last-touch revenue whatever the model; its download
``export-budget`` is budget.csv for the plan shown (``export-budget_fit`` its budget_fit.csv), so with the default bounds and nothing locked it equals
``python -m metrics export --budget N`` for the same filters and total N.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks.common import expired_notice, finite, no_rows_state, unavailable
from callbacks.overview import GRAPH_CONFIG
from callbacks.session import SessionState
from figures import budget as budget_charts
from figures import payouts as charts
from layouts import ids
from layouts.common import grid
from layouts.payouts import BUDGET_COLUMNS, LEDGER_ROW_STYLE, budget_columns
from metrics import export, formats
from metrics.payouts import LEDGER_COLUMNS
from store import datasets, results
from store.frames import records
from store.results import budget_fit_table, budget_options, budget_plan

CAPTION = "Payouts carry no dates or campaigns: the ledger follows the platform, category, gender and tier filters only."
LEDGER_SHOWN = [*LEDGER_COLUMNS, "note"]
STATUS_WORDS = {
    "mismatch": "mismatch",
    "no_rate": "without a rate (cannot be checked)",
    "missing": "missing payout",
    "no_units": "without units",
}


def update_payouts(store: dict | None) -> tuple[Component, Component]:
    """Return the ledger panel's body (summary, caption, grid) and the spend chart, or empty states."""
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked, blocked
    try:
        ledger = results.payout_ledger(state.key, state.filters, state.options)
        sums = results.spend_sums(state.key, state.filters, state.options.with_model("last_touch"))
    except datasets.DatasetExpired:
        notice = expired_notice()
        return notice, notice
    if ledger.empty:
        ledger_body: Component = no_rows_state("payouts")
    else:
        counts = ledger["status"].value_counts()
        flagged = [f"{int(counts[s]):,} {word}" for s, word in STATUS_WORDS.items() if counts.get(s, 0)]
        summary = (
            f"{len(ledger):,} influencers: " + ", ".join(flagged) + " (highlighted)."
            if flagged
            else f"{len(ledger):,} influencers, every payout matches its units."
        )
        ledger_grid = grid(ids.PAYOUT_TABLE, LEDGER_SHOWN, records(ledger[LEDGER_SHOWN]))
        ledger_grid.getRowStyle = LEDGER_ROW_STYLE
        ledger_body = html.Div(
            [
                html.Div(summary, className="fw-semibold small mb-1", role="status"),
                html.Div(CAPTION, className="panel-caption small text-body-secondary mb-2"),
                ledger_grid,
            ]
        )
    if sums.empty or not (sums["spend"] > 0).any():
        chart: Component = no_rows_state("payout-spend")
    else:
        sums["platform"] = pd.Categorical(
            sums["platform"], categories=list(dict.fromkeys(sums["platform"])), ordered=True
        )
        chart = html.Div(
            [
                dcc.Graph(figure=charts.spend_bars(sums), config=GRAPH_CONFIG),
                html.Div(
                    "Spend allocated in the current filters (post date or order date), by the influencer's "
                    "platform and payout basis.",
                    className="panel-caption small text-body-secondary",
                ),
            ]
        )
    return ledger_body, chart


# --- budget optimizer --------------------------------------------------------------------------------


def bounds_problem(total: float | None, lower: float | None, upper: float | None) -> str | None:
    """
    Return what is wrong with the optimizer's inputs, or None when they can be used.

    Examples
    --------
    >>> bounds_problem(None, 0.5, 2.0) is None
    True
    >>> bounds_problem(None, 2.0, 1.0)
    'The lower bound (2×) is above the upper bound (1×): lower it or raise the upper bound.'
    """
    if total is not None and (finite(total) is None or total < 0):
        return "The total budget must be an amount of 0 or more (leave it empty for the current total)."
    if finite(lower) is None or finite(upper) is None:
        return "Enter both bounds, as multiples of the current spend (e.g. 0.5 and 2)."
    if lower < 0:
        return "The lower bound cannot be negative."
    if lower > upper:
        return f"The lower bound ({lower:g}×) is above the upper bound ({upper:g}×): lower it or raise the upper bound."
    return None


FIT_TOOLTIP = (
    "Each influencer's revenue is modelled as a × spend^b. b is fitted within influencers (log-log, "
    "fixed effects) on each 14-day period's post-basis spend against the last-touch revenue its posts "
    "bring in the 14 days after them; the 95% interval comes from resampling influencers. b is used when "
    "at least 30 influencer-periods fit it and the interval is at most 0.4 wide; otherwise the usual 0.6."
)


def fit_sentence(totals: dict) -> html.Div:
    """Return the plain-words line saying how returns diminish and where b comes from (maths in the tooltip)."""
    return html.Div(
        totals["fit"] + ".",
        id=ids.BUDGET_FIT,
        title=FIT_TOOLTIP,
        className="small mb-2" + ("" if totals["identified"] else " text-warning-emphasis fw-semibold"),
    )


def _stat(label: str, value: str, title: str | None = None) -> html.Div:
    return html.Div(
        [html.Div(label, className="small text-body-secondary"), html.Div(value, className="fw-semibold")],
        className="detail-stat",
        title=title,
    )


def update_budget(
    store: dict | None, total: float | None, lower: float | None, upper: float | None, locked: list | None
) -> tuple[Component, list[dict]]:
    """
    Return the optimizer's result (totals, b, chart, grid, clipping message) and the lock dropdown's options.
    """
    state = SessionState.from_store(store)
    blocked = unavailable(state)
    if blocked is not None:
        return blocked, []
    problem = bounds_problem(total, lower, upper)
    if problem is not None:
        return dbc.Alert(problem, color="warning", className="small py-2 mb-0"), no_update
    try:
        table, totals = budget_plan(
            state.key, state.filters, state.options, total, lower, upper, tuple(locked or ())
        )
        names = results.view(state.key, state.filters, budget_options(state.options)).influencers.set_index(
            "influencer_id"
        )["name"]
    except datasets.DatasetExpired:
        return expired_notice(), []
    lock_options = [
        {"label": f"{names.get(i) if pd.notna(names.get(i)) else 'Unknown'} ({i})", "value": i}
        for i in table.sort_values("current_spend", ascending=False, kind="stable")["influencer_id"]
    ]
    if table.empty:
        return no_rows_state("budget"), lock_options
    change = totals["predicted_change"]
    relative = formats.change(totals["predicted_revenue_recommended"], totals["predicted_revenue_current"])
    stats = html.Div(
        [
            _stat(
                "Current spend",
                formats.inr(totals["current_spend"]),
                "Σ spend of the influencers in the plan.",
            ),
            _stat(
                "Recommended spend",
                formats.inr(totals["recommended_spend"]),
                "The budget used, after bounds.",
            ),
            _stat(
                "Predicted revenue now",
                formats.inr(totals["predicted_revenue_current"]),
                "Equals the influencers' actual last-touch revenue.",
            ),
            _stat("Predicted revenue with the plan", formats.inr(totals["predicted_revenue_recommended"])),
            _stat(
                "Predicted change",
                f"{'+' if change > 0 else ''}{formats.inr(change)} ({relative})",
                "Predicted revenue with the plan − predicted revenue now.",
            ),
            _stat("Exponent b", f"{totals['b']:.2f}", FIT_TOOLTIP),
        ],
        className="detail-stats d-flex flex-wrap gap-4 mb-2",
    )
    parts: list[Component] = [stats]
    if totals["fit"]:
        parts.append(fit_sentence(totals))
    notes = []
    notes.append(f"{len(table):,} influencers with spend; last-touch revenue whatever the model selected.")
    if totals["excluded"]:
        notes.append(f"{totals['excluded']:,} without spend are left out.")
    parts.append(html.Div(" ".join(notes), className="panel-caption small text-body-secondary mb-2"))
    if totals["message"]:
        parts.append(
            dbc.Alert(totals["message"], color="warning", className="small py-2 mb-2", id="budget-message")
        )
    shifts = table[(table["recommended_spend"] - table["current_spend"]).abs() > 0.005]
    if shifts.empty:
        parts.append(
            html.P("The plan keeps every influencer at today's spend.", className="text-body-secondary small")
        )
    else:
        parts.append(html.H3("Biggest shifts", className="h6"))
        parts.append(dcc.Graph(figure=budget_charts.biggest_shifts(table, names), config=GRAPH_CONFIG))
    shown = table.assign(name=table["influencer_id"].map(names))[BUDGET_COLUMNS]
    plan_grid = grid(ids.BUDGET_TABLE, BUDGET_COLUMNS, records(shown))
    plan_grid.columnDefs = budget_columns()
    parts.append(plan_grid)
    return html.Div(parts), lock_options


def update_budget_download(
    clicks: int | None,
    store: dict | None,
    total: float | None,
    lower: float | None,
    upper: float | None,
    locked: list | None,
) -> dict:
    """
    Return budget.csv of the plan shown (``metrics.export`` format).

    With the default bounds and nothing locked it equals ``python -m metrics export --budget N`` for the
    same filters, N being the total (the current total spend when the input is empty).
    """
    state = SessionState.from_store(store)
    if not clicks or state.key is None or bounds_problem(total, lower, upper) is not None:
        raise PreventUpdate
    try:
        table, _ = budget_plan(
            state.key, state.filters, state.options, total, lower, upper, tuple(locked or ())
        )
    except datasets.DatasetExpired:
        raise PreventUpdate from None
    return dcc.send_bytes(export.to_csv_bytes(export.conform(table, "budget")), "budget.csv", type="text/csv")


def update_budget_fit_download(
    clicks: int | None,
    store: dict | None,
    total: float | None,
    lower: float | None,
    upper: float | None,
    locked: list | None,
) -> dict:
    """
    Return budget_fit.csv of the plan shown (``metrics.export`` format).

    With the default bounds and nothing locked it equals the file ``python -m metrics export --budget N``
    writes for the same filters, N being the total (the current total spend when the input is empty).
    """
    state = SessionState.from_store(store)
    if not clicks or state.key is None or bounds_problem(total, lower, upper) is not None:
        raise PreventUpdate
    try:
        row = budget_fit_table(
            state.key, state.filters, state.options, total, lower, upper, tuple(locked or ())
        )
    except datasets.DatasetExpired:
        raise PreventUpdate from None
    data = export.to_csv_bytes(export.conform(row, "budget_fit"))
    return dcc.send_bytes(data, "budget_fit.csv", type="text/csv")


def register(app: Dash) -> None:
    """Register the Payouts tab callbacks: ledger and chart, optimizer, budget.csv download."""
    app.callback(
        Output(ids.PAYOUT_BODY, "children"),
        Output(ids.PAYOUT_SPEND_CHART, "children"),
        Input(ids.SESSION_STORE, "data"),
    )(update_payouts)

    inputs = [
        Input(ids.SESSION_STORE, "data"),
        Input(ids.BUDGET_TOTAL, "value"),
        Input(ids.BUDGET_LOWER, "value"),
        Input(ids.BUDGET_UPPER, "value"),
        Input(ids.BUDGET_LOCKED, "value"),
    ]
    app.callback(Output(ids.BUDGET_BODY, "children"), Output(ids.BUDGET_LOCKED, "options"), *inputs)(
        update_budget
    )
    app.callback(
        Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        Input(ids.EXPORT["budget"], "n_clicks"),
        *[State(i.component_id, i.component_property) for i in inputs],
        prevent_initial_call=True,
    )(update_budget_download)
    app.callback(
        Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        Input(ids.EXPORT["budget_fit"], "n_clicks"),
        *[State(i.component_id, i.component_property) for i in inputs],
        prevent_initial_call=True,
    )(update_budget_fit_download)
