"""The Data tab: four upload areas with per-file status and template, demo/clear, server datasets, quality report."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids, library
from layouts.common import export_button, grid, panel, setting
from metrics.dataset import FILES, QUALITY_COLUMNS, REQUIRED

DESCRIPTIONS = {
    "influencers": "Who the influencers are: one row per influencer.",
    "posts": "What they posted, with reach, likes and comments.",
    "tracking": "Clicks and orders: one row per touch, coded orders included.",
    "payouts": "What each influencer is paid, per post or per order.",
}


def upload_card(name: str, max_bytes: int, max_mb: float) -> dbc.Col:
    """Return the upload area, template link and status of one input file."""
    upload = dcc.Upload(
        html.Div(
            [
                html.Span("Drop ", className="fw-semibold"),
                html.Code(f"{name}.csv"),
                html.Span(" here or "),
                html.Span("choose a file", className="link-primary text-decoration-underline"),
            ]
        ),
        id=ids.UPLOAD[name],
        accept=".csv,.txt,.tsv,text/csv,text/plain",
        max_size=max_bytes,
        multiple=False,
        className="upload-area",
        className_active="upload-area upload-area-active",
        className_reject="upload-area upload-area-reject",
    )
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(
                        [
                            html.H3(f"{name}.csv", className="h6 mb-0"),
                            dbc.Button(
                                "Template",
                                id=ids.TEMPLATE[name],
                                color="link",
                                size="sm",
                                className="p-0",
                                title=f"Download an example {name}.csv with the expected columns",
                            ),
                        ],
                        className="d-flex justify-content-between align-items-baseline",
                    ),
                    html.P(DESCRIPTIONS[name], className="small text-body-secondary mb-1"),
                    html.P(
                        ["Required: ", html.Span(", ".join(REQUIRED[name]), className="font-monospace")],
                        className="small mb-2 required-columns",
                    ),
                    # The size is checked in the browser before reading the file (assets/upload-cards.js).
                    html.Div(className="flex-grow-1"),
                    html.Div(
                        upload,
                        className="upload-wrapper",
                        **{
                            "data-max-bytes": str(max_bytes),
                            "data-max-mb": f"{max_mb:g}",
                            "data-file": name,
                            "data-message-id": ids.UPLOAD_MESSAGE,
                            "data-progress-id": ids.UPLOAD_PROGRESS[name],
                            "data-progress-name-id": ids.UPLOAD_PROGRESS_NAME[name],
                        },
                    ),
                    # Shown only while this card's file is read, sent and parsed (assets/upload-cards.js
                    # shows it, callbacks/data.py hides it), so the card being read is the one saying so.
                    html.Div(
                        [
                            html.Span(
                                className="spinner-border spinner-border-sm me-2", **{"aria-hidden": "true"}
                            ),
                            "Reading ",
                            html.Span(id=ids.UPLOAD_PROGRESS_NAME[name], className="fw-semibold"),
                            "…",
                        ],
                        id=ids.UPLOAD_PROGRESS[name],
                        className="upload-progress small mt-2 text-primary",
                        role="status",
                        hidden=True,
                    ),
                    html.Div(
                        id=ids.STATUS[name],
                        className="upload-status small mt-2",
                        **{"aria-live": "polite"},
                    ),
                ],
                className="d-flex flex-column",
            ),
            className="h-100 shadow-sm",
        ),
        md=6,
        xxl=3,
        className="mb-3",
    )


def layout() -> html.Div:
    """Build the Data tab; callbacks/data.py handles uploads and fills statuses and the report."""
    max_mb = float(setting("MAX_UPLOAD_MB", 200.0))
    max_bytes = int(max_mb * 1024 * 1024)
    actions = html.Div(
        [
            dbc.Button("Load demo data", id=ids.LOAD_DEMO, color="primary", size="sm"),
            dbc.Button("Clear", id=ids.CLEAR_DATA, color="secondary", outline=True, size="sm"),
        ],
        className="d-flex gap-2",
    )
    server = html.Div(
        [
            dbc.Label(
                "Datasets on the server", html_for=ids.DATA_DIR_SELECT, className="small fw-semibold mb-1"
            ),
            dcc.Dropdown(
                id=ids.DATA_DIR_SELECT, options=[], placeholder="Choose a dataset to load", clearable=False
            ),
        ],
        id=ids.DATA_DIR_ROW,
        className="mb-3",
        style={"display": "none"},
    )
    intro = html.P(
        [
            f"Upload the four CSV files (up to {max_mb:g} MB each). Uploading one file replaces just that "
            "file; the others stay. Column names are matched loosely (e.g. ",
            html.Code("followers"),
            " for ",
            html.Code("follower_count"),
            "); rows with problems are listed in the report below, never silently dropped.",
        ],
        className="mb-3 small",
    )
    uploads = panel(
        "Your data",
        [
            intro,
            server,
            dcc.Loading(
                html.Div(id=ids.UPLOAD_MESSAGE, className="upload-message", **{"aria-live": "assertive"}),
                id=ids.UPLOAD_MESSAGE_LOADING,
                delay_show=200,
                type="circle",
            ),
            dbc.Row([upload_card(name, max_bytes, max_mb) for name in FILES], className="g-3"),
        ],
        actions=actions,
    )
    report = panel(
        "Data-quality report",
        [
            html.Div(id=ids.QUALITY_SUMMARY, className="small mb-2"),
            grid(ids.QUALITY_TABLE, QUALITY_COLUMNS),
        ],
        actions=export_button("data_quality"),
    )
    # Saved datasets first: on a team server, opening what a colleague saved is the common case.
    return html.Div([library.layout(), uploads, report])
