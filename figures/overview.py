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

from figures.palette import REVENUE, SPEND, date_ticks
from figures.template import HEIGHT, TEMPLATE
from figures.text import plain_all
from metrics import formats
from metrics.periods import period_sums

TOP_N = 10


def rupee_ticks(maximum: float, count: int = 5) -> tuple[list[float], list[str]]:
    """
    Return tick values from 0 to at least ``maximum`` at a round step, labelled in short rupees.

    Examples
    --------
    >>> rupee_ticks(230_000)
    ([0.0, 50000.0, 100000.0, 150000.0, 200000.0, 250000.0], ['₹0', '₹50,000', '₹1.0L', '₹1.5L', '₹2.0L', '₹2.5L'])
    """
    if not math.isfinite(maximum) or maximum <= 0:
        return [0.0], [formats.inr_short(0)]
    raw_step = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    values = [float(step * i) for i in range(math.ceil(maximum / step) + 1)]
    return values, [formats.inr_short(v) for v in values]


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
    data = [
        {
            "type": "bar",
            "x": periods,
            "y": sums["spend"].to_numpy(),
            "name": "Spend",
            "marker": {"color": SPEND},
            "customdata": [formats.inr(v) for v in sums["spend"]],
            "hovertemplate": f"{label}<br>Spend %{{customdata}}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": periods,
            "y": sums["revenue"].to_numpy(),
            "name": "Revenue",
            "mode": "lines+markers" if len(sums) <= 40 else "lines",
            "line": {"color": REVENUE, "width": 2.5},
            "customdata": [formats.inr(v) for v in sums["revenue"]],
            "hovertemplate": f"{label}<br>Revenue %{{customdata}}<extra></extra>",
        },
    ]
    top = float(np.nanmax([sums["revenue"].max(), sums["spend"].max(), 0.0])) if len(sums) else 0.0
    values, text = rupee_ticks(top)
    layout["yaxis"] = {
        "tickvals": values,
        "ticktext": text,
        "range": [0, values[-1] * 1.02 if values[-1] else 1],
    }
    layout["xaxis"] = date_ticks(sums["period"], unit)
    return go.Figure(data=data, layout=layout)


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
    }
    layout["legend"] = {"traceorder": "reversed"}
    return go.Figure(data=data, layout=layout)
