"""The PDF's charts, drawn natively with ReportLab's graphics (no browser, no image rendering).

Each builder takes a metric table and returns a :class:`~reportlab.graphics.shapes.Drawing`, or None when
the view has nothing to draw, so the report prints a "no data" note instead of an empty frame. Series are
aggregated the way the dashboard aggregates them (``metrics.periods.period_sums``), coloured with the
dashboard's palette (``figures.palette``) and labelled with ``metrics.formats``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from figures.overview import rupee_ticks
from figures.palette import REVENUE, SEQUENCE, SPEND
from metrics import formats
from metrics.periods import period_sums
from reports import typeface

TITLE_SIZE = 9
LABEL_SIZE = 7
GRID = colors.HexColor("#E9ECEF")
TEXT = colors.HexColor("#212529")
MAX_LABEL_WIDTH = 150.0
BAR_THICKNESS = 7.0
# At most this many date labels under a time axis; the others stay blank so they never overlap.
MAX_DATE_LABELS = 10


def _colour(hex_colour: str) -> colors.Color:
    return colors.HexColor(hex_colour)


def _finite(values: Sequence[float]) -> list[float]:
    """Return the values with undefined ones drawn as 0 (a bar of no length, never a crash)."""
    return [float(v) if v is not None and math.isfinite(float(v)) else 0.0 for v in values]


def _has_data(*series: Sequence[float]) -> bool:
    return any(any(v != 0 for v in _finite(values)) for values in series)


def _short_label(text: str, width: float = MAX_LABEL_WIDTH) -> str:
    """Shorten a category name with an ellipsis so it fits ``width`` points."""
    if stringWidth(text, typeface.REGULAR, LABEL_SIZE) <= width:
        return text
    while text and stringWidth(text + "…", typeface.REGULAR, LABEL_SIZE) > width:
        text = text[:-1]
    return text + "…"


def _title(drawing: Drawing, text: str, height: float) -> None:
    drawing.add(
        String(0, height - TITLE_SIZE - 1, text, fontName=typeface.BOLD, fontSize=TITLE_SIZE, fillColor=TEXT)
    )


LEGEND_ROW = 11.0
SWATCH = 6.0


def _legend_rows(names: Sequence[str], width: float) -> list[list[tuple[int, float]]]:
    """Return legend rows of (series index, x) so that entries wrap instead of running off the chart."""
    rows: list[list[tuple[int, float]]] = [[]]
    x = 0.0
    for index, name in enumerate(names):
        entry = SWATCH + 3 + stringWidth(name, typeface.REGULAR, LABEL_SIZE) + 12
        if rows[-1] and x + entry > width:
            rows.append([])
            x = 0.0
        rows[-1].append((index, x))
        x += entry
    return rows


def _legend(
    drawing: Drawing, pairs: Sequence[tuple[str, str]], rows: list[list[tuple[int, float]]], top: float
) -> None:
    """Draw (hex colour, name) entries in ``rows`` (``_legend_rows``) below ``top``."""
    for row_number, row in enumerate(rows):
        y = top - (row_number + 1) * LEGEND_ROW
        for index, x in row:
            colour, name = pairs[index]
            drawing.add(Rect(x, y, SWATCH, SWATCH, fillColor=_colour(colour), strokeColor=None))
            drawing.add(
                String(
                    x + SWATCH + 3, y, name, fontName=typeface.REGULAR, fontSize=LABEL_SIZE, fillColor=TEXT
                )
            )


def _header(drawing_width: float, pairs: Sequence[tuple[str, str]]) -> tuple[float, list]:
    """Return the height taken by a chart's title and legend, and the legend rows."""
    rows = _legend_rows([name for _, name in pairs], drawing_width) if pairs else []
    return TITLE_SIZE + 6 + LEGEND_ROW * len(rows), rows


def _value_ticks(low: float, high: float, count: int = 5) -> tuple[float, float, float]:
    """Return (min, max, step) of a value axis spanning [low, high] at a round step, 0 included."""
    low, high = min(low, 0.0), max(high, 0.0)
    span = high - low or 1.0
    values, _ = rupee_ticks(span, count)
    step = values[1] if len(values) > 1 else span
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def trend_chart(trends: pd.DataFrame, width: float, height: float = 190) -> Drawing | None:
    """
    Draw revenue and spend per day (or per week over longer periods) as two lines.

    Parameters
    ----------
    trends : DataFrame
        trends.csv's frame (date, campaign, revenue, orders, spend).
    width, height : float
        Size in points.

    Returns
    -------
    Drawing or None
        None when there is no revenue and no dated spend in the view.
    """
    sums, unit = period_sums(trends)
    revenue, spend = _finite(sums["revenue"]), _finite(sums["spend"])
    if not _has_data(revenue, spend):
        return None
    pairs = [(REVENUE, "Revenue"), (SPEND, "Spend")]
    header, rows = _header(width, pairs)
    drawing = Drawing(width, height)
    _title(drawing, f"Revenue and spend per {unit}", height)
    _legend(drawing, pairs, rows, height - TITLE_SIZE - 4)

    chart = HorizontalLineChart()
    chart.x, chart.y = 48, 22
    chart.width, chart.height = width - 56, height - header - 30
    chart.data = [revenue, spend]
    every = max(1, math.ceil(len(sums) / MAX_DATE_LABELS))
    dates = pd.to_datetime(sums["period"])
    chart.categoryAxis.categoryNames = [
        f"{d.day} {d:%b}" if i % every == 0 else "" for i, d in enumerate(dates)
    ]
    chart.categoryAxis.labels.fontName = typeface.REGULAR
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.visibleTicks = False
    chart.categoryAxis.strokeColor = colors.grey
    top = max(max(revenue), max(spend))
    ticks, _ = rupee_ticks(top)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = ticks[-1]
    chart.valueAxis.valueStep = ticks[1] if len(ticks) > 1 else ticks[-1] or 1
    chart.valueAxis.labelTextFormat = formats.inr_short
    chart.valueAxis.labels.fontName = typeface.REGULAR
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.strokeColor = None
    chart.lines[0].strokeColor = _colour(REVENUE)
    chart.lines[1].strokeColor = _colour(SPEND)
    chart.lines[0].strokeWidth = chart.lines[1].strokeWidth = 1.5
    drawing.add(chart)
    return drawing


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    *,
    title: str,
    width: float,
    value_format: Callable[[float], str] = formats.inr_short,
) -> Drawing | None:
    """
    Draw grouped horizontal bars: one group per label, one bar per series, the first label on top.

    Parameters
    ----------
    labels : sequence of str
        Category names (long ones are shortened with an ellipsis).
    series : sequence of (name, values, hex colour)
        One entry per bar in a group; values align with ``labels``.
    title : str
        Chart title.
    width : float
        Width in points; the height follows from the number of bars.
    value_format : callable, default ``formats.inr_short``
        Formats the value axis labels.

    Returns
    -------
    Drawing or None
        None when there is no category or every value is zero or undefined.
    """
    data = [_finite(values) for _, values, _ in series]
    if not labels or not _has_data(*data):
        return None
    names = [_short_label(str(label)) for label in labels]
    label_width = min(MAX_LABEL_WIDTH, max(stringWidth(n, typeface.REGULAR, LABEL_SIZE) for n in names)) + 8
    group = BAR_THICKNESS * len(series) + 6
    plot_height = group * len(labels)
    pairs = [(c, name) for name, _, c in series] if len(series) > 1 else []
    header, rows = _header(width, pairs)
    height = plot_height + header + 30
    drawing = Drawing(width, height)
    _title(drawing, title, height)
    _legend(drawing, pairs, rows, height - TITLE_SIZE - 4)

    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 18
    chart.width, chart.height = width - label_width - 10, plot_height
    # ReportLab draws a group's bars bottom-up: reverse the series so the first one is on top.
    chart.data = data[::-1]
    chart.barWidth = BAR_THICKNESS
    chart.groupSpacing = 6
    chart.barSpacing = 0
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.reverseDirection = True
    chart.categoryAxis.labels.fontName = typeface.REGULAR
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.visibleTicks = False
    chart.categoryAxis.strokeColor = colors.grey
    low = float(np.min([min(values) for values in data]))
    high = float(np.max([max(values) for values in data]))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = _value_ticks(low, high)
    chart.valueAxis.labelTextFormat = value_format
    chart.valueAxis.labels.fontName = typeface.REGULAR
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.strokeColor = None
    for index, (_, _, colour) in enumerate(reversed(series)):
        chart.bars[index].fillColor = _colour(colour)
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    return drawing


def revenue_spend_bars(
    table: pd.DataFrame, label: str, *, title: str, width: float, top: int = 10
) -> Drawing | None:
    """Draw revenue and spend of the ``top`` rows of a table by revenue (e.g. the campaign table)."""
    shown = table.sort_values(["revenue", "spend"], ascending=False, kind="stable").head(top)
    return bar_chart(
        shown[label].astype("string").fillna("(none)").tolist(),
        [("Revenue", shown["revenue"].tolist(), REVENUE), ("Spend", shown["spend"].tolist(), SPEND)],
        title=title,
        width=width,
    )


def ratio_bars(
    table: pd.DataFrame, label: str, columns: Sequence[tuple[str, str]], *, title: str, width: float
) -> Drawing | None:
    """
    Draw one or more multiples (ROAS, iROAS) per row of a table.

    Parameters
    ----------
    columns : sequence of (column, display name)
        The ratio columns drawn, each in the next palette colour.
    """
    series = [(name, table[column].tolist(), SEQUENCE[i]) for i, (column, name) in enumerate(columns)]
    return bar_chart(
        table[label].astype("string").fillna("(none)").tolist(),
        series,
        title=title,
        width=width,
        value_format=lambda value: formats.ratio(value, decimals=1),
    )


def model_bars(
    comparison: pd.DataFrame, by: str, models: Sequence[tuple[str, str]], *, width: float, top: int = 8
) -> Drawing | None:
    """Draw credited revenue per model for the ``top`` groups of ``metrics.comparison.model_comparison``."""
    shown = comparison.head(top)
    series = [
        (name, shown[model].tolist(), SEQUENCE[i % len(SEQUENCE)]) for i, (model, name) in enumerate(models)
    ]
    return bar_chart(
        shown[by].astype("string").fillna("(none)").tolist(),
        series,
        title="Credited revenue by attribution model",
        width=width,
    )
