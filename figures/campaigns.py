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

from figures.labels import shorten
from figures.overview import (
    NOTE_GAP,
    ORIGIN_STANDOFF,
    PARTIAL_OPACITY,
    note_annotation,
    note_top_margin,
    partial_note_text,
    partial_revenue,
    rupee_ticks,
)
from figures.palette import REVENUE, SEQUENCE, SPEND, date_ticks
from figures.template import HEIGHT, TEMPLATE
from figures.text import plain
from metrics import formats
from metrics.periods import every_period, period_coverage, trend_periods

# Credit on a touch without a campaign keeps an empty campaign in the trend; it is shown under this name.
NO_CAMPAIGN = "(no campaign)"
SMALL_MULTIPLES = 12
FACET_COLUMNS = 3
# Characters of a line of a small chart's title (two lines at most, "…" included): a third of a 390 px
# phone's plot.
FACET_TITLE_LIMIT = 13
# A title longer than this many characters takes two lines (a third of a phone's plot holds about 11).
FACET_TITLE_LINE = 10
# Pixels between two rows of small charts: the upper row's dates, then the lower row's two-line titles.
ROW_GAP = 72
# Pixels above the first row: its titles, then the legend (LEGEND_ROW high) over them.
TITLES_ROOM = 40
LEGEND_ROW = 24
TOP_MARGIN = 80


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
    period, unit = trend_periods(trends)
    keyed = trends[["revenue", "orders", "spend"]].assign(campaign=campaign_names(trends), period=period)
    sums = keyed.groupby(["campaign", "period"])[["revenue", "orders", "spend"]].sum()
    full = pd.MultiIndex.from_product(
        [sums.index.levels[0], every_period(period, unit)], names=["campaign", "period"]
    )
    sums = sums.reindex(full, fill_value=0.0).reset_index()
    return sums[columns], unit


def _period_label(unit: str) -> str:
    return "Week of %{x|%d %b %Y}" if unit == "week" else "%{x|%d %b %Y}"


def _inr_all(values: np.ndarray) -> list[str]:
    """Return ``formats.inr`` of each value, formatting each distinct value once (zero-filled runs repeat)."""
    codes, uniques = pd.factorize(values)
    return np.asarray([formats.inr(v) for v in uniques], dtype=object)[codes].tolist()


def _campaign_arrays(sums: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """
    Return each campaign's period, revenue and spend of :func:`campaign_period_sums` as numpy arrays.

    Plotly validates numpy arrays much faster than Series, and one grouping replaces a mask per campaign.
    """
    columns = {name: sums[name].to_numpy() for name in ("period", "revenue", "spend")}
    return {
        str(campaign): {name: values[positions] for name, values in columns.items()}
        for campaign, positions in sums.groupby("campaign", sort=False).indices.items()
    }


def partial_periods(trends: pd.DataFrame, periods: np.ndarray, unit: str) -> tuple[np.ndarray, list[str]]:
    """
    Return which of ``periods`` the data cover only in part, and each one's hover note ("" when whole).

    A week cut by the first or last day of the data (or of the date filter) would read as a collapse;
    the charts draw it lighter (bars) or dotted (lines) and say how many of its days it holds.

    Examples
    --------
    >>> trends = pd.DataFrame({"date": pd.to_datetime(["2025-04-01", "2025-04-15"])})
    >>> weeks = pd.to_datetime(["2025-03-31", "2025-04-07", "2025-04-14"]).to_numpy()
    >>> partial, notes = partial_periods(trends, weeks, "week")
    >>> partial.tolist(), notes[0]
    ([True, False, True], '<br>partial week: 6 of 7 days')
    """
    if not len(periods) or trends.empty:
        return np.zeros(len(periods), dtype=bool), [""] * len(periods)
    dates = pd.to_datetime(trends["date"])
    coverage = period_coverage(pd.Series(periods), unit, dates.min(), dates.max())
    partial = (coverage["days"] < coverage["length"]).to_numpy()
    notes = [
        f"<br>partial {unit}: {d} of {n} days" if p else ""
        for d, n, p in zip(coverage["days"], coverage["length"], partial, strict=True)
    ]
    return partial, notes


def _partial_note(
    periods: np.ndarray,
    partial: np.ndarray,
    notes: list[str],
    unit: str,
    marks: str = "Lighter bar, dotted line: ",
) -> str:
    """Return the chart's note naming its partial periods, e.g. "week of 29 Sep: 2 of 7 days"."""
    parts = [
        f"{unit} of {pd.Timestamp(p):%d %b}: {notes[i].split(': ', 1)[1]}"
        for i, p in enumerate(periods)
        if partial[i]
    ]
    return partial_note_text(f"{marks}partial {unit}", parts)


def partial_note_shift(note: str) -> int:
    """Return the pixels the small multiples grow at the top to hold ``note`` above their legend, below the
    mode bar's row."""
    return TITLES_ROOM + LEGEND_ROW + note_top_margin(note) - TOP_MARGIN


def facet_title(name: str, limit: int = FACET_TITLE_LIMIT) -> str:
    """
    Return a campaign's name as a small chart's title: on two lines of about even length when long, each cut
    to ``limit`` characters ("…" included), so three titles fit side by side on a phone.

    The hover names the campaign in full.

    Examples
    --------
    >>> facet_title("Summer Shred"), facet_title("Back to School Gritzo"), facet_title("Yoga Week")
    ('Summer<br>Shred', 'Back to<br>School Gritzo', 'Yoga Week')
    >>> facet_title("Independence Day Mega Sale 2025")
    'Independence…<br>Mega Sale 20…'
    >>> facet_title("Tom & Co")
    'Tom &amp; Co'
    """
    words = name.split()
    if len(name) <= FACET_TITLE_LINE or len(words) < 2:
        return shorten(plain(name), limit)
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    lines = min(splits, key=lambda pair: max(len(pair[0]), len(pair[1])))
    return "<br>".join(shorten(plain(line), limit) for line in lines)


def _subplot_domains(count: int, spacing: float) -> list[list[float]]:
    """Return ``count`` equal [start, end] domains across [0, 1] with ``spacing`` between neighbours."""
    size = (1 - spacing * (count - 1)) / count
    return [[index * (size + spacing), index * (size + spacing) + size] for index in range(count)]


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
    Every chart shares one y scale so campaigns compare at a glance; each column shares its x axis with the
    bottom row's. The grid is the one ``plotly.subplots.make_subplots`` lays out, written as one layout
    dict: building the figure in a single step takes a fraction of make_subplots' per-trace updates, and
    this chart is drawn for every new filter state.
    """
    sums, unit = campaign_period_sums(trends)
    totals = sums.groupby("campaign")[["revenue", "spend"]].sum()
    order = totals.sort_values(["revenue", "spend"], ascending=False, kind="stable").index[:top].tolist()
    if not order:
        return go.Figure(layout=go.Layout(template=TEMPLATE, height=HEIGHT))
    columns = min(FACET_COLUMNS, len(order))
    rows = math.ceil(len(order) / columns)
    x_domains = _subplot_domains(columns, 0.04)
    # Rows run top to bottom, as make_subplots' default start cell.
    height = 100 + 190 * rows
    # The plotting area: the figure less its margins.
    paper = height - TOP_MARGIN - 10
    y_domains = _subplot_domains(rows, ROW_GAP / paper)[::-1]
    top_value = float(np.nanmax([sums["revenue"].max(), sums["spend"].max(), 0.0]))
    values, text = rupee_ticks(top_value, count=3)
    y_ticks = {"tickvals": values, "ticktext": text, "range": [0, values[-1] * 1.05 if values[-1] else 1]}
    layout: dict = {"template": TEMPLATE, "height": height, "bargap": 0.2}
    # The legend sits above the first row's titles, in paper units; the mode bar's row is above it.
    layout["margin"] = {"l": 10, "r": 10, "t": TOP_MARGIN, "b": 10}
    layout["legend"] = {"y": 1 + TITLES_ROOM / paper, "yanchor": "bottom", "yref": "paper"}
    # Months label a weekly series (over three months); a daily one needs its days.
    x_ticks = {"tickformat": "%b"} if unit == "week" else date_ticks(sums["period"].drop_duplicates())
    annotations = []
    for cell in range(rows * columns):
        row, col = divmod(cell, columns)
        name = "" if cell == 0 else str(cell + 1)
        bottom = (rows - 1) * columns + col + 1
        x_axis = {"anchor": f"y{name}", "domain": x_domains[col], **x_ticks, "showticklabels": True}
        if row < rows - 1:
            x_axis["matches"] = f"x{bottom}"
        y_axis = {"anchor": f"x{name}", "domain": y_domains[row], **y_ticks}
        if col == 0:
            y_axis["title"] = {"text": f"₹ per {unit}"}
        # One date title, under the first column: three side by side would run into one another on a phone.
        if row == rows - 1 and col == 0:
            x_axis["title"] = {"text": "Week starting (Monday)" if unit == "week" else "Day"}
        if col > 0:
            first = row * columns + 1
            y_axis.update(matches=f"y{'' if first == 1 else first}", showticklabels=False)
        layout[f"xaxis{name}"] = x_axis
        layout[f"yaxis{name}"] = y_axis
        if cell < len(order):
            annotations.append(
                {
                    "font": {"size": 12},
                    "showarrow": False,
                    "text": facet_title(order[cell]),
                    "align": "left",
                    "x": x_domains[col][0],
                    "xanchor": "left",
                    "xref": "paper",
                    "y": y_domains[row][1],
                    "yanchor": "bottom",
                    "yref": "paper",
                }
            )
    label = _period_label(unit)
    data = []
    parts = _campaign_arrays(sums)
    # Every campaign has every period (zero-filled), so one set of partial periods serves all cells.
    grid = np.sort(sums["period"].unique())
    partial, notes = partial_periods(trends, grid, unit)
    if partial.any():
        note = _partial_note(grid, partial, notes, unit)
        annotations.append(_partial_annotation(note, layout["legend"]["y"]))
        # Rows more at the top, the plots keeping their size (and the legend its place above them).
        layout["margin"]["t"] += partial_note_shift(note)
        layout["height"] += partial_note_shift(note)
    for cell, campaign in enumerate(order):
        part = parts[campaign]
        name = "" if cell == 0 else str(cell + 1)
        axes = {"xaxis": f"x{name}", "yaxis": f"y{name}"}
        shown = cell == 0
        position = np.searchsorted(grid, part["period"])
        cut = partial[position]
        bar = {
            "type": "bar",
            "x": part["period"],
            "y": part["spend"],
            "name": "Spend",
            "marker": {"color": SPEND},
            "legendgroup": "spend",
            "showlegend": shown,
            "customdata": _inr_all(part["spend"]),
            "hovertemplate": f"{plain(campaign)}<br>{label}<br>Spend %{{customdata}}<extra></extra>",
            **axes,
        }
        revenue = part["revenue"].astype(np.float64)
        line = {
            "type": "scatter",
            "x": part["period"],
            "y": np.where(cut, np.nan, revenue) if cut.any() else revenue,
            "name": "Revenue",
            "mode": "lines",
            "line": {"color": REVENUE, "width": 2},
            "legendgroup": "revenue",
            "showlegend": shown,
            "customdata": _inr_all(part["revenue"]),
            "hovertemplate": f"{plain(campaign)}<br>{label}<br>Revenue %{{customdata}}<extra></extra>",
            **axes,
        }
        data += [bar, line]
        if cut.any():
            bar["marker"]["opacity"] = np.where(cut, PARTIAL_OPACITY, 1.0)
            bar["hovertext"] = [notes[i] for i in position]
            bar["hovertemplate"] = bar["hovertemplate"].replace("<extra>", "%{hovertext}<extra>")
            dotted = partial_revenue(
                part["period"],
                revenue,
                cut,
                [formats.inr(v) + notes[i] for v, i in zip(revenue, position, strict=True)],
                label,
            )
            dotted["hovertemplate"] = [
                t if t == "<extra></extra>" else f"{plain(campaign)}<br>{t}" for t in dotted["hovertemplate"]
            ]
            # Lines only, like the solid revenue: a dot on each partial end would clutter the small charts.
            data.append(
                dotted
                | {"legendgroup": "revenue", "mode": "lines", "line": {**dotted["line"], "width": 2}, **axes}
            )
    layout["annotations"] = annotations
    return go.Figure(data=data, layout=layout)


def _partial_annotation(text: str, legend_y: float) -> dict:
    """Return the note on partial periods above the legend (its bottom at ``legend_y``), below the mode bar."""
    return note_annotation(text) | {"y": legend_y, "yshift": LEGEND_ROW + NOTE_GAP}


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
    layout: dict = {"template": TEMPLATE, "height": 380, "hovermode": "x unified"}
    data = []
    top = 0.0
    parts = _campaign_arrays(sums)
    empty = np.array([], dtype=np.float64)
    for index, campaign in enumerate(campaigns):
        part = parts.get(
            campaign, {"period": empty.astype("datetime64[ns]"), "revenue": empty, "spend": empty}
        )
        colour = SEQUENCE[index % len(SEQUENCE)]
        for column, dash, name in (("revenue", "solid", "revenue"), ("spend", "dot", "spend")):
            values = part[column].cumsum() if cumulative else part[column]
            top = max(top, float(values.max()) if len(values) else 0.0)
            data.append(
                {
                    "type": "scatter",
                    "x": part["period"],
                    "y": values,
                    "name": f"{plain(campaign)} — {name}",
                    "mode": "lines",
                    "line": {"color": colour, "width": 2.5 if column == "revenue" else 2, "dash": dash},
                    "legendgroup": campaign,
                    "customdata": _inr_all(values),
                    "hovertemplate": f"{plain(campaign)} {name} %{{customdata}}<extra></extra>",
                }
            )
    # Dotted lines are spend here: a partial week is named in a note instead (running totals do not fall
    # in it, they grow less).
    grid = np.sort(sums["period"].unique())
    partial, notes = partial_periods(trends, grid, unit)
    if partial.any() and data:
        note = _partial_note(grid, partial, notes, unit, marks="Running totals grow less in a ")
        layout["annotations"] = [note_annotation(note)]
        layout["margin"] = {"t": note_top_margin(note)}
    values, text = rupee_ticks(top, count=4)
    layout["yaxis"] = {
        "tickvals": values,
        "ticktext": text,
        "range": [0, values[-1] * 1.02 if values[-1] else 1],
        "title": {
            "text": "Revenue and spend to date (₹)" if cumulative else f"Revenue and spend per {unit} (₹)"
        },
    }
    layout["xaxis"] = {
        **date_ticks(sums["period"].drop_duplicates(), unit),
        "title": {"text": "Week starting (Monday)" if unit == "week" else "Day"},
        "hoverformat": "%d %b %Y" if unit == "day" else "Week of %d %b %Y",
        # The first day sits on the y axis: its label goes below the y axis's "₹0", not across it.
        "ticklabelstandoff": ORIGIN_STANDOFF,
    }
    return go.Figure(data=data, layout=layout)
