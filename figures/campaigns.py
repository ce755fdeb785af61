"""Campaign charts: revenue and spend over time per campaign, and picked campaigns overlaid.

Builders take ``metrics.tables.trends`` output (date, campaign, revenue, orders, spend) and return small,
aggregated figures: one point per campaign and day, or per week when the data spans more than 92 days, so
a figure's JSON stays small whatever the row count.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.overview import DAILY_LIMIT_DAYS, rupee_ticks
from figures.palette import REVENUE, SEQUENCE, SPEND, base_layout
from metrics import formats

# Credit on a touch without a campaign keeps an empty campaign in the trend; it is shown under this name.
NO_CAMPAIGN = "(no campaign)"
SMALL_MULTIPLES = 12
FACET_COLUMNS = 3


def campaign_names(trends: pd.DataFrame) -> pd.Series:
    """Return the trend's campaign column with a missing name shown as ``(no campaign)``."""
    return trends["campaign"].astype("string").fillna(NO_CAMPAIGN)


def campaign_period_sums(trends: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """
    Sum revenue, orders and spend per campaign and day, or per week (Monday) beyond 92 days.

    Parameters
    ----------
    trends : DataFrame
        ``metrics.tables.trends`` output.

    Returns
    -------
    tuple of (DataFrame, str)
        Columns campaign, period, revenue, orders, spend: every period between the trend's first and
        last for every campaign, zero-filled (a line drops to zero where a campaign earned nothing); and
        ``"day"`` or ``"week"``.

    Examples
    --------
    >>> trends = pd.DataFrame({"date": pd.to_datetime(["2025-04-01", "2025-04-03"]),
    ...                        "campaign": ["A", "B"], "revenue": [10.0, 5.0], "orders": [1.0, 1.0],
    ...                        "spend": [2.0, 0.0]})
    >>> sums, unit = campaign_period_sums(trends)
    >>> unit, len(sums), float(sums["revenue"].sum())
    ('day', 6, 15.0)
    """
    columns = ["campaign", "period", "revenue", "orders", "spend"]
    if trends.empty:
        return pd.DataFrame(columns=columns), "day"
    dates = pd.to_datetime(trends["date"])
    weekly = (dates.max() - dates.min()).days > DAILY_LIMIT_DAYS
    period = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D") if weekly else dates
    keyed = trends[["revenue", "orders", "spend"]].assign(campaign=campaign_names(trends), period=period)
    sums = keyed.groupby(["campaign", "period"])[["revenue", "orders", "spend"]].sum()
    periods = pd.date_range(period.min(), period.max(), freq="W-MON" if weekly else "D", name="period")
    full = pd.MultiIndex.from_product([sums.index.levels[0], periods], names=["campaign", "period"])
    sums = sums.reindex(full, fill_value=0.0).reset_index()
    return sums[columns], "week" if weekly else "day"


def _period_label(unit: str) -> str:
    return "Week of %{x|%d %b %Y}" if unit == "week" else "%{x|%d %b %Y}"


def trends_by_campaign(trends: pd.DataFrame, *, top: int = SMALL_MULTIPLES) -> go.Figure:
    """
    Draw one small chart per campaign: revenue (line) and spend (bars) per day or week.

    Parameters
    ----------
    trends : DataFrame
        ``metrics.tables.trends`` output; an empty one gives an empty figure (callers show an empty state).
    top : int, default 12
        Campaigns shown, largest revenue first; the panel caption says how many there are.

    Notes
    -----
    Every chart shares one y scale so campaigns compare at a glance.
    """
    sums, unit = campaign_period_sums(trends)
    totals = sums.groupby("campaign")[["revenue", "spend"]].sum()
    order = totals.sort_values(["revenue", "spend"], ascending=False, kind="stable").index[:top].tolist()
    if not order:
        return go.Figure(layout=base_layout())
    columns = min(FACET_COLUMNS, len(order))
    rows = math.ceil(len(order) / columns)
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=order,
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        vertical_spacing=0.34 / rows,
    )
    label = _period_label(unit)
    for index, campaign in enumerate(order):
        part = sums[sums["campaign"] == campaign]
        row, col = index // columns + 1, index % columns + 1
        first = index == 0
        figure.add_bar(
            x=part["period"],
            y=part["spend"],
            name="Spend",
            marker_color=SPEND,
            legendgroup="spend",
            showlegend=first,
            customdata=[formats.inr(v) for v in part["spend"]],
            hovertemplate=f"{campaign}<br>{label}<br>Spend %{{customdata}}<extra></extra>",
            row=row,
            col=col,
        )
        figure.add_scatter(
            x=part["period"],
            y=part["revenue"],
            name="Revenue",
            mode="lines",
            line={"color": REVENUE, "width": 2},
            legendgroup="revenue",
            showlegend=first,
            customdata=[formats.inr(v) for v in part["revenue"]],
            hovertemplate=f"{campaign}<br>{label}<br>Revenue %{{customdata}}<extra></extra>",
            row=row,
            col=col,
        )
    top_value = float(np.nanmax([sums["revenue"].max(), sums["spend"].max(), 0.0]))
    values, text = rupee_ticks(top_value, count=3)
    figure.update_yaxes(tickvals=values, ticktext=text, range=[0, values[-1] * 1.05 if values[-1] else 1])
    figure.update_xaxes(tickformat="%b", showticklabels=True)
    figure.update_annotations(font={"size": 13}, xanchor="left", x=None)
    for annotation, axis in zip(figure.layout.annotations, _x_domains(figure, len(order)), strict=True):
        annotation.x = axis[0]
    height = 100 + 190 * rows
    figure.update_layout(base_layout(height=height, bargap=0.2))
    # The legend sits above the first row's titles: 36 px over the plotting area, in paper units.
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": 80, "b": 10}, legend={"y": 1 + 36 / (height - 90), "yanchor": "bottom"}
    )
    return figure


def _x_domains(figure: go.Figure, count: int) -> list[tuple[float, float]]:
    """Return the x domain of the first ``count`` subplots, so titles align with their chart's left edge."""
    axes = sorted(
        (name for name in figure.layout if name.startswith("xaxis")),
        key=lambda name: int(name[5:] or 1),
    )
    return [tuple(figure.layout[name].domain) for name in axes[:count]]


def compare_trends(trends: pd.DataFrame, campaigns: list[str], *, cumulative: bool = True) -> go.Figure:
    """
    Overlay the picked campaigns' revenue (solid) and spend (dotted), one colour per campaign.

    Parameters
    ----------
    trends : DataFrame
        ``metrics.tables.trends`` output.
    campaigns : list of str
        Campaigns to draw, in legend order.
    cumulative : bool, default True
        Draw running totals, which compare campaigns of different rhythms more clearly than per-period
        values; the gap between a campaign's two lines is its running profit.
    """
    sums, unit = campaign_period_sums(trends)
    figure = go.Figure(layout=base_layout(height=380, hovermode="x unified"))
    top = 0.0
    for index, campaign in enumerate(campaigns):
        part = sums[sums["campaign"] == campaign].sort_values("period")
        colour = SEQUENCE[index % len(SEQUENCE)]
        for column, dash, name in (("revenue", "solid", "revenue"), ("spend", "dot", "spend")):
            values = part[column].cumsum() if cumulative else part[column]
            top = max(top, float(values.max()) if len(values) else 0.0)
            figure.add_scatter(
                x=part["period"],
                y=values,
                name=f"{campaign} — {name}",
                mode="lines",
                line={"color": colour, "width": 2.5 if column == "revenue" else 2, "dash": dash},
                legendgroup=campaign,
                customdata=[formats.inr(v) for v in values],
                hovertemplate=f"{campaign} {name} %{{customdata}}<extra></extra>",
            )
    values, text = rupee_ticks(top, count=4)
    figure.update_yaxes(tickvals=values, ticktext=text, range=[0, values[-1] * 1.02 if values[-1] else 1])
    figure.update_xaxes(tickformat="%d %b", hoverformat="%d %b %Y" if unit == "day" else "Week of %d %b %Y")
    return figure
