"""The report buttons of the top bar: PDF and Excel reports of the session's view (docs/reports.md).

A click downloads the file ``python -m reports`` writes for the same filters and model (only its
"generated" time differs). While it is built the button is disabled and says so ("PDF…"); the file is
cached per (dataset key, filters, options, kind), so a second click sends it at once.

The report is built in the request, not in a Dash background callback: a background job is a process
forked from the multi-threaded server, and a lock another request thread holds at that moment stays held
in the child forever, so the job can hang. docs/reports.md has the measurements and the trade-off.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, no_update
from dash.exceptions import PreventUpdate

import reports
from callbacks.common import say_expired
from callbacks.export import view_period
from callbacks.session import SessionState
from layouts import ids
from store import datasets
from store.results import report_bytes, require

BUTTONS = {"pdf": (ids.EXPORT_REPORT_PDF, "PDF"), "xlsx": (ids.EXPORT_REPORT_XLSX, "Excel")}


def update_report_download(kind: str, clicks: int | None, store: dict | None) -> dict:
    """
    Return the download of the ``kind`` report ("pdf" or "xlsx") for the session's filters and model.

    Nothing happens without a click, without data, or when the data expired (the KPI row says so).
    """
    state = SessionState.from_store(store)
    if not clicks or state.key is None:
        raise PreventUpdate
    try:
        # The report is memoized: without this check it would outlive an evicted dataset.
        require(state.key)
        content = report_bytes(state.key, state.filters, state.options, kind)
    except datasets.DatasetExpired:
        say_expired("the report")
        return no_update  # PreventUpdate would drop the message
    name = reports.file_name(kind, state.options, view_period(state))
    return dcc.send_bytes(content, name, type=reports.MEDIA_TYPES[kind])


def update_report_buttons(store: dict | None) -> tuple[bool, bool]:
    """Return whether each report button is disabled: only while no dataset is loaded (or it expired)."""
    state = SessionState.from_store(store)
    disabled = state.key is None or state.expired
    return disabled, disabled


def register(app: Dash) -> None:
    """Register the two report downloads and the buttons' enabled state."""
    for kind, (button, label) in BUTTONS.items():
        app.callback(
            Output(ids.DOWNLOAD, "data", allow_duplicate=True),
            Input(button, "n_clicks"),
            State(ids.SESSION_STORE, "data"),
            # Shown while the report is built: the button is disabled and reads "PDF…".
            running=[
                (Output(button, "disabled"), True, False),
                (Output(button, "children"), f"{label}…", label),
            ],
            prevent_initial_call=True,
        )(lambda clicks, store, kind=kind: update_report_download(kind, clicks, store))

    app.callback(
        Output(ids.EXPORT_REPORT_PDF, "disabled"),
        Output(ids.EXPORT_REPORT_XLSX, "disabled"),
        Input(ids.SESSION_STORE, "data"),
    )(update_report_buttons)
