"""The report buttons of the top bar: PDF and Excel reports of the session's view (docs/reports.md).

A report takes a few seconds, so it is built in a Dash background callback (``DiskcacheManager``: a
separate process, results handed over through a disk cache shared by the workers of one host) while the
button shows that it is working. The file is the one ``python -m reports`` writes for the same filters and
model (only its "generated" time differs), and is cached per (dataset key, filters, options, kind), so a
second click sends it at once.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import diskcache
from dash import Dash, DiskcacheManager, Input, Output, State, dcc
from dash.exceptions import PreventUpdate

import reports
from callbacks import datasets
from callbacks.cache import cache, credit
from callbacks.session import SessionState
from layouts import ids
from metrics.filters import Filters, Options

BUTTONS = {"pdf": (ids.EXPORT_REPORT_PDF, "PDF"), "xlsx": (ids.EXPORT_REPORT_XLSX, "Excel")}
JOBS_DIR_NAME = "influencer-dashboard-jobs"


def jobs_dir(config) -> Path:
    """
    Return the folder of the background-job cache: ``JOBS_DIR`` when set, else one in the temp folder.

    Not inside ``CACHE_DIR``: Flask-Caching's file cache treats every entry of its folder as its own.
    """
    configured = config.get("JOBS_DIR")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / JOBS_DIR_NAME


@cache.memoize()
def report_bytes(key: str, filters: Filters, options: Options, kind: str) -> bytes:
    """
    Return the report file of a stored dataset's view, built once per (key, filters, options, kind).

    Raises
    ------
    callbacks.datasets.DatasetExpired
        When the dataset is no longer stored.
    """
    dataset = datasets.load(key)
    return reports.build_report(dataset, kind, filters, options, credit=credit(key, options, filters))


def update_report_download(kind: str, clicks: int | None, store: dict | None) -> dict:
    """
    Return the download of the ``kind`` report ("pdf" or "xlsx") for the session's filters and model.

    Nothing happens without a click, without data, or when the data expired (the KPI row says so).
    """
    state = SessionState.from_store(store)
    if not clicks or state.key is None:
        raise PreventUpdate
    try:
        content = report_bytes(state.key, state.filters, state.options, kind)
    except datasets.DatasetExpired:
        raise PreventUpdate from None
    name = reports.file_name(kind, state.filters, state.options)
    return dcc.send_bytes(content, name, type=reports.MEDIA_TYPES[kind])


def update_report_buttons(store: dict | None) -> tuple[bool, bool]:
    """Return whether each report button is disabled: only while no dataset is loaded (or it expired)."""
    state = SessionState.from_store(store)
    disabled = state.key is None or state.expired
    return disabled, disabled


def register(app: Dash) -> None:
    """Register the two report downloads (background callbacks) and the buttons' enabled state."""
    server = app.server
    manager = DiskcacheManager(diskcache.Cache(str(jobs_dir(server.config))))

    # The job runs in another process, outside any request: it needs the app context for the cache.
    # One plain function per button: Dash keys background jobs by the function's source and callback id.
    def download_pdf(clicks: int | None, store: dict | None) -> dict:
        with server.app_context():
            return update_report_download("pdf", clicks, store)

    def download_xlsx(clicks: int | None, store: dict | None) -> dict:
        with server.app_context():
            return update_report_download("xlsx", clicks, store)

    for kind, job in (("pdf", download_pdf), ("xlsx", download_xlsx)):
        button, label = BUTTONS[kind]
        app.callback(
            Output(ids.DOWNLOAD, "data", allow_duplicate=True),
            Input(button, "n_clicks"),
            State(ids.SESSION_STORE, "data"),
            background=True,
            manager=manager,
            running=[
                (Output(button, "disabled"), True, False),
                (Output(button, "children"), f"{label}…", label),
            ],
            prevent_initial_call=True,
        )(job)

    app.callback(
        Output(ids.EXPORT_REPORT_PDF, "disabled"),
        Output(ids.EXPORT_REPORT_XLSX, "disabled"),
        Input(ids.SESSION_STORE, "data"),
    )(update_report_buttons)
