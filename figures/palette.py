"""Colours and the base figure layout shared by every chart (dashboard and reports).

The palette is Okabe & Ito's, distinguishable with the common colour-vision deficiencies; revenue and
spend keep the same colours on every chart so a reader learns them once.
"""

from __future__ import annotations

import copy
import functools

import pandas as pd
import plotly.graph_objects as go

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


def base_layout(**overrides) -> go.Layout:
    """
    Return the layout every chart starts from: system font, white background, light grid, compact margins.

    Parameters
    ----------
    **overrides
        Layout properties replacing the defaults (e.g. ``height=320``).
    """
    layout = go.Layout(
        font={"family": FONT_FAMILY, "size": 13, "color": "#212529"},
        colorway=list(SEQUENCE),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 36, "b": 10},
        height=340,
        hoverlabel={"font": {"family": FONT_FAMILY}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        xaxis={"gridcolor": "#E9ECEF", "zeroline": False, "automargin": True},
        yaxis={"gridcolor": "#E9ECEF", "zeroline": False, "automargin": True},
    )
    layout.update(**overrides)
    return layout


@functools.cache
def _base_layout_json() -> dict:
    return base_layout().to_plotly_json()


def _merged(base: dict, overrides: dict) -> dict:
    for name, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(name), dict):
            base[name] = _merged(base[name], value)
        else:
            base[name] = value
    return base


def base_layout_json(**overrides) -> dict:
    """
    Return :func:`base_layout` as a plain dict, for figures built in one go from dicts.

    Equal to ``base_layout(**overrides).to_plotly_json()`` (overrides merge into nested properties as
    ``Layout.update`` does) without validating a Layout: a filter change draws several charts.
    """
    return _merged(copy.deepcopy(_base_layout_json()), overrides)


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
