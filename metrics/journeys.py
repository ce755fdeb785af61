"""Journeys: each conversion's influencer touches within the lookback (docs/attribution.md).

A journey belongs to one conversion (an influencer touch with ``orders > 0``): the same user's influencer
touches at or before it in (date, file order) with ``0 <= conversion date - touch date <= lookback``; the
conversion itself is its last touch. Journeys do not depend on the attribution model: the rule-based models
(:mod:`metrics.attribution`), the data-driven model (:mod:`metrics.markov`) and spend allocation
(:mod:`metrics.spend`) all build on them.

Everything here works on whole arrays: touches are sorted once by (user, date, file order), each
conversion's window start is found with ``searchsorted`` inside its user's block, and the (conversion,
touch) pairs are expanded with ``repeat``/``arange`` arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.filters import Filters

PAIR_COLUMNS = ["conversion_row", "touch_row", "position", "n", "days_before"]


def conversion_mask(tracking: pd.DataFrame) -> pd.Series:
    """Return True for conversions: influencer touches (non-empty influencer_id) with orders > 0."""
    return tracking["influencer_id"].notna() & (tracking["orders"] > 0)


def selected_conversions(tracking: pd.DataFrame, filters: Filters) -> np.ndarray:
    """
    Return, per tracking row, whether a conversion there passes the filters that select conversions.

    Conversions are selected by their own date, product and source; the other filters act on the
    credited touches, not on the conversion.
    """
    mask = filters.date_mask(tracking["date"])
    if filters.products:
        mask &= tracking["product"].isin(filters.products)
    if filters.sources:
        mask &= tracking["source"].isin(filters.sources)
    return mask.fillna(False).to_numpy(dtype=bool)


@dataclass(frozen=True)
class SortedTouches:
    """
    Hold the influencer touches sorted by (user, date, file order), as parallel arrays.

    Attributes
    ----------
    rows : ndarray of int64
        Position of each touch in the tracking frame.
    user : ndarray of int64
        User code (rows without a user id each get a code of their own, so they never share a journey).
    day : ndarray of int64
        Touch date as whole days since the epoch.
    is_conversion : ndarray of bool
        True where the touch has orders > 0.
    key : ndarray of int64
        Sort key ``user * stride + day - first_day + lookback``; increasing along the arrays.
    lookback : int
        Lookback (days) the key leaves room for, so ``key - lookback`` never leaves the user's block.
    """

    rows: np.ndarray
    user: np.ndarray
    day: np.ndarray
    is_conversion: np.ndarray
    key: np.ndarray
    lookback: int


def sort_touches(
    tracking: pd.DataFrame, lookback: int = 0, *, user_codes: np.ndarray | None = None
) -> SortedTouches:
    """
    Sort the influencer touches of ``tracking`` by (user, date, file order).

    Rows without a date cannot be placed in time and are left out (validation drops them anyway).

    Parameters
    ----------
    tracking : DataFrame
        Validated tracking rows in file order.
    lookback : int, default 0
        Largest lookback the caller will search back with (see ``SortedTouches.key``).
    user_codes : ndarray of int, optional
        An integer code per tracking row identifying its ``user_id`` (-1 where missing), e.g. from
        ``pandas.factorize``; factorised here when omitted.
    """
    days_all = tracking["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    is_touch = tracking["influencer_id"].notna().to_numpy() & ~np.isnat(tracking["date"].to_numpy())
    rows = np.flatnonzero(is_touch)
    if user_codes is None:
        # Factorising only the touches' ids, in the column's own string storage, is the costly step here.
        user = pd.factorize(tracking["user_id"].iloc[rows])[0].astype(np.int64)
    else:
        user = np.asarray(user_codes)[rows].astype(np.int64)
    missing_user = user < 0
    if missing_user.any():
        user[missing_user] = user.max(initial=-1) + 1 + np.arange(missing_user.sum())
    day = days_all[rows]
    first_day = day.min(initial=0)
    stride = int(day.max(initial=0) - first_day) + lookback + 1
    key = user * stride + (day - first_day + lookback)
    # A stable sort keeps file order among same-day touches of one user: rows are already ascending.
    order = np.argsort(key, kind="stable")
    orders = tracking["orders"].to_numpy()[rows]
    return SortedTouches(
        rows=rows[order],
        user=user[order],
        day=day[order],
        is_conversion=orders[order] > 0,
        key=key[order],
        lookback=lookback,
    )


def journey_pairs(
    tracking: pd.DataFrame, lookback: int, *, touches: SortedTouches | None = None
) -> pd.DataFrame:
    """
    List every conversion's journey as (conversion, touch) pairs.

    Parameters
    ----------
    tracking : DataFrame
        Validated tracking rows in file order; row positions identify conversions and touches.
    lookback : int
        Days a touch may precede its conversion (inclusive): ``0 <= conversion date - touch date <=
        lookback``.
    touches : SortedTouches, optional
        The result of ``sort_touches(tracking, lookback)`` when the caller already has it.

    Returns
    -------
    DataFrame
        ``conversion_row``, ``touch_row`` (positions in ``tracking``), ``position`` (0-based, in (date,
        file order)), ``n`` (journey length) and ``days_before`` (conversion date - touch date, whole
        days), all int64. Pairs are ordered by conversion row, then position; the last pair of each
        conversion is the conversion itself.

    Examples
    --------
    >>> tracking = pd.DataFrame({
    ...     "influencer_id": ["a", "b", "b"], "user_id": ["u", "u", "u"], "orders": [0, 1, 0],
    ...     "date": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-05"])})
    >>> journey_pairs(tracking, 30)[["conversion_row", "touch_row", "position", "n", "days_before"]].values.tolist()
    [[1, 0, 0, 2, 4], [1, 1, 1, 2, 0]]
    """
    if touches is None or touches.lookback < lookback:
        touches = sort_touches(tracking, lookback)
    conversions = np.flatnonzero(touches.is_conversion)
    # Report conversions in file order whatever the user order: rows are unique, so any sort is fine.
    conversions = conversions[np.argsort(touches.rows[conversions])]
    window_start = np.searchsorted(touches.key, touches.key[conversions] - lookback, side="left")
    n = conversions - window_start + 1
    first_pair = np.cumsum(n) - n
    position = np.arange(n.sum(), dtype=np.int64) - np.repeat(first_pair, n)
    touch = np.repeat(window_start, n) + position
    conversion = np.repeat(conversions, n)
    return pd.DataFrame(
        {
            "conversion_row": touches.rows[conversion],
            "touch_row": touches.rows[touch],
            "position": position,
            "n": np.repeat(n, n).astype(np.int64),
            "days_before": touches.day[conversion] - touches.day[touch],
        }
    )
