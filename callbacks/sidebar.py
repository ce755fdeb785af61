"""Sidebar controls: options from the current dataset, values from the URL (page load, Back, Forward) or the session.

Each dropdown's options and value are computed in one callback: Dash 4's dropdown drops a value that is
missing from its options, so setting them apart could lose a value restored from the URL.
"""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from callbacks.session import (
    DEFAULT_MODEL,
    PAGE_LOAD,
    SessionState,
    parse_query,
    period_bounds,
    popped_search,
)
from layouts import ids
from layouts.sidebar import LIST_FILTERS
from metrics.filters import Filters
from store import datasets, results

TIER_LABELS = {
    "nano": "Nano (< 10k)",
    "micro": "Micro (10k–100k)",
    "macro": "Macro (100k–1M)",
    "mega": "Mega (≥ 1M)",
}
RESET_TRIGGERS = {ids.RESET_FILTERS, ids.RESET_LINK}


def _wanted_filters(
    dataset_store: dict, url_search: str | None, session_store: dict | None, popped: str | None = None
) -> Filters:
    """Return the filters the controls should show: the entry Back/Forward reached, the URL's on page load, else the session's."""
    if popped is not None:
        return parse_query(popped)[0]
    if dataset_store.get("origin") == PAGE_LOAD:
        return parse_query(url_search)[0]
    return SessionState.from_store(session_store).filters


def update_list_filter(
    field: str,
    dataset_store: dict | None,
    reset: bool,
    url_search: str | None,
    session_store: dict | None,
    popped: str | None = None,
) -> tuple[list[dict], list[str]]:
    """
    Return one list filter's options (from the dataset) and value (kept values that still exist).

    ``field`` is the ``Filters`` field (``"campaigns"``, ``"tiers"``...), ``dataset_store`` this page's
    dataset (key, summary, origin); ``reset``: "Reset filters" was clicked (clear the value);
    ``url_search`` is read on page load; ``session_store`` holds the filters kept when the dataset changes;
    ``popped`` is the query of the history entry Back or Forward reached (its filters win).
    """
    dataset_store = dataset_store or {}
    key = dataset_store.get("key")
    if key is None:
        return [], []
    try:
        available = results.filter_options(key)[field]
    except datasets.DatasetExpired:
        return [], []  # evicted since it was loaded: the KPI row says the data expired
    labels = TIER_LABELS if field == "tiers" else {}
    options = [{"label": labels.get(value, value), "value": value} for value in available]
    if reset:
        return options, []
    wanted = getattr(_wanted_filters(dataset_store, url_search, session_store, popped), field)
    return options, [value for value in wanted if value in set(available)]


def update_dates(
    dataset_store: dict | None,
    reset: bool,
    url_search: str | None,
    session_store: dict | None,
    popped: str | None = None,
) -> tuple[str | None, str | None, str | None, str | None]:
    """
    Return the date picker's bounds (the data's own range, never today) and its start and end.

    An unset side shows the data's bound, which counts as unset (callbacks/session.py). The dates come
    as in :func:`update_list_filter`.

    Returns
    -------
    tuple
        min_date_allowed, max_date_allowed, start_date, end_date (ISO dates or None without data).
    """
    dataset_store = dataset_store or {}
    bounds = period_bounds(dataset_store.get("summary"))
    if dataset_store.get("key") is None or bounds is None:
        return None, None, None, None
    first, last = bounds
    wanted = Filters() if reset else _wanted_filters(dataset_store, url_search, session_store, popped)
    start = wanted.start if wanted.start is not None and first < wanted.start <= last else first
    end = wanted.end if wanted.end is not None and first <= wanted.end < last else last
    if end < start:
        start, end = first, last
    return first.isoformat(), last.isoformat(), start.isoformat(), end.isoformat()


def update_model(
    dataset_store: dict | None, url_search: str | None, reset: bool = False, popped: str | None = None
) -> str:
    """
    Return the model to show: last touch after "Reset filters", the model of the entry Back or Forward
    reached (``popped``; none named is last touch), the URL's on page load; unchanged otherwise.
    """
    if reset:
        return DEFAULT_MODEL
    if popped is not None:
        return parse_query(popped)[1] or DEFAULT_MODEL
    if (dataset_store or {}).get("origin") != PAGE_LOAD:
        raise PreventUpdate
    model = parse_query(url_search)[1]
    if model is None:
        raise PreventUpdate
    return model


def _reset_clicked() -> bool:
    """
    Return whether a reset button was clicked, False when the dataset changed or Back/Forward was used.

    A reset button appearing in a new empty state also triggers (its n_clicks is None): that is no
    click, and answering it would re-render the empty state in a loop, so it is ignored.
    """
    trigger = ctx.triggered_id
    if trigger in (ids.DATASET_STORE, ids.HISTORY_POP):
        return False
    if isinstance(trigger, dict):
        trigger = trigger.get("type")
    if trigger in RESET_TRIGGERS and any(item.get("value") for item in ctx.triggered):
        return True
    raise PreventUpdate


def _popped(pop: dict | None) -> str | None:
    """Return the query of the history entry Back or Forward reached, when that triggered the callback."""
    return popped_search(pop) if ctx.triggered_id == ids.HISTORY_POP else None


def register(app: Dash) -> None:
    """Register the sidebar callbacks: one per list filter, the dates and the model."""
    # Back/Forward (the history-pop store) restores the controls like the reset buttons clear them.
    reset_inputs = [
        Input(ids.RESET_FILTERS, "n_clicks"),
        Input({"type": ids.RESET_LINK, "index": ALL}, "n_clicks"),
        Input(ids.HISTORY_POP, "data"),
    ]
    states = [State(ids.URL, "search"), State(ids.SESSION_STORE, "data")]

    for field, (control_id, _) in LIST_FILTERS.items():

        def _update(dataset_store, _reset, _reset_links, pop, url_search, session_store, field=field):
            reset = _reset_clicked()
            return update_list_filter(field, dataset_store, reset, url_search, session_store, _popped(pop))

        app.callback(
            Output(control_id, "options"),
            Output(control_id, "value"),
            Input(ids.DATASET_STORE, "data"),
            *reset_inputs,
            *states,
            prevent_initial_call=True,
        )(_update)
    _register_dates_and_model(app, reset_inputs, states)


def _register_dates_and_model(app: Dash, reset_inputs: list, states: list) -> None:
    """Register the date picker (range and dates) and the model dropdown."""

    @app.callback(
        Output(ids.FILTER_DATES, "min_date_allowed"),
        Output(ids.FILTER_DATES, "max_date_allowed"),
        Output(ids.FILTER_DATES, "start_date"),
        Output(ids.FILTER_DATES, "end_date"),
        Input(ids.DATASET_STORE, "data"),
        *reset_inputs,
        *states,
        prevent_initial_call=True,
    )
    def _update_dates(dataset_store, _reset, _reset_links, pop, url_search, session_store):
        return update_dates(dataset_store, _reset_clicked(), url_search, session_store, _popped(pop))

    @app.callback(
        Output(ids.FILTER_MODEL, "value"),
        Input(ids.DATASET_STORE, "data"),
        *reset_inputs,
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _update_model(dataset_store, _reset, _reset_links, pop, url_search):
        return update_model(dataset_store, url_search, _reset_clicked(), _popped(pop))
