"""The Data tab: uploads, demo, clear, server datasets, per-file status, data-quality report, templates.

Every data action writes ``DATASET_STORE`` (this page's dataset key and summary) and never the session
store directly (callbacks/session.py merges them). A rejected file leaves the data in use unchanged.
"""

from __future__ import annotations

import base64

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.session import SessionState
from layouts import ids
from metrics import formats, ingest
from metrics.dataset import FILES, InputRejected
from server.config import max_upload_bytes
from server.upload_slot import ServerBusy, upload_slot
from store import datasets, results
from store.frames import records

# The grid holds an aggregated table, never raw rows: the report beyond this many rows is in its CSV.
QUALITY_ROWS_SHOWN = 5_000
MEBIBYTE = 1024 * 1024


def dataset_value(key: str | None, origin: str) -> dict:
    """Return the ``DATASET_STORE`` value of a dataset key (None: no dataset)."""
    summary = datasets.describe(key) if key else None
    return {"key": key, "summary": summary, "origin": origin, "expired": False}


def megabytes(size: int) -> str:
    """
    Return a size in mebibytes with at most two decimals.

    Examples
    --------
    >>> megabytes(200 * 1024 * 1024), megabytes(10_486), megabytes(2_621_440)
    ('200', '0.01', '2.5')
    """
    return f"{size / MEBIBYTE:.2f}".rstrip("0").rstrip(".")


def decode_upload(name: str, contents: str, filename: str | None, max_bytes: int) -> bytes:
    """
    Return an upload's bytes from its data URL, refusing a file over the size limit before decoding it.

    Raises
    ------
    InputRejected
        When the file is over ``max_bytes`` or not base64 data.
    """
    # Sized from the data URL's length before anything is copied or decoded (an upload can be 1 GB).
    start = contents.find(",", 0, 1024) + 1
    if start == 0:
        raise InputRejected(name, "the upload is not valid base64 data")
    size = (len(contents) - start) * 3 // 4 - contents[-2:].count("=")
    if size > max_bytes:
        raise InputRejected(
            name,
            f"{filename or 'the file'} is {megabytes(size)} MB, over the {megabytes(max_bytes)} MB upload "
            "limit; load bigger files through a server folder (DATA_DIR) or the command line",
        )
    try:
        return base64.b64decode(contents[start:], validate=False)
    except ValueError:
        raise InputRejected(name, "the upload is not valid base64 data") from None


def not_stored_line(error: OSError) -> str:
    """
    Return the message of data that was parsed but could not be stored (a full disk, the cache down).

    Examples
    --------
    >>> not_stored_line(OSError("the dataset could not be stored"))
    'Nothing was loaded: the dataset could not be stored. The data already loaded stays in use.'
    """
    return f"Nothing was loaded: {error}. The data already loaded stays in use."


def _message(kind: str, lines: list) -> dbc.Alert:
    return dbc.Alert([html.Div(line) for line in lines], color=kind, className="py-2 mb-3", dismissable=True)


def _loaded_line(name: str, parsed: ingest.ParsedFile, filename: str) -> str:
    dropped = (
        f", {formats.number(parsed.rows_dropped)} dropped (see the report below)"
        if parsed.rows_dropped
        else ""
    )
    return f"{name}.csv: loaded {formats.number(len(parsed.frame))} rows from {filename}{dropped}."


def update_uploads(
    contents: list[str | None],
    filenames: list[str | None],
    dataset_store: dict | None,
    max_bytes: int,
    max_rows: int | None,
) -> tuple:
    """
    Parse every upload waiting in the four areas and replace those files in the current dataset.

    Several uploads in quick succession arrive together (Dash re-sends an area's contents until this
    callback clears it), so every non-empty area is applied; identical bytes are parsed once.
    ``contents`` and ``filenames`` hold, per file of ``FILES``, the data URL (None when nothing waits)
    and the user's file name; ``dataset_store`` is the dataset in use, kept when every upload is
    rejected. Returns the new ``DATASET_STORE`` value (``no_update`` when nothing was accepted), the
    message, and None for each area's contents (clearing them lets the same file be chosen again).
    """
    if not any(contents):
        raise PreventUpdate
    cleared = [None] * len(FILES)
    try:
        accepted, lines, errors = _parse_uploads(contents, filenames, max_bytes, max_rows)
    except ServerBusy as exc:
        return no_update, _message("warning", [str(exc)]), *cleared
    current = (dataset_store or {}).get("key")
    if not accepted:
        keep = ["The data already loaded stays in use."] if current else []
        return no_update, _message("danger", [*errors, *keep]), *cleared
    try:
        key = _replace_files(current, accepted, lines)
    except OSError as exc:  # the cache could not store it (filecache.StorageFull: the disk is full)
        return no_update, _message("danger", [not_stored_line(exc)]), *cleared
    value = dataset_value(key, "upload")
    lines += _missing_line(value["summary"])
    return value, _message("warning" if errors else "success", [*lines, *errors]), *cleared


def _missing_line(summary: dict) -> list[str]:
    """Return the line naming the files not uploaded yet (none when all four are there)."""
    missing = [f"{name}.csv" for name, info in summary["files"].items() if not info["source"]]
    return [f"Still missing: {', '.join(missing)} — they count as empty until uploaded."] if missing else []


def _parse_uploads(
    contents: list[str | None], filenames: list[str | None], max_bytes: int, max_rows: int | None
) -> tuple[dict, list, list]:
    """
    Return the accepted files, a line per accepted file and a line per rejected one (of the areas holding one).

    Raises
    ------
    ServerBusy
        When another upload is being parsed in this worker (server/upload_slot.py).
    """
    accepted: dict[str, datasets.StoredFile] = {}
    lines: list[str] = []
    errors: list[str] = []
    waiting = [
        (name, data, file) for name, data, file in zip(FILES, contents, filenames, strict=True) if data
    ]
    with upload_slot():
        for name, data, filename in waiting:
            shown_name = filename or f"{name}.csv"
            try:
                raw = decode_upload(name, data, shown_name, max_bytes)
                parsed = datasets.parse_bytes(name, raw, filename=shown_name, max_rows=max_rows)
            except InputRejected as exc:
                errors.append(f"{exc}.".replace("..", "."))
                continue
            accepted[name] = datasets.StoredFile(parsed, datasets.upload_source(shown_name))
            lines.append(_loaded_line(name, parsed, shown_name))
    return accepted, lines, errors


def _replace_files(current: str | None, accepted: dict, lines: list[str]) -> str:
    """Return the key of the current dataset with ``accepted`` replacing its files (a new one if it expired)."""
    try:
        return datasets.replace_files(current, accepted)
    except datasets.DatasetExpired:
        lines.append("The earlier data had expired: the other files are missing until you upload them.")
        return datasets.replace_files(None, accepted)


def load_demo(*_clicks) -> dict:
    """Return the demo dataset for this page (any "Load demo data" button)."""
    if not any(item.get("value") for item in ctx.triggered):
        raise PreventUpdate  # a button appearing in a new panel is no click
    return dataset_value(datasets.demo_key(), "demo")


def clear_data(_clicks: int | None) -> tuple[dict, None]:
    """Return no dataset (the Clear button), clearing the message."""
    if not _clicks:
        raise PreventUpdate
    return {"key": None, "summary": None, "origin": "clear", "expired": False}, None


def load_server_dataset(folder: str | None, data_dir: str) -> tuple:
    """Parse and load a ``DATA_DIR`` sub-folder; a rejected file leaves the data in use unchanged."""
    if not folder or folder not in datasets.server_folders(data_dir):
        raise PreventUpdate
    try:
        files = datasets.read_server_folder(data_dir, folder)
    except InputRejected as exc:
        return no_update, _message("danger", [f"{folder}/{exc}.", "The data already loaded stays in use."])
    try:
        value = dataset_value(datasets.build(files), "server")
    except OSError as exc:
        return no_update, _message("danger", [not_stored_line(exc)])
    rows = value["summary"]["rows"]
    return value, _message("success", [f"Loaded {folder}: {formats.number(rows['tracking'])} tracking rows."])


def server_options(_id: str, data_dir: str) -> tuple[list[dict], dict]:
    """Return the ``DATA_DIR`` datasets to offer, and the row's style (hidden when there are none)."""
    folders = datasets.server_folders(data_dir)
    if not folders:
        return [], {"display": "none"}
    return [{"label": folder, "value": folder} for folder in folders], {}


def file_status(name: str, summary: dict | None) -> list:
    """
    Return the status line of one input file: where it came from, rows loaded, dropped, report rows.

    Examples
    --------
    >>> info = {"source": "upload:t.csv", "rows_read": 10, "rows_dropped": 2, "warnings": 3}
    >>> file_status("tracking", {"rows": {"tracking": 8}, "files": {"tracking": info}})[1]
    '8 rows loaded from t.csv · 2 dropped · 3 in the report'
    """
    if not summary:
        return [html.Span("○ ", className="text-body-secondary"), "Not loaded."]
    info = summary["files"][name]
    source = info["source"]
    if not source:
        return [html.Span("○ ", className="text-body-secondary"), "Not loaded yet: counts as empty."]
    origin = "the demo" if source == datasets.SOURCE_DEMO else source.split(":", 1)[-1]
    parts = [f"{formats.number(summary['rows'][name])} rows loaded from {origin}"]
    parts.append(f"{formats.number(info['rows_dropped'])} dropped")
    parts.append(f"{formats.number(info['warnings'])} in the report")
    mark = (
        html.Span("⚠ ", className="text-warning")
        if info["rows_dropped"]
        else html.Span("✓ ", className="text-success")
    )
    return [mark, " · ".join(parts)]


def update_statuses(store: dict | None) -> tuple[list, ...]:
    """Return the four status lines of the session's dataset ("expired" once it is no longer stored)."""
    state = SessionState.from_store(store)
    if state.expired or (state.key and not datasets.exists(state.key)):
        expired = [
            html.Span("○ ", className="text-body-secondary"),
            "Expired: upload it again (or load the demo).",
        ]
        return tuple(list(expired) for _ in FILES)
    summary = state.summary if state.key else None
    return tuple(file_status(name, summary) for name in FILES)


def update_quality(store: dict | None) -> tuple[list[dict], str]:
    """Return the data-quality report's rows (first ``QUALITY_ROWS_SHOWN``) and its summary line."""
    state = SessionState.from_store(store)
    if state.key is None:
        return [], "No data loaded."
    try:
        report = results.data_quality(state.key)
    except datasets.DatasetExpired:
        return [], "Your data expired — please upload it again (or load the demo)."
    if report.empty:
        return [], "No problems found: every row was read as it is."
    counts = report["file"].value_counts()
    by_file = ", ".join(f"{formats.number(counts[name])} in {name}.csv" for name in FILES if name in counts)
    noun = "row" if len(report) == 1 else "rows"
    summary = f"{formats.number(len(report))} {noun}: {by_file}. Each says what was done (the Action column)."
    if len(report) > QUALITY_ROWS_SHOWN:
        summary += f" Showing the first {formats.number(QUALITY_ROWS_SHOWN)}; the download has them all."
    return records(report.head(QUALITY_ROWS_SHOWN)), summary


def template_download(name: str, clicks: int | None) -> dict:
    """Return the download of one file's template (header and example rows)."""
    if not clicks:
        raise PreventUpdate
    return dcc.send_string(ingest.template_csv(name), f"{name}.csv")


def register(app: Dash) -> None:
    """Register the Data tab callbacks."""
    config = app.server.config
    max_bytes = max_upload_bytes(config)
    max_rows = config.get("MAX_ROWS")

    @app.callback(
        Output(ids.DATASET_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        *[Output(ids.UPLOAD[name], "contents") for name in FILES],
        # The cards' progress lines, shown by assets/upload-cards.js when a file is chosen.
        *[Output(ids.UPLOAD_PROGRESS[name], "hidden") for name in FILES],
        *[Input(ids.UPLOAD[name], "contents") for name in FILES],
        *[State(ids.UPLOAD[name], "filename") for name in FILES],
        State(ids.DATASET_STORE, "data"),
        # The cards being read show their own progress: no second spinner over the message area.
        running=[(Output(ids.UPLOAD_MESSAGE_LOADING, "display"), "hide", "auto")],
        prevent_initial_call=True,
    )
    def _update_uploads(*values):
        n = len(FILES)
        answer = update_uploads(list(values[:n]), list(values[n : 2 * n]), values[2 * n], max_bytes, max_rows)
        return (*answer, *[True] * n)

    _register_data_actions(app, config.get("DATA_DIR", ""))
    _register_report(app)


def _register_data_actions(app: Dash, data_dir: str) -> None:
    """Register the demo, clear and server-dataset actions (each writes ``DATASET_STORE``)."""
    app.callback(
        Output(ids.DATASET_STORE, "data", allow_duplicate=True),
        Input(ids.LOAD_DEMO, "n_clicks"),
        prevent_initial_call=True,
    )(load_demo)
    app.callback(
        Output(ids.DATASET_STORE, "data", allow_duplicate=True),
        Input({"type": ids.LOAD_DEMO_LINK, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )(load_demo)

    app.callback(
        Output(ids.DATASET_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.CLEAR_DATA, "n_clicks"),
        prevent_initial_call=True,
    )(clear_data)

    @app.callback(
        Output(ids.DATASET_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.DATA_DIR_SELECT, "value"),
        prevent_initial_call=True,
    )
    def _load_server_dataset(folder):
        return load_server_dataset(folder, data_dir)

    @app.callback(
        Output(ids.DATA_DIR_SELECT, "options"),
        Output(ids.DATA_DIR_ROW, "style"),
        Input(ids.DATA_DIR_ROW, "id"),
    )
    def _server_options(row_id):
        return server_options(row_id, data_dir)


def _register_report(app: Dash) -> None:
    """Register the per-file status lines, the data-quality report and the template downloads."""
    app.callback(
        *[Output(ids.STATUS[name], "children") for name in FILES],
        Input(ids.SESSION_STORE, "data"),
    )(update_statuses)

    app.callback(
        Output(ids.QUALITY_TABLE, "rowData"),
        Output(ids.QUALITY_SUMMARY, "children"),
        Input(ids.SESSION_STORE, "data"),
    )(update_quality)

    for name in FILES:
        app.callback(
            Output(ids.DOWNLOAD, "data", allow_duplicate=True),
            Input(ids.TEMPLATE[name], "n_clicks"),
            prevent_initial_call=True,
        )(lambda clicks, name=name: template_download(name, clicks))
