"""The KPI card row shared by all tabs: value, change vs the previous period, formula tooltip.

Each value element carries the id of DESIGN's stable KPI ids (``kpi-revenue``...), the text shown to the
user, and the exact unrounded number in ``data-value`` (empty when undefined).
"""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import html

from layouts import glossary, ids

# Card id -> kpis.csv column, in the order shown.
CARDS = {
    ids.KPI_REVENUE: "revenue",
    ids.KPI_ORDERS: "orders",
    ids.KPI_SPEND: "spend",
    ids.KPI_ROAS: "roas",
    ids.KPI_ROI: "roi",
    ids.KPI_IROAS: "iroas",
}
# A rise in spend is neither good nor bad; for the others up is good.
NEUTRAL_CHANGE = {"spend"}


def card(
    card_id: str, column: str, text: str, value: str, change: str | None, previous_label: str
) -> dbc.Col:
    """
    Return one KPI card.

    Parameters
    ----------
    card_id : str
        The value element's id (``kpi-revenue``...).
    column : str
        The kpis.csv column (for its label and formula).
    text : str
        The value as shown (``₹12.4L``), "—" when undefined.
    value : str
        The exact number for ``data-value`` (``repr`` of the float), "" when undefined.
    change : str or None
        Formatted change vs the previous period (``+12.5%``), "—" when undefined, None to omit.
    previous_label : str
        What the change compares with ("vs previous 30 days").
    """
    tooltip_target = f"{card_id}-card"
    footer = []
    if change is not None:
        direction = "flat"
        if change.startswith("+"):
            direction = "up"
        elif change.startswith("-"):
            direction = "down"
        tone = "neutral" if column in NEUTRAL_CHANGE else direction
        footer = [
            html.Span(change, className=f"kpi-change kpi-change-{tone}"),
            html.Span(f" {previous_label}", className="text-body-secondary"),
        ]
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(glossary.label(column), className="kpi-label"),
                    html.Div(text, id=card_id, className="kpi-value", **{"data-value": value}),
                    html.Div(footer, className="kpi-footer small"),
                    dbc.Tooltip(glossary.formula(column), target=tooltip_target, placement="bottom"),
                ]
            ),
            id=tooltip_target,
            className="kpi-card h-100 shadow-sm",
        ),
        xs=6,
        md=4,
        xl=2,
        className="mb-3",
    )


def cards(values: Mapping[str, tuple[str, str, str | None]], previous_label: str) -> dbc.Row:
    """Return the row of six cards from ``{card id: (text, data-value, change)}``."""
    return dbc.Row(
        [card(card_id, column, *values[card_id], previous_label) for card_id, column in CARDS.items()],
        className="kpi-cards g-3",
    )


def placeholder() -> dbc.Row:
    """Return the cards before the first numbers arrive (an ellipsis, no number)."""
    return cards({card_id: ("…", "", None) for card_id in CARDS}, "")


def layout() -> html.Section:
    """Build the KPI row; callbacks/kpis.py replaces its cards for every filter state."""
    return html.Section(placeholder(), id=ids.KPI_ROW, className="kpi-row", **{"aria-label": "Key figures"})
