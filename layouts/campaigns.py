"""The Campaigns tab: the campaign table, revenue and spend over time per campaign, and a comparison.

Components only; callbacks/campaigns.py fills the bodies from the session's filters and model.
"""

from __future__ import annotations

from collections.abc import Iterable

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.common import HIDDEN, chart, export_button, grid, panel
from metrics import glossary
from metrics.tables import CAMPAIGN_COLUMNS

CAMPAIGN_GRID_COLUMNS = [
    *CAMPAIGN_COLUMNS,
    "incremental_revenue",
    "iroas",
    "iroas_low",
    "iroas_high",
]
COMPARE_HELP = "Pick two or more campaigns to see their KPIs side by side and their running totals overlaid."
# A missing iROAS is either not measurable (too few eligible exposures) or undefined (no spend): say which.
# Rows arrive first without the incrementality columns (shown "…"), then with them.
PENDING = "!params.data || !('iroas' in params.data) ? '…' : "
INSUFFICIENT = "params.data.insufficient_data ? 'insufficient data' : "
IROAS_FORMATTERS = {
    "incremental_revenue": PENDING + INSUFFICIENT + "inr(params.value)",
    "iroas": PENDING + INSUFFICIENT + "ratio(params.value)",
    "iroas_low": PENDING + "ratio(params.value)",
    "iroas_high": PENDING + "ratio(params.value)",
}


def returns_grid(grid_id: str, column_names: Iterable[str], rows: list[dict]) -> dag.AgGrid:
    """
    Return a grid whose iROAS cells say "insufficient data" where the estimate has too few exposures.

    Rows carry the ``insufficient_data`` flag of ``metrics.incrementality`` (not shown as a column).
    """
    table = grid(grid_id, column_names, rows)
    for definition in table.columnDefs:
        if definition["field"] == "campaign":
            # The grid may size its columns before its rows arrive: leave room for campaign names.
            definition["minWidth"] = 200
        formatter = IROAS_FORMATTERS.get(definition["field"])
        if formatter is not None:
            definition["valueFormatter"] = {"function": formatter}
    return table


def layout() -> html.Div:
    """Build the Campaigns tab; callbacks/campaigns.py fills it."""
    compare = html.Div(
        [
            dbc.Label(
                "Campaigns to compare", html_for=ids.CAMPAIGN_COMPARE, className="small fw-semibold mb-1"
            ),
            dcc.Dropdown(
                id=ids.CAMPAIGN_COMPARE,
                options=[],
                multi=True,
                placeholder="Pick two or more campaigns",
                className="mb-3 compare-dropdown",
            ),
            html.Div(id=ids.CAMPAIGN_COMPARE_TABLE),
            chart(ids.CAMPAIGN_COMPARE_GRAPH, ids.CAMPAIGN_COMPARE_BODY),
        ]
    )
    return html.Div(
        [
            panel(
                "Campaigns",
                [
                    dcc.Loading(html.Div(id=ids.CAMPAIGN_BODY), delay_show=300, type="dot"),
                    # The grid stays in the tab so its rows can be filled twice: first paint, then iROAS.
                    html.Div(
                        returns_grid(ids.CAMPAIGN_TABLE, CAMPAIGN_GRID_COLUMNS, []),
                        id=ids.CAMPAIGN_TABLE_WRAP,
                        style=HIDDEN,
                    ),
                ],
                actions=export_button("campaigns"),
            ),
            panel(
                "Revenue and spend per campaign over time",
                chart(ids.CAMPAIGN_TREND_GRAPH, ids.CAMPAIGN_TREND_BODY),
                actions=export_button("trends"),
            ),
            panel("Compare campaigns", compare, caption=COMPARE_HELP),
        ]
    )


def kpi_name(column: str) -> html.Th:
    """Return a row header naming a metric, its formula as the tooltip."""
    formula = glossary.formula(column)
    return html.Th(
        glossary.label(column),
        scope="row",
        title=formula or None,
        className="metric-name" + (" has-formula" if formula else ""),
    )


def compared_table(metrics: Iterable[str], cells: list[list[str]], campaigns: list[str]) -> html.Div:
    """Return the picked campaigns' KPIs side by side: one row per metric, one column per campaign."""
    header = html.Thead(
        html.Tr(
            [html.Th("Metric", scope="col")]
            + [html.Th(c, scope="col", className="text-end") for c in campaigns]
        )
    )
    body = html.Tbody(
        [
            html.Tr([kpi_name(metric)] + [html.Td(cell, className="text-end") for cell in row])
            for metric, row in zip(metrics, cells, strict=True)
        ]
    )
    return html.Div(
        html.Table([header, body], className="table table-sm table-hover compare-table mb-3"),
        className="table-responsive",
    )
