"""CSV downloads: one mechanism for every ``export-<file>`` button present in the page.

Each button downloads ``<file>_<first day>_<last day>.csv`` for the session's filters and model, byte
for byte the file ``python -m metrics export`` writes as ``<file>.csv`` for the same filters and model
(docs/export-contract.md, "Download names"). A button exists only while its tab is shown; its callback
then fires on a click.
"""

from __future__ import annotations

import dataclasses

from dash import Dash, Input, Output, State, dcc, no_update
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks.common import say_expired
from callbacks.session import SessionState
from callbacks.weights import weighted_options
from layouts import ids
from metrics import export
from store import datasets, results

# Files that follow a control of their tab as well as the session: file -> (control id, Options field).
# attribution_markov.csv is written at the grouping picked in the ROI tab's data-driven panel.
TAB_OPTIONS = {"attribution_markov": (ids.MARKOV_BY, "markov_by")}


def exportable(layout: Component | None = None) -> list[str]:
    """
    Return the export files with a builder in ``metrics.export`` and, when ``layout`` is given, a button in it.

    A button not placed on any tab yet gets no callback (Dash would report its id missing).
    """
    present = None
    if layout is not None:
        present = {getattr(component, "id", None) for component in layout._traverse()}
    return [
        name
        for name in ids.EXPORT
        if name in export.BUILDERS and (present is None or ids.EXPORT[name] in present)
    ]


def view_period(state: SessionState) -> tuple[str, str] | None:
    """
    Return the first and last day of the session's view: the sidebar's dates, else the data's own.

    None when the data has no dated row and the sidebar does not set both dates.

    Examples
    --------
    >>> from metrics.filters import Filters
    >>> summary = {"period": ["2025-04-01", "2025-09-30"]}
    >>> view_period(SessionState(key="k", summary=summary))
    ('2025-04-01', '2025-09-30')
    >>> view_period(SessionState(key="k", filters=Filters.make(start="2025-05-01"), summary=summary))
    ('2025-05-01', '2025-09-30')
    """
    data_period = (state.summary or {}).get("period") or (None, None)
    start = state.filters.start.isoformat() if state.filters.start else data_period[0]
    end = state.filters.end.isoformat() if state.filters.end else data_period[1]
    return (start, end) if start and end else None


def download_name(stem: str, extension: str, state: SessionState) -> str:
    """
    Return the name a download is saved under: ``stem``, then the view's first and last day.

    Examples
    --------
    >>> download_name("campaigns", "csv", SessionState(summary={"period": ["2025-04-01", "2025-09-30"]}))
    'campaigns_2025-04-01_2025-09-30.csv'
    >>> download_name("campaigns", "csv", SessionState())
    'campaigns.csv'
    """
    return "_".join([stem, *(view_period(state) or ())]) + f".{extension}"


def update_download(
    name: str,
    clicks: int | None,
    store: dict | None,
    score_weights: dict | None = None,
    tab_option: str | None = None,
) -> dict:
    """
    Return the download of export file ``name`` for the session's filters and model.

    Nothing happens without a click, without data, or when the data expired (the KPI row says so).
    ``score_weights`` (the Influencers tab's weights store) sets the score of influencers.csv;
    ``tab_option`` is the value of the file's control in ``TAB_OPTIONS`` (the Markov grouping).
    """
    state = SessionState.from_store(store)
    if not clicks or state.key is None:
        raise PreventUpdate
    options = weighted_options(state.options, score_weights)
    if name in TAB_OPTIONS and tab_option:
        options = dataclasses.replace(options, **{TAB_OPTIONS[name][1]: tab_option})
    try:
        content = results.export_csv(state.key, state.filters, options, name)
    except datasets.DatasetExpired:
        say_expired("the download")
        return no_update  # PreventUpdate would drop the message
    return dcc.send_bytes(content, download_name(name, "csv", state), type="text/csv")


def register(app: Dash) -> None:
    """Register one download callback per export button (they share ``ids.DOWNLOAD``)."""
    for name in exportable(app.validation_layout):
        if name in TAB_OPTIONS:
            app.callback(
                Output(ids.DOWNLOAD, "data", allow_duplicate=True),
                Input(ids.EXPORT[name], "n_clicks"),
                State(ids.SESSION_STORE, "data"),
                State(TAB_OPTIONS[name][0], "value"),
                prevent_initial_call=True,
            )(
                lambda clicks, store, option, name=name: update_download(
                    name, clicks, store, tab_option=option
                )
            )
            continue
        app.callback(
            Output(ids.DOWNLOAD, "data", allow_duplicate=True),
            Input(ids.EXPORT[name], "n_clicks"),
            State(ids.SESSION_STORE, "data"),
            State(ids.SCORE_WEIGHTS_STORE, "data"),
            prevent_initial_call=True,
        )(lambda clicks, store, weights, name=name: update_download(name, clicks, store, weights))
