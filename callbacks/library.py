"""The Data tab's saved datasets: save as, list, open, rename and delete (layouts/library.py).

Saving, renaming and deleting go through store/datasets.py (files in ``LIBRARY_DIR``, see
store/library.py). Opening writes ``DATASET_STORE`` like every data action, so the session, the sidebar
and the URL (``dataset=<id>``) follow (callbacks/session.py). A name in use and a delete ask first, in
one confirmation dialog whose pending action waits in ``LIBRARY_PENDING``.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import g

from callbacks import data
from callbacks.session import SessionState
from layouts import ids
from layouts import library as layout
from store import datasets, library

HIDDEN = {"display": "none"}
DIALOG_CLOSED = {"is_open": False, "error": ""}


def _message(kind: str, text: str) -> dbc.Alert:
    return dbc.Alert(text, color=kind, className="py-2 mb-2", dismissable=True)


def _signed_in_user() -> str | None:
    user = g.get("user")
    return str(user) if user else None


def update_list(_version: int | None, session_store: dict | None, data_dir: str) -> Any:
    """Return the list of saved datasets and ``DATA_DIR`` folders, marking the one in use."""
    current = SessionState.from_store(session_store).key
    return layout.saved_list(datasets.saved_datasets(), datasets.server_folders(data_dir), current)


def _outputs(**values: Any) -> dict[str, Any]:
    """Return every output of the request callback, ``no_update`` unless given."""
    names = (
        "dataset", "message", "version", "pending", "is_open", "title", "body", "input_value",
        "input_style", "error", "confirm_label", "confirm_color",
    )  # fmt: skip
    return {name: values.get(name, no_update) for name in names}


def _ask(pending: dict, title: str, body: str, confirm: str, color: str, name: str | None = None) -> dict:
    return _outputs(
        pending=pending,
        is_open=True,
        title=title,
        body=body,
        input_value=name if name is not None else "",
        input_style={} if name is not None else HIDDEN,
        error="",
        confirm_label=confirm,
        confirm_color=color,
    )


def _saved(manifest: dict, version: int | None, replaced: bool = False) -> dict:
    verb = "Replaced" if replaced else "Saved as"
    text = f"{verb} “{manifest['name']}”. Anyone with the link (Copy link, top bar) sees this data."
    return _outputs(
        dataset=data.dataset_value(manifest["id"], "library"),
        message=_message("success", text),
        version=(version or 0) + 1,
        pending=None,
    )


def request_save(name: str | None, session_store: dict | None, version: int | None) -> dict:
    """
    Save the data in use under ``name``, or ask first when a saved dataset already has that name.

    Returns the request callback's outputs (see :func:`_outputs`).
    """
    key = SessionState.from_store(session_store).key
    if key is None:
        return _outputs(message=_message("warning", "Load data first: there is nothing to save."))
    try:
        cleaned = library.clean_name(name)
        existing = library.find_by_name(datasets.library_root(), cleaned)
        if existing is not None:
            when = layout.saved_at_text(existing.get("saved_at"))
            by = f" by {existing['saved_by']}" if existing.get("saved_by") else ""
            return _ask(
                {"action": "replace", "name": cleaned, "key": key},
                f"Replace “{existing['name']}”?",
                f"A saved dataset is already called “{existing['name']}” (saved{by} {when}). Replace it "
                "with the data in use? It is replaced for everyone, and links to it stop working.",
                "Replace",
                "danger",
            )
        manifest = datasets.save_to_library(key, cleaned, saved_by=_signed_in_user())
    except library.LibraryError as exc:
        return _outputs(message=_message("danger", f"Not saved: {exc}."))
    except datasets.DatasetExpired:
        return _outputs(message=_message("danger", "Not saved: the data in use expired; load it again."))
    except OSError as exc:
        return _outputs(message=_message("danger", f"Not saved: the server could not write it ({exc})."))
    return _saved(manifest, version)


def request_change(trigger: dict, version: int | None) -> dict:
    """Open the rename or delete dialog of the saved dataset a list button names."""
    dataset_id = trigger["index"]
    try:
        manifest = library.read_manifest(datasets.library_root(), dataset_id)
    except library.NotFound:
        return _outputs(
            message=_message("warning", "That dataset is no longer saved (deleted meanwhile)."),
            version=(version or 0) + 1,
        )
    name = manifest["name"]
    if trigger["type"] == ids.LIBRARY_RENAME:
        return _ask(
            {"action": "rename", "id": dataset_id},
            f"Rename “{name}”",
            "The new name is shown to everyone; links to this dataset keep working.",
            "Rename",
            "primary",
            name=name,
        )
    return _ask(
        {"action": "delete", "id": dataset_id},
        f"Delete “{name}”?",
        "It is removed from the server for everyone, and links to it stop working. This cannot be undone.",
        "Delete",
        "danger",
    )


def _rename(pending: dict, new_name: str | None, current: str | None, bumped: int) -> dict:
    manifest = datasets.rename_saved(pending["id"], new_name or "")
    message = _message("success", f"Renamed to “{manifest['name']}”.")
    out = _outputs(message=message, version=bumped, pending=None, **DIALOG_CLOSED)
    if current == pending["id"]:  # the top bar shows the new name
        out["dataset"] = data.dataset_value(current, "library")
    return out


def _delete(pending: dict, current: str | None, bumped: int) -> dict:
    name = library.read_manifest(datasets.library_root(), pending["id"])["name"]
    out = _outputs(version=bumped, pending=None, **DIALOG_CLOSED)
    text = f"Deleted “{name}”."
    if current == pending["id"]:
        # The data stays open in this tab, as an unsaved copy only this tab sees.
        out["dataset"] = data.dataset_value(datasets.copy_to_session(current), "library")
        text += " The data stays open here as an unsaved copy."
    datasets.delete_saved(pending["id"])
    out["message"] = _message("success", text)
    return out


def confirm(
    pending: dict | None, new_name: str | None, session_store: dict | None, version: int | None
) -> dict:
    """
    Carry out the confirmed action: replace a saved dataset, rename one or delete one.

    Returns the ``dataset``, ``message``, ``version``, ``pending``, ``is_open`` and ``error`` outputs.
    """
    if not isinstance(pending, dict) or pending.get("action") not in ("replace", "rename", "delete"):
        raise PreventUpdate
    bumped = (version or 0) + 1
    current = SessionState.from_store(session_store).key
    try:
        if pending["action"] == "rename":
            return _rename(pending, new_name, current, bumped)
        if pending["action"] == "delete":
            return _delete(pending, current, bumped)
        manifest = datasets.save_to_library(
            pending["key"], pending["name"], saved_by=_signed_in_user(), replace=True
        )
        return {**_saved(manifest, version, replaced=True), **DIALOG_CLOSED}
    except library.NameInUse as exc:
        return _outputs(error=f"{exc}; choose another name.")
    except library.NotFound:
        gone = _message("warning", "That dataset is no longer saved (deleted meanwhile).")
        return _outputs(message=gone, version=bumped, pending=None, **DIALOG_CLOSED)
    except library.LibraryError as exc:
        return _outputs(error=f"{exc}.")
    except datasets.DatasetExpired:
        expired = _message("danger", "Not saved: the data in use expired; load it again.")
        return _outputs(message=expired, pending=None, **DIALOG_CLOSED)


def open_saved(trigger: dict, version: int | None) -> tuple:
    """Open a saved dataset from the list: ``DATASET_STORE``, message and list version."""
    dataset_id = trigger["index"]
    if not datasets.exists(dataset_id):
        text = "That dataset is no longer saved (deleted meanwhile)."
        return no_update, _message("warning", text), (version or 0) + 1
    value = data.dataset_value(dataset_id, "library")
    name = (value["summary"].get("saved") or {}).get("name", dataset_id)
    return value, _message("success", f"Opened “{name}”."), no_update


def _clicked() -> dict:
    """Return the pattern-matching id of the clicked list button (buttons appearing are no click)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(item.get("value") for item in ctx.triggered):
        raise PreventUpdate
    return trigger


def register(app: Dash) -> None:
    """Register the saved-datasets callbacks of the Data tab."""
    data_dir = app.server.config.get("DATA_DIR", "")
    _register_list_and_requests(app, data_dir)
    _register_dialog(app)
    _register_open(app, data_dir)
    # The address bar already mirrors the view (callbacks/session.py): copy it as it is.
    app.clientside_callback(
        "function (clicks) { return clicks ? window.location.href : window.dash_clientside.no_update; }",
        Output(ids.COPY_LINK, "content"),
        Input(ids.COPY_LINK, "n_clicks"),
        prevent_initial_call=True,
    )


# What a save, rename or delete request and its confirmation both update: the loaded dataset, the message,
# the list's version, the pending action and whether the dialog is open.
_LIBRARY_STATE = (
    Output(ids.DATASET_STORE, "data", allow_duplicate=True),
    Output(ids.LIBRARY_MESSAGE, "children", allow_duplicate=True),
    Output(ids.LIBRARY_VERSION, "data", allow_duplicate=True),
    Output(ids.LIBRARY_PENDING, "data", allow_duplicate=True),
    Output(ids.LIBRARY_DIALOG, "is_open", allow_duplicate=True),
)


def _register_list_and_requests(app: Dash, data_dir: str) -> None:
    """Register the list and the save, rename and delete requests (which may open the dialog)."""
    request_outputs = [
        *_LIBRARY_STATE,
        Output(ids.LIBRARY_DIALOG_TITLE, "children"),
        Output(ids.LIBRARY_DIALOG_BODY, "children"),
        Output(ids.LIBRARY_DIALOG_INPUT, "value"),
        Output(ids.LIBRARY_DIALOG_INPUT, "style"),
        Output(ids.LIBRARY_DIALOG_ERROR, "children", allow_duplicate=True),
        Output(ids.LIBRARY_DIALOG_CONFIRM, "children"),
        Output(ids.LIBRARY_DIALOG_CONFIRM, "color"),
    ]

    @app.callback(
        Output(ids.LIBRARY_LIST, "children"),
        Input(ids.LIBRARY_VERSION, "data"),
        Input(ids.SESSION_STORE, "data"),
    )
    def _update_list(version, session_store):
        return update_list(version, session_store, data_dir)

    @app.callback(
        *request_outputs,
        Input(ids.LIBRARY_SAVE, "n_clicks"),
        Input(ids.LIBRARY_NAME, "n_submit"),  # Enter in the name field
        Input({"type": ids.LIBRARY_RENAME, "index": ALL}, "n_clicks"),
        Input({"type": ids.LIBRARY_DELETE, "index": ALL}, "n_clicks"),
        State(ids.LIBRARY_NAME, "value"),
        State(ids.SESSION_STORE, "data"),
        State(ids.LIBRARY_VERSION, "data"),
        prevent_initial_call=True,
    )
    def _request(save_clicks, submits, _renames, _deletes, name, session_store, version):
        if ctx.triggered_id in (ids.LIBRARY_SAVE, ids.LIBRARY_NAME):
            if not (save_clicks or submits):
                raise PreventUpdate
            out = request_save(name, session_store, version)
        else:
            out = request_change(_clicked(), version)
        return tuple(out.values())


def _register_dialog(app: Dash) -> None:
    """Register the confirmation dialog's confirm and cancel."""

    @app.callback(
        *_LIBRARY_STATE,
        Output(ids.LIBRARY_DIALOG_ERROR, "children", allow_duplicate=True),
        Input(ids.LIBRARY_DIALOG_CONFIRM, "n_clicks"),
        Input(ids.LIBRARY_DIALOG_INPUT, "n_submit"),  # Enter in the new-name field
        State(ids.LIBRARY_PENDING, "data"),
        State(ids.LIBRARY_DIALOG_INPUT, "value"),
        State(ids.SESSION_STORE, "data"),
        State(ids.LIBRARY_VERSION, "data"),
        prevent_initial_call=True,
    )
    def _confirm(clicks, submits, pending, new_name, session_store, version):
        if not (clicks or submits):
            raise PreventUpdate
        out = confirm(pending, new_name, session_store, version)
        return tuple(out[name] for name in ("dataset", "message", "version", "pending", "is_open", "error"))

    @app.callback(
        Output(ids.LIBRARY_DIALOG, "is_open", allow_duplicate=True),
        Output(ids.LIBRARY_PENDING, "data", allow_duplicate=True),
        Input(ids.LIBRARY_DIALOG_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )
    def _cancel(clicks):
        if not clicks:
            raise PreventUpdate
        return False, None


def _register_open(app: Dash, data_dir: str) -> None:
    """Register opening a saved dataset or a server folder from the list."""

    @app.callback(
        Output(ids.DATASET_STORE, "data", allow_duplicate=True),
        Output(ids.LIBRARY_MESSAGE, "children", allow_duplicate=True),
        Output(ids.LIBRARY_VERSION, "data", allow_duplicate=True),
        Input({"type": ids.LIBRARY_OPEN, "index": ALL}, "n_clicks"),
        State(ids.LIBRARY_VERSION, "data"),
        prevent_initial_call=True,
    )
    def _open(_clicks, version):
        return open_saved(_clicked(), version)

    @app.callback(
        Output(ids.DATASET_STORE, "data", allow_duplicate=True),
        Output(ids.LIBRARY_MESSAGE, "children", allow_duplicate=True),
        Input({"type": ids.LIBRARY_OPEN_FOLDER, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _open_folder(_clicks):
        value, message = data.load_server_dataset(_clicked()["index"], data_dir)
        return value, message
