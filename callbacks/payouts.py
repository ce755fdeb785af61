"""The Payouts tab: the payout ledger, spend by basis and platform, and the budget optimizer.

The ledger follows the influencer filters only (payouts carry no dates or campaigns). The optimizer is
``metrics.budget.recommend`` on the current view with last-touch revenue whatever the model; its download
``export-budget`` is budget.csv for the plan shown (``export-budget_fit`` its budget_fit.csv), so with the default bounds and nothing locked it equals
``python -m metrics export --budget N`` for the same filters and total N.
"""

from __future__ import annotations

from collections.abc import Callable

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import (
    NOTE,
    after_first_screen,
    drawn,
    finite,
    first_screen,
    no_rows_state,
    tab_callback,
)
from callbacks.export import download_name
from callbacks.session import SessionState
from figures import budget as budget_charts
from figures import payouts as charts
from layouts import ids
from layouts.common import HIDDEN, SHOWN
from layouts.payouts import BUDGET_COLUMNS, LEDGER_SHOWN, budget_summary
from metrics import export
from store import results
from store.frames import records
from store.results import budget_fit_table, budget_options, budget_plan

STATUS_WORDS = {
    "mismatch": "mismatch",
    "no_rate": "without a rate (cannot be checked)",
    "missing": "missing payout",
    "no_units": "without units",
}


def ledger_summary(ledger: pd.DataFrame) -> str:
    """Return the ledger's status line: how many influencers, and how many of each status to act on."""
    counts = ledger["status"].value_counts()
    flagged = [f"{int(counts[s]):,} {word}" for s, word in STATUS_WORDS.items() if counts.get(s, 0)]
    if flagged:
        return f"{len(ledger):,} influencers: " + ", ".join(flagged) + " (highlighted)."
    return f"{len(ledger):,} influencers, every payout matches its units."


@tab_callback(NOTE, HIDDEN, "", [])
def update_payouts(state: SessionState) -> tuple:
    """Return the ledger panel's note slot, the content's style, the summary line and the grid's rows."""
    ledger = results.payout_ledger(state.key, state.filters, state.options)
    if ledger.empty:
        return no_rows_state("payouts"), HIDDEN, "", []
    return None, SHOWN, ledger_summary(ledger), records(ledger[LEDGER_SHOWN])


@tab_callback(NOTE, HIDDEN, no_update, no_update)
def update_spend_chart(state: SessionState) -> tuple:
    """Return the spend chart's note slot, its wrapper's style, the figure (left as it was while hidden), its height."""
    options = state.options.with_model("last_touch")
    sums = results.spend_sums(state.key, state.filters, options)
    if sums.empty or not (sums["spend"] > 0).any():
        return no_rows_state("payout-spend"), HIDDEN, no_update, no_update
    order = list(dict.fromkeys(sums["platform"]))
    sums["platform"] = pd.Categorical(sums["platform"], categories=order, ordered=True)
    return None, SHOWN, *drawn(charts.spend_bars(sums), tall=True)


# --- budget optimizer --------------------------------------------------------------------------------


TOTAL_PROBLEM = "Enter an amount of ₹0 or more, or leave it empty for the current total spend."


def total_problem(total: float | None) -> str | None:
    """
    Return why the total budget typed cannot be used, or None (empty means the current total spend).

    Examples
    --------
    >>> total_problem(None) is None, total_problem(0) is None, total_problem(-5) == TOTAL_PROBLEM
    (True, True, True)
    """
    if total is not None and (finite(total) is None or total < 0):
        return TOTAL_PROBLEM
    return None


def total_feedback(total: float | None) -> tuple[bool, str]:
    """Return the total field's ``invalid`` flag and the message under it (red, shown only when invalid)."""
    problem = total_problem(total)
    return problem is not None, problem or ""


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
    if (problem := total_problem(total)) is not None:
        return problem
    if finite(lower) is None or finite(upper) is None:
        return "Enter both bounds, as multiples of the current spend (e.g. 0.5 and 2)."
    if lower < 0:
        return "The lower bound cannot be negative."
    if lower > upper:
        return f"The lower bound ({lower:g}×) is above the upper bound ({upper:g}×): lower it or raise the upper bound."
    return None


def _plan_shown(state: SessionState, total, lower, upper, locked) -> tuple[pd.DataFrame, dict, pd.Series]:
    """Return the plan of the inputs, its totals, and the influencers' names by id."""
    table, totals = budget_plan(
        state.key, state.filters, state.options, total, lower, upper, tuple(locked or ())
    )
    names = results.view(state.key, state.filters, budget_options(state.options)).influencers
    return table, totals, names.set_index("influencer_id")["name"]


def lock_options(table: pd.DataFrame, names: pd.Series) -> list[dict]:
    """Return the lock dropdown's options: the plan's influencers by current spend, largest first."""
    ordered = table.sort_values("current_spend", ascending=False, kind="stable")["influencer_id"].tolist()
    # One lookup for all ids: a lookup per id took a tenth of a second at 2,000 influencers.
    found = names[~names.index.duplicated()].reindex(pd.Index(ordered, dtype=object))
    shown = found.astype(object).where(found.notna(), "Unknown").tolist()
    return [{"label": f"{name} ({i})", "value": i} for name, i in zip(shown, ordered, strict=True)]


BUDGET_BLOCKED = (NOTE, HIDDEN, "", "", HIDDEN, no_update, no_update, [], [])
UNCHANGED = (no_update,) * 7


@tab_callback(*BUDGET_BLOCKED)
def update_budget(state: SessionState, total, lower, upper, locked) -> tuple:
    """
    Return the optimizer's result and the lock dropdown's options.

    In order: the note slot (what to fix in the inputs, or why there is no plan), the plan's style, its
    summary (totals, b, clipping message), the note when nobody moves, the shifts chart's style and
    figure and height, the grid's rows, and the lock options. Invalid inputs leave the plan and options as they were.
    """
    problem = bounds_problem(total, lower, upper)
    if problem is not None:
        return dbc.Alert(problem, color="warning", className="small py-2 mb-0"), HIDDEN, *UNCHANGED
    table, totals, names = _plan_shown(state, total, lower, upper, locked)
    options = lock_options(table, names)
    if table.empty:
        return no_rows_state("budget"), HIDDEN, "", "", HIDDEN, no_update, no_update, [], options
    summary = budget_summary(totals, len(table))
    rows = records(table.assign(name=table["influencer_id"].map(names))[BUDGET_COLUMNS])
    if not ((table["recommended_spend"] - table["current_spend"]).abs() > 0.005).any():
        still = "The plan keeps every influencer at today's spend."
        return None, SHOWN, summary, still, HIDDEN, no_update, no_update, rows, options
    figure = drawn(budget_charts.biggest_shifts(table, names), tall=True)
    return None, SHOWN, summary, "", SHOWN, *figure, rows, options


def _plan_download(name: str, build: Callable[..., pd.DataFrame]) -> Callable[..., dict]:
    """Return the download callback of ``name``.csv (budget or budget_fit) for the plan shown."""

    @tab_callback(no_update, store=1)
    def download(clicks: int | None, state: SessionState, total, lower, upper, locked) -> dict:
        if not clicks or bounds_problem(total, lower, upper) is not None:
            raise PreventUpdate
        frame = build(state.key, state.filters, state.options, total, lower, upper, tuple(locked or ()))
        data = export.to_csv_bytes(export.conform(frame, name))
        return dcc.send_bytes(data, download_name(name, "csv", state), type="text/csv")

    download.__doc__ = (
        f"Return {name}.csv of the plan shown (``metrics.export`` format), named with the view's period. "
        "With the default bounds and "
        "nothing locked it equals the file ``python -m metrics export --budget N`` writes for the same "
        "filters, N being the total (the current total spend when the input is empty)."
    )
    return download


update_budget_download = _plan_download("budget", lambda *args: budget_plan(*args)[0])
update_budget_fit_download = _plan_download("budget_fit", budget_fit_table)


def register(app: Dash) -> None:
    """Register the Payouts tab callbacks: ledger and chart, optimizer, budget.csv download."""
    app.callback(
        Output(ids.PAYOUT_EMPTY, "children"),
        Output(ids.PAYOUT_WRAP, "style"),
        Output(ids.PAYOUT_SUMMARY, "children"),
        Output(ids.PAYOUT_TABLE, "rowData"),
        # The ledger is the first screen; the chart and the optimizer are asked for once it has answered.
        Output(ids.PAYOUTS_FIRST_SCREEN, "data"),
        Input(ids.SESSION_STORE, "data"),
    )(first_screen(update_payouts))
    app.callback(
        Output(ids.PAYOUT_SPEND_EMPTY, "children"),
        Output(ids.PAYOUT_SPEND_WRAP, "style"),
        Output(ids.PAYOUT_SPEND_GRAPH, "figure"),
        Output(ids.PAYOUT_SPEND_GRAPH, "style"),
        Input(ids.SESSION_STORE, "data"),
        Input(ids.PAYOUTS_FIRST_SCREEN, "data"),
    )(after_first_screen(update_spend_chart))
    _register_budget(app)


def _register_budget(app: Dash) -> None:
    """Register the optimizer and its two downloads (the plan shown, from the same inputs)."""
    inputs = [
        Input(ids.SESSION_STORE, "data"),
        Input(ids.BUDGET_TOTAL, "value"),
        Input(ids.BUDGET_LOWER, "value"),
        Input(ids.BUDGET_UPPER, "value"),
        Input(ids.BUDGET_LOCKED, "value"),
    ]
    app.callback(
        Output(ids.BUDGET_EMPTY, "children"),
        Output(ids.BUDGET_WRAP, "style"),
        Output(ids.BUDGET_SUMMARY, "children"),
        Output(ids.BUDGET_SHIFTS_NOTE, "children"),
        Output(ids.BUDGET_SHIFTS, "style"),
        Output(ids.BUDGET_SHIFTS_GRAPH, "figure"),
        Output(ids.BUDGET_SHIFTS_GRAPH, "style"),
        Output(ids.BUDGET_TABLE, "rowData"),
        Output(ids.BUDGET_LOCKED, "options"),
        *inputs,
        Input(ids.PAYOUTS_FIRST_SCREEN, "data"),
    )(after_first_screen(update_budget))
    app.callback(
        Output(ids.BUDGET_TOTAL, "invalid"),
        Output(ids.BUDGET_TOTAL_FEEDBACK, "children"),
        Input(ids.BUDGET_TOTAL, "value"),
    )(total_feedback)
    states = [State(i.component_id, i.component_property) for i in inputs]
    for name, download in (("budget", update_budget_download), ("budget_fit", update_budget_fit_download)):
        app.callback(
            Output(ids.DOWNLOAD, "data", allow_duplicate=True),
            Input(ids.EXPORT[name], "n_clicks"),
            *states,
            prevent_initial_call=True,
        )(download)
