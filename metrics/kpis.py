"""Headline KPIs of a view and the comparison period of the KPI cards (docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from metrics.dataset import Dataset
from metrics.filters import Filters
from metrics.ratios import ratio_of_sums
from metrics.view import FUNNEL_COLUMNS, View

# The money cards' columns (:func:`money_table`), then the rest of kpis.csv (:func:`kpi_table`).
MONEY_COLUMNS = ["revenue", "orders", "spend", "roas", "roi", "cpa", "aov"]
KPI_COLUMNS = [*MONEY_COLUMNS, "reach", "engagements", "engagement_rate", "cpm", "cpe", *FUNNEL_COLUMNS]


def money_ratios(revenue: pd.Series, orders: pd.Series, spend: pd.Series) -> pd.DataFrame:
    """
    Compute ROAS, ROI, CPA and AOV as ratios of sums (NaN, never inf, on a zero denominator).

    Parameters
    ----------
    revenue, orders, spend : Series
        Sums per group on one index.

    Returns
    -------
    DataFrame
        roas = revenue / spend, roi = (revenue - spend) / spend, cpa = spend / orders,
        aov = revenue / orders.

    Examples
    --------
    >>> money_ratios(pd.Series([300.0]), pd.Series([3.0]), pd.Series([100.0])).iloc[0].tolist()
    [3.0, 2.0, 33.333333333333336, 100.0]
    """
    return pd.DataFrame(
        {
            "roas": ratio_of_sums(revenue, spend),
            "roi": ratio_of_sums(revenue - spend, spend),
            "cpa": ratio_of_sums(spend, orders),
            "aov": ratio_of_sums(revenue, orders),
        }
    )


def money_table(view: View) -> pd.DataFrame:
    """
    Compute the money KPIs of a view as one row: the part of :func:`kpi_table` without posts and users.

    Returns
    -------
    DataFrame
        One row with ``MONEY_COLUMNS``, equal to those columns of :func:`kpi_table`.
    """
    credited = view.credited_totals().iloc[0]
    sums = pd.DataFrame(
        {
            "revenue": [float(credited["revenue"])],
            "orders": [float(credited["orders"])],
            "spend": [float(view.spend_totals().iloc[0]["spend"])],
        }
    )
    return pd.concat([sums, money_ratios(sums["revenue"], sums["orders"], sums["spend"])], axis=1)


def kpi_table(view: View) -> pd.DataFrame:
    """
    Compute the headline KPIs of a view as one row.

    Revenue and orders are the credited amounts under the view's model; spend is the allocated spend;
    reach and engagements (likes + comments) come from the view's posts; users from
    :meth:`View.user_funnel`.

    Returns
    -------
    DataFrame
        One row with the kpis.csv columns up to ``conversion_rate`` (``KPI_COLUMNS``); sums are 0 and
        ratios NaN when nothing matches the filters.
    """
    posts = view.post_totals(["reach", "likes", "comments"])
    funnel = view.user_funnel().reset_index(drop=True)
    table = pd.concat([money_table(view), funnel.astype({"touched_users": "int64"})], axis=1)
    table["reach"] = int(posts["reach"])
    table["engagements"] = int(posts["likes"] + posts["comments"])
    table["engagement_rate"] = ratio_of_sums(table["engagements"], table["reach"])
    table["cpm"] = 1000 * ratio_of_sums(table["spend"], table["reach"])
    table["cpe"] = ratio_of_sums(table["spend"], table["engagements"])
    return table[KPI_COLUMNS]


def previous_period(filters: Filters, dataset: Dataset) -> Filters | None:
    """
    Return the filters of the period of equal length just before the current one (other filters kept).

    The current period is the date filter, its open sides (or both, when unset) closed by the data's own
    date range. The KPI cards compare against it.

    Returns
    -------
    Filters or None
        None when the data has no dates or the previous period would lie entirely before the data.

    Examples
    --------
    A filter on 2025-03-11..2025-03-20 (10 days) compares with 2025-03-01..2025-03-10.
    """
    bounds = dataset.date_range
    if bounds is None:
        return None
    first, last = bounds[0].date(), bounds[1].date()
    start = filters.start if filters.start is not None else first
    end = filters.end if filters.end is not None else last
    if end < start:
        return None
    length = (end - start).days + 1
    previous_end = start - dt.timedelta(days=1)
    previous_start = start - dt.timedelta(days=length)
    if previous_end < first:
        return None
    return replace(filters, start=previous_start, end=previous_end)
