"""The KPI card row shared by all tabs: value, change vs the previous period, formula tooltip.

Each value element carries the id of DESIGN's stable KPI ids (``kpi-revenue``...), the text shown to the
user, and the exact unrounded number in ``data-value`` (empty when undefined). The five money cards are
filled together; the iROAS card has its own slot, filled when the incrementality estimate (the slow part,
with its bootstrap interval) arrives, so it never holds back the first paint.
"""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import html

from layouts import ids
from metrics import formats, glossary

# Card id -> kpis.csv column, in the order shown (the iROAS card comes last, in its own slot).
CARDS = {
    ids.KPI_REVENUE: "revenue",
    ids.KPI_ORDERS: "orders",
    ids.KPI_SPEND: "spend",
    ids.KPI_ROAS: "roas",
    ids.KPI_ROI: "roi",
}
# A rise in spend is neither good nor bad; for the others up is good.
NEUTRAL_CHANGE = {"spend"}
PENDING = "…"
COLUMN_SIZES = {"xs": 6, "md": 4, "xl": 2}


def _card(card_id: str, column: str, text: str, value: str, footer: list) -> dbc.Card:
    tooltip_target = f"{card_id}-card"
    return dbc.Card(
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
    )


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
        Formatted change vs the previous period (``▲ +12.5%``), "—" when undefined, None to omit.
    previous_label : str
        What the change compares with ("vs 1–31 May").
    """
    footer = []
    if change is not None:
        direction = "flat"
        if change.startswith(formats.UP):
            direction = "up"
        elif change.startswith(formats.DOWN):
            direction = "down"
        tone = "neutral" if column in NEUTRAL_CHANGE else direction
        footer = [
            html.Span(change, className=f"kpi-change kpi-change-{tone}"),
            html.Span(f" {previous_label}", className="text-body-secondary text-nowrap"),
        ]
    return dbc.Col(_card(card_id, column, text, value, footer), **COLUMN_SIZES, className="mb-3")


NO_PREVIOUS = "No change shown: the data has no earlier period to compare with."


def cards(values: Mapping[str, tuple[str, str, str | None]], previous_label: str | None) -> list[dbc.Col]:
    """
    Return the five money cards from ``{card id: (text, data-value, change)}``.

    ``previous_label`` names the period compared ("vs 1–31 May"); None when the data has no earlier period,
    which one line above the cards says (rather than a dash on every card).
    """
    row = [card(card_id, column, *values[card_id], previous_label or "") for card_id, column in CARDS.items()]
    if previous_label is None:
        row.insert(0, dbc.Col(NO_PREVIOUS, width=12, className="kpi-no-previous small text-body-secondary"))
    return row


def iroas_card(text: str, value: str, note: str) -> dbc.Card:
    """Return the iROAS card: the value, its exact number, and the interval or why there is none."""
    return _card(ids.KPI_IROAS, "iroas", text, value, [html.Span(note, className="text-body-secondary")])


def notice(panel) -> list[dbc.Col]:
    """Return a full-width message in place of the cards (no data, expired data)."""
    return [dbc.Col(panel, width=12)]


def placeholder() -> list[dbc.Col]:
    """Return the cards before the first numbers arrive (an ellipsis, no number)."""
    return cards({card_id: (PENDING, "", None) for card_id in CARDS}, "")


def layout() -> html.Section:
    """Build the KPI row; callbacks/kpis.py fills the five cards and the iROAS slot."""
    return html.Section(
        dbc.Row(
            [
                # display: contents lets the cards sit in the row's grid as if they were its children.
                html.Div(placeholder(), id=ids.KPI_MAIN, className="d-contents"),
                dbc.Col(iroas_card(PENDING, "", ""), id=ids.KPI_IROAS_SLOT, **COLUMN_SIZES, className="mb-3"),
            ],
            className="kpi-cards g-3",
        ),
        id=ids.KPI_ROW,
        className="kpi-row",
        **{"aria-label": "Key figures"},
    )
