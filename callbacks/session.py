"""Session state: the browser's session store, restoring a page from it and the URL, and mirroring the URL.

Data flow (docs/user-guide.md, "Sharing a view"):

* data actions (page load, upload, demo, clear, server folder) write ``DATASET_STORE`` — this page's
  dataset key and summary;
* the sidebar controls take their options from that dataset and their values from the URL on page load
  (callbacks/sidebar.py);
* :func:`update_session` merges the dataset and the controls into ``SESSION_STORE`` (key, summary,
  filters, model — never rows), which every tab, the KPI row and the top bar read;
* :func:`update_url_query` turns the session and the open tab into the query string that
  assets/history.js writes into the address bar: a deliberate change (a filter, the model, a tab, after
  the user's click or key press) adds a browser history entry; the page load normalising its URL, a
  change chained to another and changes within a second of the last entry replace the current one;
* Back and Forward put the query of the entry they reach into ``HISTORY_POP``, from which the sidebar
  (callbacks/sidebar.py) and :func:`restore_tab` restore that view without a reload; the mirror then
  finds the address bar already equal and adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from dash import ClientsideFunction, Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from layouts import ids, tabs
from layouts.sidebar import LIST_FILTERS
from metrics.filters import DATE_MAX, DATE_MIN, LIST_FIELDS, MODELS, Filters, Options
from store import datasets, library

DEFAULT_MODEL = MODELS[0]
PAGE_LOAD = "page-load"
# The URL names a tab by its label in lower case (tab=campaigns); "tab-campaigns" is accepted too.
TAB_PARAM = {tab.tab_id: tab.tab_id.removeprefix("tab-") for tab in tabs.TABS}


@dataclass(frozen=True)
class SessionState:
    """
    Hold what the session store says: dataset key, filters, options, dataset summary.

    Build it with :meth:`from_store`; callbacks never read the store's dict directly.
    """

    key: str | None = None
    filters: Filters = field(default_factory=Filters)
    options: Options = field(default_factory=Options)
    summary: dict | None = field(default=None, compare=False, hash=False)
    expired: bool = False

    @classmethod
    def from_store(cls, store: dict | None) -> SessionState:
        """Read a session store (tolerant of None, missing keys, an unknown model and values of the wrong type)."""
        # The browser's session storage can be edited by hand: anything that is not the expected shape
        # counts as absent rather than reaching the callbacks.
        store = store if isinstance(store, dict) else {}
        model = store.get("model") if store.get("model") in MODELS else DEFAULT_MODEL
        try:
            raw_filters = store.get("filters")
            filters = Filters.from_dict(raw_filters if isinstance(raw_filters, dict) else None)
        except (TypeError, ValueError):
            filters = Filters()
        key, summary = store.get("key"), store.get("summary")
        return cls(
            key=key if isinstance(key, str) and key else None,
            filters=filters,
            options=Options(model=model),
            summary=summary if isinstance(summary, dict) else None,
            expired=bool(store.get("expired")),
        )

    @property
    def model(self) -> str:
        """Return the attribution model in use."""
        return self.options.model


def _iso_date(value: str | None) -> dt.date | None:
    """Return an ISO date, or None for a missing, malformed or out-of-range one (DATE_MIN..DATE_MAX)."""
    if not value:
        return None
    try:
        date = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return date if DATE_MIN <= date <= DATE_MAX else None


def period_bounds(summary: dict | None) -> tuple[dt.date, dt.date] | None:
    """Return the dataset's (first, last) date from its summary, or None (also for a malformed period)."""
    period = summary.get("period") if isinstance(summary, dict) else None
    if not isinstance(period, list | tuple) or len(period) != 2:
        return None
    first, last = _iso_date(period[0]), _iso_date(period[1])
    return None if first is None or last is None else (first, last)


def effective_dates(
    start: str | None, end: str | None, bounds: tuple[dt.date, dt.date] | None
) -> tuple[dt.date | None, dt.date | None]:
    """
    Return the date filter a date range sets: a side on or beyond the data's own bound is unset.

    Examples
    --------
    >>> bounds = (dt.date(2025, 4, 1), dt.date(2025, 9, 30))
    >>> effective_dates("2025-04-01", "2025-06-30", bounds)
    (None, datetime.date(2025, 6, 30))
    """
    first, last = _iso_date(start), _iso_date(end)
    if bounds is not None:
        if first is not None and first <= bounds[0]:
            first = None
        if last is not None and last >= bounds[1]:
            last = None
    return first, last


def update_session(
    dataset_store: dict | None,
    start: str | None,
    end: str | None,
    model: str | None,
    *lists: list[str] | None,
) -> dict:
    """
    Merge this page's dataset and the sidebar controls into the session store's value.

    ``dataset_store`` is ``DATASET_STORE`` (key, summary, expired); ``start`` and ``end`` the date
    picker's ISO dates (a date on the data's bound counts as unset); ``lists`` the list filters' values in
    the order of ``layouts.sidebar.LIST_FILTERS``. Returns ``{"key", "summary", "filters", "model",
    "expired"}`` — no rows.
    """
    dataset_store = dataset_store or {}
    summary = dataset_store.get("summary")
    first, last = effective_dates(start, end, period_bounds(summary))
    chosen = dict(zip(LIST_FILTERS, lists, strict=True))
    filters = Filters.make(start=first, end=last, **chosen)
    return {
        "key": dataset_store.get("key"),
        "summary": summary,
        "filters": filters.to_dict(),
        "model": model if model in MODELS else DEFAULT_MODEL,
        "expired": bool(dataset_store.get("expired")),
    }


def parse_query(search: str | None) -> tuple[Filters, str | None, str | None]:
    """
    Read filters, model and tab from a URL query string; invalid values are ignored.

    Examples
    --------
    >>> filters, model, tab = parse_query("?campaign=B&campaign=A&model=linear&tab=roi&start=bad")
    >>> filters.campaigns, filters.start, model, tab
    (('A', 'B'), None, 'linear', 'tab-roi')
    """
    query = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    filters = Filters.make(
        start=_iso_date((query.get("start") or [None])[0]),
        end=_iso_date((query.get("end") or [None])[0]),
        **{name: query.get(key) for name, key in LIST_FIELDS.items()},
    )
    model = (query.get("model") or [None])[0]
    tab = (query.get("tab") or [None])[0]
    tab_ids = {value: tab_id for tab_id, value in TAB_PARAM.items()}
    tab = tab_ids.get(tab, tab if tab in TAB_PARAM else None)
    return filters, model if model in MODELS else None, tab


def query_dataset(search: str | None) -> str | None:
    """
    Return the saved dataset a URL names (``dataset=<id>``), or None (also for a malformed id).

    Examples
    --------
    >>> query_dataset("?dataset=0123456789abcdef&tab=roi"), query_dataset("?dataset=../x")
    ('0123456789abcdef', None)
    """
    wanted = (parse_qs((search or "").lstrip("?")).get("dataset") or [None])[0]
    return wanted if library.is_id(wanted) else None


def view_query(filters: Filters, model: str, tab: str | None, dataset: str | None = None) -> str:
    """
    Return the query string of a view: the saved dataset, filters (repeated keys), model and tab.

    Defaults are omitted; ``dataset`` is given only for a saved dataset (an unsaved upload's key never
    goes into a URL).

    Examples
    --------
    >>> view_query(Filters.make(campaigns=["B", "A"]), "linear", "tab-roi")
    '?campaign=A&campaign=B&model=linear&tab=roi'
    >>> view_query(Filters(), "last_touch", "tab-overview")
    ''
    >>> view_query(Filters(), "last_touch", "tab-roi", dataset="0123456789abcdef")
    '?dataset=0123456789abcdef&tab=roi'
    """
    pairs = [("dataset", dataset)] if library.is_id(dataset) else []
    pairs += [(key, value) for key, values in filters.to_query().items() for value in values]
    if model != DEFAULT_MODEL:
        pairs.append(("model", model))
    if tab and tab != tabs.DEFAULT_TAB and tab in TAB_PARAM:
        pairs.append(("tab", TAB_PARAM[tab]))
    return f"?{urlencode(pairs)}" if pairs else ""


def update_url_query(store: dict | None, active_tab: str | None) -> str:
    """
    Return the query string mirroring the session and tab.

    With no dataset (nothing loaded yet, filters not applied) the URL keeps what it had, so a shared link
    opened before its data is loaded still restores its filters afterwards. A saved dataset is named by
    its id (``dataset=``), so the link opens the same data anywhere.
    """
    state = SessionState.from_store(store)
    if store is None or (state.key is None and not state.expired):
        raise PreventUpdate
    return view_query(state.filters, state.model, active_tab, dataset=state.key)


def _loaded(key: str | None, summary: dict | None = None, expired: bool = False, **extra: str) -> dict:
    """Return a page-load ``DATASET_STORE`` value (the summary read from the store when not given)."""
    if key is not None and summary is None:
        summary = datasets.describe(key)
    return {"key": key, "summary": summary, "origin": PAGE_LOAD, "expired": expired, **extra}


def restore_dataset(
    _timestamp: int | None,
    session_store: dict | None,
    current: dict | None,
    autoload_demo: bool,
    search: str | None = None,
) -> dict:
    """
    Decide this page's dataset on page load: the URL's saved dataset, else the session's, else the demo.

    Fired by the session store's ``modified_timestamp`` (once the browser has read the session storage);
    ``current`` is ``DATASET_STORE`` (once set, later session-store writes change nothing here);
    ``autoload_demo`` starts a new session on the demo (``AUTOLOAD_DEMO``). The URL's ``dataset=<id>``
    names a saved dataset, shown whatever the session had (a deleted one counts as expired, ``missing``
    holding its id).
    """
    if current is not None:
        raise PreventUpdate
    linked = query_dataset(search)
    if linked is not None:
        return _loaded(linked) if datasets.exists(linked) else _loaded(None, expired=True, missing=linked)
    state = SessionState.from_store(session_store)
    if state.key is not None:
        return (
            _loaded(state.key, state.summary or None)
            if datasets.exists(state.key)
            else _loaded(None, expired=True)
        )
    if state.expired:
        return _loaded(None, expired=True)
    return _loaded(datasets.demo_key() if autoload_demo else None)


def restore_tab(_pathname: str | None, search: str | None, active_tab: str | None) -> str:
    """Return the tab named in the URL on page load (unchanged when the URL names none or the same)."""
    _, _, tab = parse_query(search)
    if tab is None or tab == active_tab:
        raise PreventUpdate
    return tab


def popped_search(pop: dict | None) -> str | None:
    """
    Return the query string of the history entry Back or Forward reached (``HISTORY_POP``), or None.

    Examples
    --------
    >>> popped_search({"search": "?tab=roi", "time": 1}), popped_search({"search": 3}), popped_search(None)
    ('?tab=roi', None, None)
    """
    search = pop.get("search") if isinstance(pop, dict) else None
    return search if isinstance(search, str) else None


def restore_popped_tab(pop: dict | None, active_tab: str | None) -> str:
    """Return the tab of the history entry Back or Forward reached (none named: the Overview)."""
    search = popped_search(pop)
    if search is None:
        raise PreventUpdate
    tab = parse_query(search)[2] or tabs.DEFAULT_TAB
    if tab == active_tab:
        raise PreventUpdate
    return tab


def register(app: Dash) -> None:
    """Register the session callbacks: restore on load, merge into the store, mirror into the URL."""
    autoload_demo = bool(app.server.config.get("AUTOLOAD_DEMO", True))

    @app.callback(
        Output(ids.DATASET_STORE, "data"),
        Input(ids.SESSION_STORE, "modified_timestamp"),
        State(ids.SESSION_STORE, "data"),
        State(ids.DATASET_STORE, "data"),
        State(ids.URL, "search"),
    )
    def _restore_dataset(timestamp, session_store, current, search):
        return restore_dataset(timestamp, session_store, current, autoload_demo, search)

    app.callback(
        Output(ids.SESSION_STORE, "data"),
        Input(ids.DATASET_STORE, "data"),
        Input(ids.FILTER_DATES, "start_date"),
        Input(ids.FILTER_DATES, "end_date"),
        Input(ids.FILTER_MODEL, "value"),
        *[Input(control_id, "value") for control_id, _ in LIST_FILTERS.values()],
        prevent_initial_call=True,
    )(update_session)

    app.callback(
        Output(ids.URL_QUERY, "data"),
        Input(ids.SESSION_STORE, "data"),
        Input(ids.TABS, "active_tab"),
    )(update_url_query)

    # assets/history.js: pushes or replaces the history entry (see the module docstring).
    app.clientside_callback(ClientsideFunction("history", "mirror"), Input(ids.URL_QUERY, "data"))

    @app.callback(
        Output(ids.TABS, "active_tab"),
        Input(ids.URL, "pathname"),
        Input(ids.HISTORY_POP, "data"),
        State(ids.URL, "search"),
        State(ids.TABS, "active_tab"),
    )
    def _restore_tab(pathname, pop, search, active_tab):
        if ctx.triggered_id == ids.HISTORY_POP:
            return restore_popped_tab(pop, active_tab)
        return restore_tab(pathname, search, active_tab)
