"""Overview charts: revenue and spend over time, and the top campaigns and influencers.

Builders take metric tables (``metrics.tables``) and return small, aggregated figures: one point per
day or week, at most ``top`` bars. Amounts are labelled the way the cards show them (₹12.3L), since
plotly's own number formats know no lakh or crore.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.palette import NEUTRAL, REVENUE, SPEND, date_ticks
from figures.template import HEIGHT, TEMPLATE
from figures.text import plain_all
from metrics import formats
from metrics.periods import period_coverage, period_sums

TOP_N = 10
PARTIAL_OPACITY = 0.45
# Pixels between an x axis and its tick labels on charts whose y axis starts at 0 at the bottom left: the
# first x label ("01 Apr", "₹0") then sits below the y axis's "₹0", not across it.
ORIGIN_STANDOFF = 10
# A note above a plot (on partial periods): its font, the pixels of each of its lines, the pixels between
# it and the plot, and the pixels at the top of a chart where the mode bar shows on hover (24 px high).
NOTE_FONT = 11
NOTE_LINE = 15
NOTE_GAP = 4
MODE_BAR_ROOM = 30


def partial_note_text(heading: str, parts: list[str]) -> str:
    """
    Return a note on partial periods on lines narrow enough for a 390 px phone: the heading, then one
    period a line in brackets.

    Examples
    --------
    >>> partial_note_text("Dotted: partial week", ["week of 31 Mar: 6 of 7 days", "week of 29 Sep: 2 of 7 days"])
    'Dotted: partial week<br>(week of 31 Mar: 6 of 7 days,<br>week of 29 Sep: 2 of 7 days)'
    """
    return f"{heading}<br>({',<br>'.join(parts)})"


def note_top_margin(note: str) -> int:
    """Return the top margin (px) that holds ``note`` (:func:`note_annotation`) below the mode bar's row."""
    return MODE_BAR_ROOM + NOTE_LINE * (note.count("<br>") + 1) + NOTE_GAP


def note_annotation(note: str) -> dict:
    """
    Return a note written above the plot, at its left: a chart's top margin (:func:`note_top_margin`)
    holds it below the row where the mode bar shows on hover, at the right.

    Every figure is drawn for any width, so the note is on short lines (whole on a phone), not placed by
    the legend (at the foot) or across the top right (under the mode bar).
    """
    return {
        "text": note,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 1,
        "xanchor": "left",
        "yanchor": "bottom",
        "align": "left",
        "yshift": NOTE_GAP,
        "showarrow": False,
        "font": {"size": NOTE_FONT, "color": NEUTRAL},
    }


def rupee_ticks(maximum: float, count: int = 5) -> tuple[list[float], list[str]]:
    """
    Return tick values from 0 to at least ``maximum`` at a round step, labelled in short rupees.

    Every label of one axis uses the unit of its largest tick (all in Cr, all in L, or all in plain
    rupees), so "₹50,000" never sits next to "₹1.0L".

    Examples
    --------
    >>> rupee_ticks(230_000)
    ([0.0, 50000.0, 100000.0, 150000.0, 200000.0, 250000.0], ['₹0', '₹0.5L', '₹1.0L', '₹1.5L', '₹2.0L', '₹2.5L'])
    """
    if not math.isfinite(maximum) or maximum <= 0:
        return [0.0], [formats.inr_short(0)]
    raw_step = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    values = [float(step * i) for i in range(math.ceil(maximum / step) + 1)]
    return values, one_unit_labels(values)


def one_unit_labels(values: list[float]) -> list[str]:
    """Label evenly spaced rupee ticks in the unit of the largest one, with as many decimals as the step needs."""
    top = max(abs(v) for v in values)
    if top >= formats.CRORE:
        divisor, suffix = formats.CRORE, "Cr"
    elif top >= formats.LAKH:
        divisor, suffix = formats.LAKH, "L"
    else:
        return [formats.inr_short(v) for v in values]
    step = abs(values[1] - values[0]) / divisor if len(values) > 1 else 1.0
    decimals = next((d for d in (1, 2, 3) if abs(round(step, d) - step) < 1e-9), 3)
    return [
        formats.inr_short(0)
        if v == 0
        else f"{'-' if v < 0 else ''}{formats.RUPEE}{abs(v) / divisor:,.{decimals}f}{suffix}"
        for v in values
    ]


def revenue_spend_over_time(trends: pd.DataFrame, title: str | None = None) -> go.Figure:
    """
    Draw revenue (line) and spend (bars) per day or week.

    Parameters
    ----------
    trends : DataFrame
        ``metrics.tables.trends`` output; an empty one gives an empty figure (callers show an empty state).
    title : str, optional
        Chart title; the dashboard titles the panel instead.
    """
    sums, unit = period_sums(trends)
    label = "Week of %{x|%d %b %Y}" if unit == "week" else "%{x|%d %b %Y}"
    dates = pd.to_datetime(trends["date"]) if len(trends) else pd.Series(dtype="datetime64[ns]")
    # A week cut by the start or end of the data (or of the date filter) would read as a collapse:
    # its bar is lighter, its line dotted, and the hover and a note say how many days it holds.
    if len(sums):
        coverage = period_coverage(sums["period"], unit, dates.min(), dates.max())
        partial = (coverage["days"] < coverage["length"]).to_numpy()
        notes = [
            f"<br>partial {unit}: {d} of {n} days" if p else ""
            for d, n, p in zip(coverage["days"], coverage["length"], partial, strict=True)
        ]
    else:
        partial, notes = np.zeros(0, dtype=bool), []
    # One Figure built from plain dicts: adding traces and updating axes one call at a time re-validates
    # the figure each time, which a filter change pays for every chart.
    layout = {
        "template": TEMPLATE,
        "title": {"text": title or "", "x": 0},
        "height": HEIGHT,
        "bargap": 0.25,
        "hovermode": "x unified",
    }
    periods = sums["period"].to_numpy()
    revenue = sums["revenue"].to_numpy(dtype=float)
    full_revenue = np.where(partial, np.nan, revenue)
    data = [
        {
            "type": "bar",
            "x": periods,
            "y": sums["spend"].to_numpy(),
            "name": "Spend",
            "marker": {"color": SPEND, "opacity": np.where(partial, PARTIAL_OPACITY, 1.0)},
            "customdata": [[formats.inr(v), note] for v, note in zip(sums["spend"], notes, strict=True)],
            "hovertemplate": f"{label}<br>Spend %{{customdata[0]}}%{{customdata[1]}}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": periods,
            "y": full_revenue,
            "name": "Revenue",
            "mode": "lines+markers" if len(sums) <= 40 else "lines",
            "line": {"color": REVENUE, "width": 2.5},
            "customdata": [formats.inr(v) for v in sums["revenue"]],
            "hovertemplate": f"{label}<br>Revenue %{{customdata}}<extra></extra>",
        },
    ]
    if partial.any():
        data.append(partial_revenue(periods, revenue, partial, [formats.inr(v) for v in revenue], label))
        days, length = coverage["days"][partial], coverage["length"][partial]
        parts = [
            f"{unit} of {pd.Timestamp(p):%d %b}: {d} of {n} days"
            for p, d, n in zip(periods[partial], days, length, strict=True)
        ]
        note = partial_note_text(f"Lighter bar, dotted line: partial {unit}", parts)
        layout["margin"] = {"t": note_top_margin(note)}
        layout["annotations"] = [note_annotation(note)]
    top = float(np.nanmax([sums["revenue"].max(), sums["spend"].max(), 0.0])) if len(sums) else 0.0
    values, text = rupee_ticks(top)
    layout["yaxis"] = {
        "tickvals": values,
        "ticktext": text,
        "range": [0, values[-1] * 1.02 if values[-1] else 1],
        "title": {"text": "Revenue and spend (₹)"},
    }
    layout["xaxis"] = date_ticks(sums["period"], unit) | {
        "title": {"text": "Week starting (Monday)" if unit == "week" else "Day"}
    }
    return go.Figure(data=data, layout=layout)


def partial_revenue(
    periods: np.ndarray, revenue: np.ndarray, partial: np.ndarray, amounts: list[str], label: str
) -> dict:
    """Return a dotted revenue trace from each partial period's neighbour to it, hovering on the partial ones."""
    # Pairs must read neighbour then partial point, each pair separated by a gap.
    pairs_x: list = []
    pairs_y: list = []
    pairs_text: list = []
    for i in np.flatnonzero(partial):
        neighbour = i - 1 if i > 0 else i + 1
        if 0 <= neighbour < len(periods) and not partial[neighbour]:
            pairs_x += [periods[neighbour], periods[i], None]
            pairs_y += [revenue[neighbour], revenue[i], None]
            pairs_text += [None, amounts[i], None]
        else:
            pairs_x += [periods[i], None]
            pairs_y += [revenue[i], None]
            pairs_text += [amounts[i], None]
    return {
        "type": "scatter",
        "x": pairs_x,
        "y": pairs_y,
        "name": "Revenue (partial)",
        "showlegend": False,
        "mode": "lines+markers",
        "connectgaps": False,
        "line": {"color": REVENUE, "width": 2.5, "dash": "dot"},
        "marker": {"size": [0 if t is None else 7 for t in pairs_text]},
        "customdata": pairs_text,
        "hovertemplate": [
            "<extra></extra>" if t is None else f"{label}<br>Revenue %{{customdata}}<extra></extra>"
            for t in pairs_text
        ],
    }


def revenue_spend_bars(
    table: pd.DataFrame, label: str, *, title: str | None = None, top: int = TOP_N
) -> go.Figure:
    """
    Draw revenue and spend as grouped horizontal bars for the ``top`` rows by revenue.

    Parameters
    ----------
    table : DataFrame
        A metric table with ``label``, ``revenue`` and ``spend`` columns (e.g. the campaign table).
    label : str
        Column naming each bar.
    title : str, optional
        Chart title; the dashboard titles the panel instead.
    top : int, default 10
        Number of rows shown, largest revenue first.
    """
    shown = table.sort_values(["revenue", "spend"], ascending=False, kind="stable").head(top)
    shown = shown.iloc[::-1]  # plotly draws the first category at the bottom
    names = plain_all(shown[label].astype("string").fillna("(none)"))
    layout = {
        "template": TEMPLATE,
        "title": {"text": title or "", "x": 0},
        "height": max(260, 60 + 44 * len(shown)),
        "barmode": "group",
        "bargap": 0.3,
    }
    data = [
        {
            "type": "bar",
            "y": names,
            "x": shown[column].to_numpy(),
            "name": name,
            "orientation": "h",
            "marker": {"color": colour},
            "text": [formats.inr_short(v) for v in shown[column]],
            "textposition": "outside",
            "textfont": {"size": 11},
            "cliponaxis": False,
            "customdata": [formats.inr(v) for v in shown[column]],
            "hovertemplate": f"%{{y}}<br>{name} %{{customdata}}<extra></extra>",
        }
        for column, name, colour in (("spend", "Spend", SPEND), ("revenue", "Revenue", REVENUE))
    ]
    top_value = float(np.nanmax([shown["revenue"].max(), shown["spend"].max(), 0.0])) if len(shown) else 0.0
    values, text = rupee_ticks(top_value * 1.15, count=4)  # room for the labels outside the bars
    layout["xaxis"] = {
        "tickvals": values,
        "ticktext": text,
        "range": [0, values[-1] * 1.02 if values[-1] else 1],
        "title": {"text": "Revenue and spend (₹)"},
    }
    layout["legend"] = {"traceorder": "reversed"}
    return go.Figure(data=data, layout=layout)
