"""Colours, font and date ticks shared by every chart (dashboard and reports); the layout is figures/template.py.

The palette is Okabe & Ito's, distinguishable with the common colour-vision deficiencies; revenue and
spend keep the same colours on every chart so a reader learns them once.
"""

from __future__ import annotations

import pandas as pd

REVENUE = "#0072B2"  # blue
SPEND = "#E69F00"  # orange
POSITIVE = "#009E73"  # bluish green
NEGATIVE = "#D55E00"  # vermillion
NEUTRAL = "#6C757D"  # Bootstrap secondary grey, for reference lines and muted marks
SEQUENCE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", '
    "Arial, sans-serif"
)


DAY_MS = 86_400_000
FEW_PERIODS = 8


def date_ticks(periods: pd.Series, unit: str = "day") -> dict:
    """
    Return x-axis settings for a series of days or weeks (Mondays): day-month labels, none repeated.

    Over a few days plotly ticks every few hours, and "%d %b" would then print each day twice; a
    short series gets one tick per period instead, starting on its first period.

    Examples
    --------
    >>> date_ticks(pd.Series(pd.to_datetime(["2025-04-01", "2025-04-03"])))
    {'tickformat': '%d %b', 'dtick': 86400000, 'tick0': '2025-04-01'}
    """
    axis: dict = {"tickformat": "%d %b"}
    if 0 < len(periods) <= FEW_PERIODS:
        axis["dtick"] = DAY_MS * (7 if unit == "week" else 1)
        axis["tick0"] = pd.Timestamp(periods.min()).strftime("%Y-%m-%d")
    return axis
