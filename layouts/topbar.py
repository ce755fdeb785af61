"""The top bar: product name, the dataset in use, the attribution model in use and the report buttons."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids, theme

PRODUCT_NAME = "Influencer Campaign Dashboard"


def report_button(button_id: str, label: str) -> html.Span:
    """Return a report button, disabled until a dataset is loaded (callbacks/reports.py enables it)."""
    wrapper_id = f"{button_id}-wrapper"
    return html.Span(
        [
            dbc.Button(label, id=button_id, color="light", outline=True, size="sm", disabled=True),
            # A disabled button receives no pointer events, so the tooltip targets its wrapper; the wrapper
            # takes no focus itself, so the button is one Tab stop (none while disabled).
            dbc.Tooltip(
                f"Download the {label} report of this view (filters and model as shown)", target=wrapper_id
            ),
        ],
        id=wrapper_id,
        className="d-inline-block",
    )


def layout() -> dbc.Navbar:
    """Build the top bar: brand left, the dataset in the middle (truncated when narrow), model and reports right."""
    brand = html.Div(
        [
            # Below the lg breakpoint the sidebar is an offcanvas panel this button opens
            # (assets/filters-offcanvas.js keeps aria-expanded in step).
            html.Button(
                "Filters",
                id=ids.SIDEBAR_TOGGLE,
                type="button",
                className="btn btn-outline-light btn-sm d-lg-none me-2",
                title="Show the filters",
                **{
                    "aria-controls": ids.SIDEBAR_OFFCANVAS,
                    "aria-expanded": "false",
                    "aria-haspopup": "dialog",
                },
            ),
            html.Img(src="/assets/favicon.ico", alt="", className="brand-icon me-2"),
            html.Span(PRODUCT_NAME, className="navbar-brand mb-0 h1"),
        ],
        className="d-flex align-items-center flex-shrink-0 topbar-brand",
    )
    dataset = html.Div(
        [
            html.Div(id=ids.TOPBAR_DATASET, className="topbar-dataset"),
            # Filled and shown by callbacks/topbar.py when the data-quality report has rows.
            dbc.Button(
                id=ids.QUALITY_BADGE, color="warning", size="sm", className="quality-badge py-0 d-none"
            ),
        ],
        className="d-flex align-items-center gap-2 topbar-middle",
    )
    actions = html.Div(
        [
            html.Div(id=ids.TOPBAR_MODEL, className="topbar-model"),
            # Filled by callbacks/topbar.py with the signed-in user (docs/security.md).
            html.Span(id=ids.TOPBAR_USER, className="topbar-user text-light small d-none"),
            theme.switch(),
            html.Div(
                [
                    # Copies the address bar, which mirrors the view (callbacks/library.py).
                    dcc.Clipboard(
                        id=ids.COPY_LINK,
                        children="Copy link",
                        copied_children="Link copied",
                        title="Copy a link to this view: saved dataset, filters, model and tab",
                        className="btn btn-outline-light btn-sm copy-link",
                    ),
                    report_button(ids.EXPORT_REPORT_PDF, "PDF"),
                    report_button(ids.EXPORT_REPORT_XLSX, "Excel"),
                ],
                className="d-flex gap-2",
            ),
        ],
        # On a phone the brand and these wrap (assets/dashboard.css) rather than widen the page.
        className="d-flex align-items-center gap-3 flex-shrink-0 topbar-actions",
    )
    return dbc.Navbar(
        dbc.Container([brand, dataset, actions], fluid=True, className="gap-3 flex-wrap flex-lg-nowrap"),
        color="dark",
        dark=True,
        className="topbar py-2",
    )
