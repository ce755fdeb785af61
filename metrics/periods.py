"""Periods of a trend: days, or weeks (starting on Monday) when the trend spans more than 92 days.

The dashboard's charts, the reports and the trend caption all group ``metrics.tables.trends`` output by the
same periods, so a chart and its caption never disagree about the unit.
"""

from __future__ import annotations

import pandas as pd

# Above this many days a daily series is too dense to read: show weekly sums (weeks start on Monday).
DAILY_LIMIT_DAYS = 92


def period_unit(trends: pd.DataFrame) -> str:
    """
    Return ``"week"`` when the trend spans more than 92 days, else ``"day"``: the period of its charts.

    Examples
    --------
    >>> period_unit(pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-04-03"])}))
    'day'
    """
    if trends.empty:
        return "day"
    dates = pd.to_datetime(trends["date"])
    return "week" if (dates.max() - dates.min()).days > DAILY_LIMIT_DAYS else "day"


def period_sums(trends: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """
    Sum revenue and spend per day, or per week (Monday) when the trend spans more than 92 days.

    Parameters
    ----------
    trends : DataFrame
        ``metrics.tables.trends`` output (date, campaign, revenue, orders, spend).

    Returns
    -------
    tuple of (DataFrame, str)
        Columns period, revenue, spend (every period between the first and last, zero-filled), and
        ``"day"`` or ``"week"``.
    """
    if trends.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"), "revenue": [], "spend": []}), "day"
    period, unit = trend_periods(trends)
    sums = trends[["revenue", "spend"]].groupby(period.rename("period")).sum()
    sums = sums.reindex(every_period(period, unit), fill_value=0.0).rename_axis("period").reset_index()
    return sums, unit


def trend_periods(trends: pd.DataFrame) -> tuple[pd.Series, str]:
    """Return each trend row's period (its day, or the Monday of its week) and the unit, ``day`` or ``week``."""
    dates = pd.to_datetime(trends["date"])
    unit = period_unit(trends)
    return (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D") if unit == "week" else dates), unit


def every_period(period: pd.Series, unit: str) -> pd.DatetimeIndex:
    """Return every day or Monday from the first of ``period`` to the last (for zero-filled series)."""
    return pd.date_range(period.min(), period.max(), freq="W-MON" if unit == "week" else "D", name="period")


def period_coverage(period: pd.Series, unit: str, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """
    Return how many days of each period fall inside ``first``..``last`` (both included).

    A week cut by the start or the end of the data would otherwise read as a collapse, so charts mark
    the periods whose ``days`` is below their ``length``.

    Parameters
    ----------
    period : Series
        Period starts: days, or the Mondays of weeks.
    unit : str
        ``"day"`` or ``"week"``.
    first, last : Timestamp
        First and last day covered by the data (or by the date filter).

    Returns
    -------
    DataFrame
        Columns ``days`` (days of the period inside the range) and ``length`` (7 or 1), on ``period``'s index.

    Examples
    --------
    >>> monday = pd.Series(pd.to_datetime(["2025-06-30"]))
    >>> period_coverage(monday, "week", pd.Timestamp("2025-06-01"), pd.Timestamp("2025-07-01"))["days"].tolist()
    [2]
    """
    length = 7 if unit == "week" else 1
    starts = pd.to_datetime(period)
    ends = starts + pd.Timedelta(days=length - 1)
    inside_start = starts.where(starts > first, pd.Timestamp(first))
    inside_end = ends.where(ends < last, pd.Timestamp(last))
    days = ((inside_end - inside_start).dt.days + 1).clip(lower=0, upper=length)
    return pd.DataFrame({"days": days.astype("int64"), "length": length}, index=period.index)
