"""The page: stores, URL, top bar, sidebar, KPI row, tab bar and the active tab's body.

``layout()`` is called on every page load (Dash calls the function), so each visitor starts fresh;
``validation_layout()`` adds every tab's body so Dash knows every id up front.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids, kpis, sidebar, tabs, topbar
from layouts.common import export_button


def layout() -> html.Div:
    """Build the page; the tab body is rendered by callbacks/tabs.py."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SESSION_STORE, storage_type="session"),
            dcc.Store(id=ids.DATASET_STORE, storage_type="memory"),
            dcc.Store(id=ids.URL_QUERY, storage_type="memory"),
            dcc.Store(id=ids.HISTORY_POP, storage_type="memory"),
            dcc.Store(id=ids.SCORE_WEIGHTS_STORE, storage_type="session"),
            dcc.Download(id=ids.DOWNLOAD),
            error_toast(),
            topbar.layout(),
            dbc.Container(
                dbc.Row(
                    [
                        dbc.Col(sidebar.layout(), xs=12, className="sidebar-col"),
                        dbc.Col(
                            html.Main(
                                [
                                    kpis.layout(),
                                    html.Div(
                                        [tabs.tab_bar(), export_button("kpis")],
                                        className="d-flex justify-content-between align-items-start gap-2 tab-row",
                                    ),
                                    html.Div(id=ids.TAB_CONTENT, className="tab-body"),
                                ],
                                className="main py-3",
                            ),
                            xs=12,
                            className="main-col",
                        ),
                    ],
                    className="g-0 g-lg-4",
                ),
                fluid=True,
                className="page",
            ),
        ],
        className="app",
    )


def error_toast() -> dbc.Toast:
    """Return the toast that says what failed when a callback raised (filled by callbacks/common.py)."""
    return dbc.Toast(
        id=ids.ERROR_TOAST,
        header="Something went wrong",
        icon="danger",
        is_open=False,
        dismissable=True,
        className="error-toast",
        # Above the page and its dropdowns, in view wherever the page is scrolled.
        style={"position": "fixed", "top": "4.5rem", "right": "1rem", "zIndex": 1090, "maxWidth": "26rem"},
    )


def validation_layout() -> html.Div:
    """Return the page plus every tab's body, so Dash validates callbacks against all ids."""
    return html.Div([layout(), *[tab.layout() for tab in tabs.TABS]])
