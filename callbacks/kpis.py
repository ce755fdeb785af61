"""The KPI row: the library's KPIs for the session's filters, with the change vs the previous period.

Two callbacks: the five money cards (fast) and the iROAS card, whose incrementality estimate with its
bootstrap interval takes longer and arrives after the first paint.
"""

from __future__ import annotations

from dash import Dash, Input, Output
from dash.development.base_component import Component

from callbacks.common import expired_state, finite, no_data_state, tab_callback
from callbacks.session import SessionState
from layouts import ids
from layouts import kpis as kpi_layout
from metrics import formats
from store import datasets, results

SLOT_CLASS = "mb-3"


def card_values(current: dict, previous: dict | None) -> dict[str, tuple[str, str, str | None]]:
    """
    Return ``{card id: (text, data-value, change)}`` for the five money cards.

    Parameters
    ----------
    current : dict
        The KPI row of the current filters (kpis.csv columns; a missing column shows "—").
    previous : dict or None
        The previous period's KPI row, or None when there is no earlier period in the data (no change shown:
        the row says so once, see ``layouts.kpis.cards``).

    Examples
    --------
    >>> values = card_values({"revenue": 1_240_000.0, "roas": float("nan")}, {"revenue": 1_000_000.0})
    >>> values["kpi-revenue"], values["kpi-roas"][:2]
    (('₹12.4L', '1240000.0', '▲ +24.0%'), ('—', ''))
    >>> card_values({"revenue": 1.0}, None)["kpi-revenue"]
    ('₹1', '1.0', None)
    """
    values = {}
    for card_id, column in kpi_layout.CARDS.items():
        number = finite(current.get(column))
        exact = repr(number) if number is not None else ""
        change = (
            None if previous is None else formats.kpi_change(column, number, finite(previous.get(column)))
        )
        values[card_id] = (formats.format_kpi(column, number), exact, change)
    return values


def update_kpis(store: dict | None) -> list[Component]:
    """Return the five money cards of the session's filters, or the message saying why there are none."""
    state = SessionState.from_store(store)
    if state.expired:
        return kpi_layout.notice(expired_state("kpis"))
    if state.key is None:
        return kpi_layout.notice(no_data_state("kpis"))
    try:
        current = results.money_table(state.key, state.filters, state.options)
        previous = results.previous_money_table(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return kpi_layout.notice(expired_state("kpis"))
    row = current.iloc[0].to_dict()
    if previous is None:
        return kpi_layout.cards(card_values(row, None), None)
    period, previous_table = previous
    label = f"vs {formats.period_span(period.start, period.end)}"
    return kpi_layout.cards(card_values(row, previous_table.iloc[0].to_dict()), label)


def iroas_values(row: dict) -> tuple[str, str, str]:
    """
    Return the iROAS card's text, exact number and note (the 95% interval, or why there is none).

    Examples
    --------
    >>> iroas_values({"iroas": 2.5, "iroas_low": 1.25, "iroas_high": 3.0})
    ('2.50×', '2.5', '95% interval 1.25×–3.00×')
    >>> iroas_values({"iroas": float("nan")})
    ('—', '', 'insufficient data')
    """
    number = finite(row.get("iroas"))
    if number is None:
        return formats.DASH, "", "insufficient data"
    low, high = finite(row.get("iroas_low")), finite(row.get("iroas_high"))
    note = (
        f"95% interval {formats.ratio(low)}–{formats.ratio(high)}"
        if low is not None and high is not None
        else ""
    )
    return formats.ratio(number), repr(number), note


@tab_callback(None, f"{SLOT_CLASS} d-none")
def update_iroas(state: SessionState) -> tuple[Component | None, str]:
    """
    Return the iROAS card and its slot's class (hidden without data).

    Shows "—" until the incrementality feature is installed (kpis.csv then has no ``iroas`` column).
    """
    table = results.kpi_table(state.key, state.filters, state.options)
    return kpi_layout.iroas_card(*iroas_values(table.iloc[0].to_dict())), SLOT_CLASS


def register(app: Dash) -> None:
    """Register the KPI callbacks (the first store write of a page triggers them)."""
    app.callback(
        Output(ids.KPI_MAIN, "children"),
        Input(ids.SESSION_STORE, "data"),
        prevent_initial_call=True,
    )(update_kpis)
    app.callback(
        Output(ids.KPI_IROAS_SLOT, "children"),
        Output(ids.KPI_IROAS_SLOT, "className"),
        Input(ids.SESSION_STORE, "data"),
        prevent_initial_call=True,
    )(update_iroas)
