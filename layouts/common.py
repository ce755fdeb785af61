"""Building blocks shared by the tabs: panels, grids, export buttons and empty states.

Components only — no data and no I/O. Every table sits in a :func:`panel` with its :func:`export_button`
and a :func:`model_caption` saying which attribution model produced it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import current_app, has_app_context

from layouts import columns, ids
from metrics.filters import MODEL_LABELS

# A graph or grid with nothing to show stays mounted (it keeps its zoom, sort, column filter and page for
# when there is something again) but takes no room; its panel's message slot says why.
HIDDEN = {"visibility": "hidden", "height": 0, "overflow": "hidden"}
CAPTION_CLASS = "panel-caption small text-body-secondary"
# A responsive dcc.Graph sets its own height (100%), so a graph is hidden by not displaying it.
GRAPH_HIDDEN = {"display": "none"}
SHOWN: dict = {}

# Only "download as PNG" and "reset axes": a full modebar hides the legend of a half-width chart.
# An internal tool offers no way to send a chart elsewhere: no plotly logo link, no "Share chart" upload to
# Plotly Cloud, no "Edit in Chart Studio". Every graph takes this config.
GRAPH_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "responsive": True,
    "displayModeBar": "hover",
    "modeBarButtonsToRemove": [
        "zoom2d",
        "pan2d",
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
    ],
}


def setting(name: str, default: Any) -> Any:
    """Return a server setting (``create_app`` config) when called inside the app, else ``default``."""
    if has_app_context():
        return current_app.config.get(name, default)
    return default


def export_button(file: str, label: str | None = None) -> dbc.Button:
    """Return the download button of export file ``file`` (id ``export-<file>``)."""
    return dbc.Button(
        [html.Span("⤓ ", **{"aria-hidden": "true"}), label or f"{file}.csv"],
        id=ids.EXPORT[file],
        color="secondary",
        outline=True,
        size="sm",
        className="export-button",
        title=f"Download {file}.csv for the current filters and model (the file `python -m metrics export` writes)",
    )


def panel(
    title: str, body: Any, *, actions: Any = None, caption: Any = None, body_id: str | None = None
) -> dbc.Card:
    """Return a card with a title row (title left, ``actions`` right), an optional caption, and ``body``."""
    header = html.Div(
        [html.H2(title, className="h6 mb-0 panel-title"), html.Div(actions, className="panel-actions")],
        className="d-flex align-items-center justify-content-between gap-2 flex-wrap",
    )
    parts = [header]
    if caption is not None:
        parts.append(html.Div(caption, className="panel-caption text-body-secondary small"))
    parts.append(html.Div(body, id=body_id) if body_id else html.Div(body))
    return dbc.Card(dbc.CardBody(parts), className="panel mb-3 shadow-sm")


def chart(graph_id: str, note_id: str) -> dcc.Loading:
    """
    Return a graph, hidden until it has a figure, above the slot for its caption or empty-state note.

    The graph stays in the page across filter changes, so it keeps the user's zoom (the figures set
    ``uirevision``); callbacks set its figure, its style (height, or :data:`GRAPH_HIDDEN`) and the slot's text.
    """
    graph = dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style=GRAPH_HIDDEN)
    return dcc.Loading(
        html.Div([graph, html.Div(id=note_id)], className="chart-body"), delay_show=300, type="dot"
    )


def hidden_chart(body_id: str, empty_id: str, wrap_id: str, graph_id: str, caption: Any) -> dcc.Loading:
    """
    Return a panel body: a slot for its empty-state note, then a graph and its ``caption``, hidden
    (:data:`HIDDEN`) until the callback shows them; the callback fills the note, the wrapper's style and
    the graph's figure and style.
    """
    shown = html.Div([dcc.Graph(id=graph_id, config=GRAPH_CONFIG), caption], id=wrap_id, style=HIDDEN)
    return dcc.Loading(html.Div([html.Div(id=empty_id), shown], id=body_id), delay_show=300, type="dot")


def grid(grid_id: str, column_names: Iterable[str] = (), rows: list[dict] | None = None) -> dag.AgGrid:
    """
    Return a sortable, filterable, paginated grid.

    Parameters
    ----------
    grid_id : str
        Component id.
    column_names : iterable of str
        The metrics frame's columns, in order (formats and tooltips follow from the names).
    rows : list of dict, optional
        Row data (``callbacks.common.records(frame)``); a callback may fill it later.
    """
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns.columns(column_names),
        rowData=rows or [],
        defaultColDef=columns.DEFAULT_COLUMN,
        dashGridOptions=columns.GRID_OPTIONS,
        eventListeners=columns.FIT_COLUMNS,
        className="grid",
    )


def model_caption(model: str) -> str:
    """Return the caption naming the attribution model a table used."""
    return f"Attribution model: {MODEL_LABELS.get(model, model)}"


def empty_state(
    message: str, *, hint: str | None = None, actions: tuple[str, ...] = (), where: str = "main"
) -> html.Div:
    """
    Return a friendly panel saying why there is nothing to show and what to do.

    Parameters
    ----------
    message : str
        What is missing, e.g. "No rows match these filters".
    hint : str, optional
        A second line.
    actions : tuple of str
        Buttons to offer: ``"reset"`` (reset filters), ``"data"`` (open the Data tab), ``"demo"`` (load
        the demo data).
    where : str
        Distinguishes the buttons of several empty states on one page (pattern-matching index).
    """
    buttons = []
    if "reset" in actions:
        buttons.append(
            dbc.Button(
                "Reset filters", id={"type": ids.RESET_LINK, "index": where}, color="primary", size="sm"
            )
        )
    if "data" in actions:
        buttons.append(
            dbc.Button(
                "Open the Data tab", id={"type": ids.GO_TO_DATA, "index": where}, color="primary", size="sm"
            )
        )
    if "demo" in actions:
        buttons.append(
            dbc.Button(
                "Load demo data",
                id={"type": ids.LOAD_DEMO_LINK, "index": where},
                color="secondary",
                outline=True,
                size="sm",
            )
        )
    children = [html.P(message, className="empty-state-message mb-1 fw-semibold")]
    if hint:
        children.append(html.P(hint, className="text-body-secondary small mb-2"))
    if buttons:
        children.append(html.Div(buttons, className="d-flex gap-2 justify-content-center flex-wrap"))
    return html.Div(children, className="empty-state text-center", role="status")
