"""The filter sidebar: date range, the list filters, the attribution model and "Reset filters".

Options and values are filled by callbacks/sidebar.py from the current dataset and the URL; the layout
holds none, so every page load starts from the URL (docs/user-guide.md, "Sharing a view").
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from metrics.filters import MODEL_LABELS, MODELS

# Filters field -> (component id, label), in the order they are shown.
LIST_FILTERS = {
    "campaigns": (ids.FILTER_CAMPAIGN, "Campaign"),
    "products": (ids.FILTER_PRODUCT, "Product"),
    "platforms": (ids.FILTER_PLATFORM, "Platform"),
    "categories": (ids.FILTER_CATEGORY, "Category"),
    "genders": (ids.FILTER_GENDER, "Gender"),
    "tiers": (ids.FILTER_TIER, "Follower tier"),
    "sources": (ids.FILTER_SOURCE, "Source"),
}
MODEL_HELP = (
    "How an order's revenue is shared between the influencer touches of the buyer's journey "
    "(touches in the 30 days before the order). Every KPI and table uses it."
)


def _field(label: str, control, control_id: str, help_text: str | None = None) -> html.Div:
    children = [dbc.Label(label, html_for=control_id, className="form-label small fw-semibold mb-1"), control]
    if help_text:
        children.append(dbc.FormText(help_text, className="small"))
    return html.Div(children, className="mb-3")


def layout() -> html.Aside:
    """Build the sidebar: inline from the lg breakpoint, an offcanvas panel opened by the top bar's "Filters" below.

    One set of controls for both (their ids are Dash ids); assets/filters-offcanvas.js opens and closes the panel.
    """
    dropdowns = [
        _field(
            label,
            dcc.Dropdown(
                id=control_id, options=[], multi=True, placeholder="All", className="filter-dropdown"
            ),
            control_id,
        )
        for control_id, label in LIST_FILTERS.values()
    ]
    body = html.Div(
        [
            html.Div(
                [
                    html.H2("Filters", className="h6 mb-0 me-auto"),
                    dbc.Button(
                        "Reset filters", id=ids.RESET_FILTERS, color="link", size="sm", className="p-0"
                    ),
                    html.Button(
                        id=ids.SIDEBAR_CLOSE,
                        type="button",
                        className="btn-close d-lg-none",
                        title="Close the filters",
                        **{"aria-label": "Close the filters"},
                    ),
                ],
                className="d-flex align-items-center gap-3 mb-3",
            ),
            _field(
                "Date range",
                dcc.DatePickerRange(
                    id=ids.FILTER_DATES,
                    display_format="D MMM YYYY",
                    first_day_of_week=1,
                    minimum_nights=0,
                    # No clear button: the full range (the data's own bounds) is "no date filter" already.
                    clearable=False,
                    updatemode="bothdates",
                    start_date_placeholder_text="First day",
                    end_date_placeholder_text="Last day",
                    className="filter-dates",
                ),
                ids.FILTER_DATES,
                "Conversions by order date; spend by post or order date.",
            ),
            *dropdowns,
            html.Hr(),
            _field(
                "Attribution model",
                dcc.Dropdown(
                    id=ids.FILTER_MODEL,
                    options=[{"label": MODEL_LABELS[m], "value": m} for m in MODELS],
                    value=MODELS[0],
                    clearable=False,
                    searchable=False,
                ),
                ids.FILTER_MODEL,
                MODEL_HELP,
            ),
        ],
        className="sidebar-body",
    )
    # Bootstrap's offcanvas-lg: a plain block from 992 px, a hidden fixed panel below it until given "show".
    return html.Aside(
        body,
        id=ids.SIDEBAR_OFFCANVAS,
        className="sidebar offcanvas-lg offcanvas-start",
        tabIndex="-1",
        **{"aria-label": "Filters"},
    )
