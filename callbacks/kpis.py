"""The KPI row: the library's KPIs for the session's filters, with the change vs the previous period."""

from __future__ import annotations

from dash import Dash, Input, Output
from dash.development.base_component import Component

from callbacks import cache, datasets
from callbacks.common import expired_state, finite, no_data_state
from callbacks.session import SessionState
from layouts import ids
from layouts import kpis as kpi_layout
from metrics import formats

# The previous period's KPIs carry no incrementality: its card shows no change.
NO_CHANGE = {"iroas"}


def card_values(current: dict, previous: dict | None) -> dict[str, tuple[str, str, str | None]]:
    """
    Return ``{card id: (text, data-value, change)}`` for the six cards.

    Parameters
    ----------
    current : dict
        The KPI row of the current filters (kpis.csv columns; a missing column shows "—").
    previous : dict or None
        The previous period's KPI row, or None when there is no earlier period in the data.

    Examples
    --------
    >>> values = card_values({"revenue": 1_240_000.0, "roas": float("nan")}, {"revenue": 1_000_000.0})
    >>> values["kpi-revenue"], values["kpi-roas"][:2]
    (('₹12.4L', '1240000.0', '+24.0%'), ('—', ''))
    """
    values = {}
    for card_id, column in kpi_layout.CARDS.items():
        number = finite(current.get(column))
        text = formats.format_kpi(column, number)
        exact = repr(number) if number is not None else ""
        change = None
        if column not in NO_CHANGE:
            change = formats.change(number, None if previous is None else finite(previous.get(column)))
        values[card_id] = (text, exact, change)
    return values


def update_kpis(store: dict | None) -> Component:
    """Return the KPI cards of the session's filters, or the panel saying why there are none."""
    state = SessionState.from_store(store)
    if state.expired:
        return expired_state("kpis")
    if state.key is None:
        return no_data_state("kpis")
    try:
        current = cache.kpi_table(state.key, state.filters, state.options)
        previous = cache.previous_kpi_table(state.key, state.filters, state.options)
    except datasets.DatasetExpired:
        return expired_state("kpis")
    row = current.iloc[0].to_dict() if len(current) else {}
    if previous is None:
        return kpi_layout.cards(card_values(row, None), "no earlier period")
    period, previous_table = previous
    days = (period.end - period.start).days + 1
    previous_row = previous_table.iloc[0].to_dict() if len(previous_table) else {}
    return kpi_layout.cards(card_values(row, previous_row), f"vs previous {days} days")


def register(app: Dash) -> None:
    """Register the KPI row callback."""
    app.callback(
        Output(ids.KPI_ROW, "children"), Input(ids.SESSION_STORE, "data"), prevent_initial_call=True
    )(update_kpis)
