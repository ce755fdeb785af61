"""The Data tab's "Saved datasets" panel: "Save as…", the list of saved datasets and DATA_DIR folders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.common import panel
from metrics import formats


def _button(label: str, kind: str, index: str, color: str, title: str) -> dbc.Button:
    return dbc.Button(
        label,
        id={"type": kind, "index": index},
        color=color,
        outline=True,
        size="sm",
        className="py-0",
        title=title,
    )


def _period(period: object) -> str:
    if isinstance(period, list | tuple) and len(period) == 2:
        return f"{period[0]} – {period[1]}"
    return "—"


def saved_at_text(value: object) -> str:
    """
    Return a manifest's ``saved_at`` as shown in the list (UTC, to the minute).

    Examples
    --------
    >>> saved_at_text("2026-12-07T21:30:05Z")
    '2026-12-07 21:30 UTC'
    """
    text = str(value or "")
    return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else "—"


def saved_row(manifest: Mapping, in_use: bool) -> html.Tr:
    """Return the list row of one saved dataset, with Open, Rename and Delete."""
    dataset_id, name = manifest["id"], manifest.get("name", "")
    rows = manifest.get("rows") or {}
    total = sum(int(n) for n in rows.values())
    per_file = ", ".join(f"{file}: {formats.number(n)}" for file, n in rows.items())
    badge = dbc.Badge("in use", color="success", className="ms-2") if in_use else None
    actions = html.Div(
        [
            _button("Open", ids.LIBRARY_OPEN, dataset_id, "primary", f"Open {name}"),
            _button("Rename", ids.LIBRARY_RENAME, dataset_id, "secondary", f"Rename {name}"),
            _button("Delete", ids.LIBRARY_DELETE, dataset_id, "danger", f"Delete {name}"),
        ],
        className="d-flex gap-1 justify-content-end",
    )
    return html.Tr(
        [
            html.Td([html.Span(name, className="fw-semibold library-name-cell"), badge]),
            html.Td(_period(manifest.get("period")), className="text-nowrap"),
            html.Td(formats.number(total), title=per_file, className="text-end"),
            html.Td(manifest.get("saved_by") or "—"),
            html.Td(saved_at_text(manifest.get("saved_at")), className="text-nowrap"),
            html.Td(actions),
        ],
        className="library-row",
        **{"data-id": dataset_id},
    )


def folder_row(folder: str) -> html.Tr:
    """Return the list row of one ``DATA_DIR`` folder: read-only, Open only (it is parsed when opened)."""
    return html.Tr(
        [
            html.Td(
                [
                    html.Span(folder, className="fw-semibold library-name-cell"),
                    dbc.Badge("server folder · read-only", color="secondary", className="ms-2"),
                ]
            ),
            html.Td("—"),
            html.Td("—", className="text-end"),
            html.Td("—"),
            html.Td("—"),
            html.Td(
                html.Div(
                    _button("Open", ids.LIBRARY_OPEN_FOLDER, folder, "primary", f"Open {folder} (DATA_DIR)"),
                    className="d-flex justify-content-end",
                )
            ),
        ],
        className="library-row library-row-readonly",
        **{"data-folder": folder},
    )


def saved_list(saved: Iterable[Mapping], folders: Iterable[str], current: str | None) -> html.Div | dbc.Table:
    """Return the list of saved datasets (newest first), then the ``DATA_DIR`` folders."""
    rows = [saved_row(manifest, manifest["id"] == current) for manifest in saved]
    rows += [folder_row(folder) for folder in folders]
    if not rows:
        return html.P(
            "No saved datasets yet: load data, give it a name above and press “Save as…”. "
            "Saved datasets are kept on the server for everyone, and their links open the same data.",
            className="small text-body-secondary mb-0",
        )
    header = html.Thead(
        html.Tr(
            [
                html.Th("Name"),
                html.Th("Period"),
                html.Th("Rows", className="text-end"),
                html.Th("Saved by"),
                html.Th("Saved at"),
                html.Th(html.Span("Actions", className="visually-hidden")),
            ]
        )
    )
    return dbc.Table(
        [header, html.Tbody(rows)],
        size="sm",
        hover=True,
        responsive=True,
        className="library-table align-middle mb-0 small",
    )


def dialog() -> dbc.Modal:
    """Return the confirmation dialog shared by replace, rename and delete (callbacks/library.py fills it)."""
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(id=ids.LIBRARY_DIALOG_TITLE)),
            dbc.ModalBody(
                [
                    html.P(id=ids.LIBRARY_DIALOG_BODY, className="mb-2"),
                    dbc.Label("New name", html_for=ids.LIBRARY_DIALOG_INPUT, class_name="visually-hidden"),
                    dbc.Input(
                        id=ids.LIBRARY_DIALOG_INPUT, type="text", maxLength=80, style={"display": "none"}
                    ),
                    html.Div(id=ids.LIBRARY_DIALOG_ERROR, className="text-danger small mt-2"),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id=ids.LIBRARY_DIALOG_CANCEL, color="secondary", outline=True),
                    dbc.Button("Confirm", id=ids.LIBRARY_DIALOG_CONFIRM, color="primary"),
                ]
            ),
        ],
        id=ids.LIBRARY_DIALOG,
        is_open=False,
        centered=True,
    )


def layout() -> dbc.Card:
    """Return the "Saved datasets" panel; callbacks/library.py fills the list and runs its actions."""
    save = dbc.InputGroup(
        [
            dbc.Input(
                id=ids.LIBRARY_NAME,
                type="text",
                maxLength=80,
                placeholder="Name for the data in use, e.g. Week 42",
            ),
            dbc.Button("Save as…", id=ids.LIBRARY_SAVE, color="primary"),
        ],
        size="sm",
        className="library-save-group",
        style={"maxWidth": "36rem"},
    )
    return panel(
        "Saved datasets",
        [
            html.P(
                "Saved datasets stay on the server for the whole team, and a link to a view of one "
                "(“Copy link” in the top bar) opens the same data, filters, model and tab in any browser. "
                "Uploads that are not saved stay private to this browser tab.",
                className="small mb-2",
            ),
            dbc.Label(
                "Name to save the data in use under", html_for=ids.LIBRARY_NAME, class_name="visually-hidden"
            ),
            html.Div(save, className="mb-2"),
            dcc.Loading(
                html.Div(id=ids.LIBRARY_MESSAGE, className="library-message", **{"aria-live": "polite"}),
                delay_show=200,
                type="circle",
            ),
            html.Div(id=ids.LIBRARY_LIST, className="library-list"),
            dcc.Store(id=ids.LIBRARY_VERSION, storage_type="memory", data=0),
            dcc.Store(id=ids.LIBRARY_PENDING, storage_type="memory"),
            dialog(),
        ],
    )
