"""Spend: payouts time-phased and allocated to campaigns, never merged onto tracking rows (docs/metrics.md).

An influencer's spend is the sum of its ``total_payout`` rows. ``basis = post`` spreads it equally over the
influencer's posts (each share dated on its post) and then across campaigns; ``basis = order`` spreads it
over the influencer's coded orders (each share dated and campaigned like its conversion). A payout without
units (no posts, or no coded orders) has no date: it counts only when no date filter is set. Unfiltered,
the allocated spend sums to Σ total_payout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.dataset import QUALITY_COLUMNS, Dataset
from metrics.filters import Filters
from metrics.journeys import conversion_mask

UNASSIGNED = "(unassigned)"
SPEND_COLUMNS = ["influencer_id", "campaign", "date", "basis", "spend"]
PAYOUT_TOTAL_COLUMNS = ["influencer_id", "basis", "rate", "total_payout", "payout_rows", "bases", "rates"]


def empty_spend() -> pd.DataFrame:
    """Return an empty allocated-spend frame with its columns and dtypes."""
    return pd.DataFrame(
        {
            "influencer_id": pd.Series(dtype="string"),
            "campaign": pd.Series(dtype="string"),
            "date": pd.Series(dtype="datetime64[ns]"),
            "basis": pd.Series(dtype="string"),
            "spend": pd.Series(dtype="float64"),
        }
    )


def payout_totals(payouts: pd.DataFrame) -> pd.DataFrame:
    """
    Combine the payout rows of each influencer: totals summed, the first row's basis and rate.

    Parameters
    ----------
    payouts : DataFrame
        Validated payouts (influencer_id, basis, total_payout, rate).

    Returns
    -------
    DataFrame
        One row per influencer id in first-appearance order: influencer_id, basis, rate (NaN when the
        first row has none), total_payout, payout_rows (how many rows were combined), bases and rates
        (how many distinct values the rows carry, so a disagreement can be reported).
    """
    if payouts.empty:
        frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in PAYOUT_TOTAL_COLUMNS})
        frame["influencer_id"] = frame["influencer_id"].astype("string")
        frame["basis"] = frame["basis"].astype("string")
        return frame
    rate = payouts["rate"] if "rate" in payouts else pd.Series(np.nan, index=payouts.index)
    rows = pd.DataFrame(
        {
            "influencer_id": payouts["influencer_id"].astype("string"),
            "basis": payouts["basis"].astype("string"),
            "rate": rate.astype("float64"),
            "total_payout": payouts["total_payout"].astype("float64"),
        }
    )
    grouped = rows.groupby("influencer_id", sort=False)
    totals = grouped.agg(
        basis=("basis", "first"),
        total_payout=("total_payout", "sum"),
        payout_rows=("total_payout", "size"),
        bases=("basis", "nunique"),
        rates=("rate", "nunique"),
    )
    # "first" skips missing values; the ledger wants the first row's rate even when it is missing.
    totals["rate"] = grouped["rate"].nth(0).set_axis(totals.index)
    return totals.reset_index()[PAYOUT_TOTAL_COLUMNS]


def coded_orders(tracking: pd.DataFrame) -> pd.DataFrame:
    """
    Return the conversions (influencer rows with orders > 0): influencer_id, campaign, date, orders.

    The campaign of a conversion without one is ``(unassigned)``. These are the last-touch coded orders
    that spend follows whatever attribution model is selected.
    """
    conversions = tracking.loc[conversion_mask(tracking), ["influencer_id", "campaign", "date", "orders"]]
    return conversions.assign(
        influencer_id=conversions["influencer_id"].astype("string"),
        campaign=conversions["campaign"].astype("string").fillna(UNASSIGNED),
    ).reset_index(drop=True)


def touch_campaigns(tracking: pd.DataFrame) -> pd.DataFrame:
    """
    Return the distinct (influencer_id, campaign) pairs of all influencer touches, any date.

    A touch without a campaign counts as ``(unassigned)``.
    """
    # Distinct pairs first: on the tracking file's categorical columns that is a pass over small codes.
    touches = tracking.loc[tracking["influencer_id"].notna(), ["influencer_id", "campaign"]].drop_duplicates()
    pairs = touches.assign(
        influencer_id=touches["influencer_id"].astype("string"),
        campaign=touches["campaign"].astype("string").fillna(UNASSIGNED),
    ).drop_duplicates()
    return pairs.reset_index(drop=True)


def _units(dataset: Dataset, totals: pd.DataFrame, conversions: pd.DataFrame) -> pd.Series:
    """Return units per influencer of ``totals`` (posts for post basis, coded orders for order basis)."""
    posts = dataset.posts["influencer_id"].astype("string").value_counts()
    orders = conversions.groupby("influencer_id")["orders"].sum()
    ids = totals["influencer_id"]
    by_post = ids.map(posts).fillna(0).to_numpy(dtype="float64")
    by_order = ids.map(orders).fillna(0).to_numpy(dtype="float64")
    return pd.Series(np.where(totals["basis"] == "order", by_order, by_post), index=totals.index)


@dataclass(frozen=True)
class SpendRows:
    """
    Hold spend rows as arrays of codes: one row per (influencer, campaign, date, basis).

    Attributes
    ----------
    influencer, campaign, basis : ndarray of int64
        Positions into ``SpendParts.ids``, ``SpendParts.campaigns`` and ``BASES``.
    date : ndarray of datetime64[ns]
        The row's date, NaT for undated spend.
    spend : ndarray of float64
        The allocated amount.
    """

    influencer: np.ndarray
    campaign: np.ndarray
    date: np.ndarray
    basis: np.ndarray
    spend: np.ndarray

    def take(self, rows: np.ndarray) -> SpendRows:
        """Return the rows at ``rows`` (positions or a boolean mask), in that order."""
        return SpendRows(
            self.influencer[rows], self.campaign[rows], self.date[rows], self.basis[rows], self.spend[rows]
        )

    def __len__(self) -> int:
        return len(self.spend)


@dataclass(frozen=True)
class SpendParts:
    """
    Hold the filter-independent pieces of the allocation, computed once per dataset.

    The pieces are integer codes, so that allocating under a new date filter is a few array operations.
    Codes follow the sorted order of ``ids`` and ``campaigns``: sorting codes sorts the names.

    Attributes
    ----------
    ids : Index
        Sorted influencer ids of every payout, coded order and touch (string).
    campaigns : Index
        Sorted campaign names of every coded order and touch, ``(unassigned)`` included (string).
    post_rows : SpendRows
        The equal shares per post of post-basis payouts, summed per influencer and day (no campaign yet).
    undated : SpendRows
        Payouts without units (date NaT, no campaign yet).
    order_rows : SpendRows
        The shares per conversion of order-basis payouts, summed per influencer, campaign and day.
    order_influencer, order_pair, order_date, order_count : ndarray
        The coded orders summed per (influencer, campaign, day): influencer code, (influencer, campaign)
        pair code (into ``pair_influencer``/``pair_campaign``), day and orders. They split post-basis
        spend across campaigns.
    pair_influencer, pair_campaign : ndarray of int64
        The distinct (influencer, campaign) pairs of coded orders and touches.
    touched_pairs : ndarray of int64
        Pair codes of the campaigns of every influencer's touches (any date), sorted by influencer.
    conversions : DataFrame
        The coded orders summed per (influencer_id, campaign, date) (the payout ledger counts units
        from it).
    """

    ids: pd.Index
    campaigns: pd.Index
    post_rows: SpendRows
    undated: SpendRows
    order_rows: SpendRows
    order_influencer: np.ndarray
    order_pair: np.ndarray
    order_date: np.ndarray
    order_count: np.ndarray
    pair_influencer: np.ndarray
    pair_campaign: np.ndarray
    touched_pairs: np.ndarray
    conversions: pd.DataFrame


BASES = pd.Index(["order", "post"], dtype="string")


def _codes(values: pd.Series, index: pd.Index) -> np.ndarray:
    return index.get_indexer(pd.Index(values)).astype(np.int64)


def spend_parts(dataset: Dataset) -> SpendParts:
    """Compute the filter-independent pieces of the spend allocation of ``dataset``."""
    # Per (influencer, campaign, day) is all the allocation ever needs of the coded orders.
    conversions = (
        coded_orders(dataset.tracking)
        .groupby(["influencer_id", "campaign", "date"], as_index=False, sort=False)["orders"]
        .sum()
    )
    totals = payout_totals(dataset.payouts)
    totals = totals[totals["total_payout"] != 0]
    units = _units(dataset, totals, conversions)

    posts = dataset.posts[["influencer_id", "date"]].assign(
        influencer_id=dataset.posts["influencer_id"].astype("string")
    )
    post_totals = totals[(totals["basis"] == "post") & (units > 0)]
    post_rows = posts.merge(post_totals[["influencer_id", "total_payout"]], on="influencer_id")
    posts_per_influencer = post_rows.groupby("influencer_id")["date"].transform("size")
    post_rows = post_rows.assign(spend=post_rows["total_payout"] / posts_per_influencer)
    post_rows = post_rows.groupby(["influencer_id", "date"], as_index=False, sort=False)["spend"].sum()

    order_totals = totals[(totals["basis"] == "order") & (units > 0)]
    order_rows = conversions.merge(order_totals[["influencer_id", "total_payout"]], on="influencer_id")
    order_share = order_rows["orders"] / order_rows.groupby("influencer_id")["orders"].transform("sum")
    order_rows = order_rows.assign(spend=order_rows["total_payout"] * order_share)

    undated = totals[units == 0]
    touched = touch_campaigns(dataset.tracking)

    ids = pd.Index(
        pd.concat([totals["influencer_id"], conversions["influencer_id"], touched["influencer_id"]])
        .astype("string")
        .unique(),
        dtype="string",
    ).sort_values()
    campaigns = pd.Index(
        pd.concat([conversions["campaign"], touched["campaign"], pd.Series([UNASSIGNED], dtype="string")])
        .astype("string")
        .unique(),
        dtype="string",
    ).sort_values()

    order_influencer = _codes(conversions["influencer_id"], ids)
    order_campaign = _codes(conversions["campaign"], campaigns)
    touched_influencer = _codes(touched["influencer_id"], ids)
    touched_campaign = _codes(touched["campaign"], campaigns)
    pair_keys = np.concatenate([order_influencer, touched_influencer]) * len(campaigns) + np.concatenate(
        [order_campaign, touched_campaign]
    )
    distinct_pairs, pair_of_key = np.unique(pair_keys, return_inverse=True)
    touched_pairs = pair_of_key[len(order_influencer) :]
    touched_pairs = touched_pairs[np.argsort(touched_influencer, kind="stable")]

    def rows(frame: pd.DataFrame, campaign: np.ndarray, basis: np.ndarray) -> SpendRows:
        return SpendRows(
            influencer=_codes(frame["influencer_id"], ids),
            campaign=campaign,
            date=frame["date"].to_numpy(dtype="datetime64[ns]"),
            basis=basis,
            spend=frame["spend"].to_numpy(dtype="float64"),
        )

    undated_frame = pd.DataFrame(
        {
            "influencer_id": undated["influencer_id"],
            "date": pd.Series(pd.NaT, index=undated.index, dtype="datetime64[ns]"),
            "spend": undated["total_payout"],
        }
    )
    no_campaign = np.full(len(post_rows), -1, dtype=np.int64)
    return SpendParts(
        ids=ids,
        campaigns=campaigns,
        post_rows=rows(post_rows, no_campaign, np.full(len(post_rows), BASES.get_loc("post"))),
        undated=rows(
            undated_frame, np.full(len(undated), -1, dtype=np.int64), _codes(undated["basis"], BASES)
        ),
        order_rows=rows(
            order_rows,
            _codes(order_rows["campaign"], campaigns),
            np.full(len(order_rows), BASES.get_loc("order")),
        ),
        order_influencer=order_influencer,
        order_pair=pair_of_key[: len(order_influencer)],
        order_date=conversions["date"].to_numpy(dtype="datetime64[ns]"),
        order_count=conversions["orders"].to_numpy(dtype="float64"),
        pair_influencer=distinct_pairs // len(campaigns),
        pair_campaign=distinct_pairs % len(campaigns),
        touched_pairs=touched_pairs,
        conversions=conversions,
    )


def _in_dates(dates: np.ndarray, filters: Filters) -> np.ndarray:
    """Return whether each date lies in the filter's (inclusive, possibly open) range; NaT never does."""
    mask = np.ones(len(dates), dtype=bool)
    if filters.start is not None:
        mask &= dates >= np.datetime64(pd.Timestamp(filters.start), "ns")
    if filters.end is not None:
        mask &= dates <= np.datetime64(pd.Timestamp(filters.end), "ns")
    return mask


def _campaign_shares(parts: SpendParts, filters: Filters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """
    Return how each influencer's post-basis (and undated) spend is split across campaigns.

    In proportion to the influencer's coded orders per campaign in the date-filtered period; with none
    there, equally over the campaigns of all its touches (any date); without touches, all to
    ``(unassigned)``.

    Returns
    -------
    (first, campaign, share)
        ``campaign[first[i]:first[i + 1]]`` and ``share[...]`` are influencer ``i``'s campaigns (codes)
        and shares, which sum to 1.
    """
    n_ids, n_pairs = len(parts.ids), len(parts.pair_influencer)
    in_period = _in_dates(parts.order_date, filters)
    # Orders are whole numbers: their float sums are exact, so the shares do not depend on the order.
    pair_orders = np.bincount(
        parts.order_pair[in_period], weights=parts.order_count[in_period], minlength=n_pairs
    )
    influencer_orders = np.bincount(parts.pair_influencer, weights=pair_orders, minlength=n_ids)
    ordered_pairs = np.flatnonzero(pair_orders > 0)

    touched_influencer = parts.pair_influencer[parts.touched_pairs]
    touched_count = np.bincount(touched_influencer, minlength=n_ids)
    by_touches = (influencer_orders[touched_influencer] == 0).nonzero()[0]
    touch_pairs = parts.touched_pairs[by_touches]
    untouched = np.flatnonzero((influencer_orders == 0) & (touched_count == 0))

    influencer = np.concatenate(
        [parts.pair_influencer[ordered_pairs], parts.pair_influencer[touch_pairs], untouched]
    )
    campaign = np.concatenate(
        [
            parts.pair_campaign[ordered_pairs],
            parts.pair_campaign[touch_pairs],
            np.full(len(untouched), parts.campaigns.get_loc(UNASSIGNED), dtype=np.int64),
        ]
    )
    share = np.concatenate(
        [
            pair_orders[ordered_pairs] / influencer_orders[parts.pair_influencer[ordered_pairs]],
            1.0 / touched_count[parts.pair_influencer[touch_pairs]],
            np.ones(len(untouched)),
        ]
    )
    order = np.argsort(influencer, kind="stable")
    first = np.searchsorted(influencer[order], np.arange(n_ids + 1))
    return first, campaign[order], share[order]


def allocate_rows(parts: SpendParts, filters: Filters | None = None) -> SpendRows:
    """
    Allocate every payout to (influencer, campaign, date, basis) under the date filter, as codes.

    See :func:`allocate_spend`, which returns the same rows as a frame.

    Returns
    -------
    SpendRows
        Rows with non-zero spend, sorted by influencer id, campaign, date (undated last) and basis.
    """
    filters = filters or Filters()
    post_rows = parts.post_rows.take(_in_dates(parts.post_rows.date, filters))
    order_rows = parts.order_rows.take(_in_dates(parts.order_rows.date, filters))
    undated = (
        parts.undated.take(np.zeros(len(parts.undated), dtype=bool)) if filters.has_dates else parts.undated
    )

    # Post-basis and undated spend follow the influencer's coded orders per campaign in the period:
    # each row is repeated once per campaign of its influencer and scaled by that campaign's share.
    to_split = SpendRows(
        *(np.concatenate([getattr(post_rows, name), getattr(undated, name)]) for name in SPEND_ARRAYS)
    )
    first, campaign, share = _campaign_shares(parts, filters)
    count = first[to_split.influencer + 1] - first[to_split.influencer]
    repeated = np.repeat(np.arange(len(to_split)), count)
    within = np.arange(len(repeated)) - np.repeat(np.cumsum(count) - count, count)
    position = first[to_split.influencer][repeated] + within
    split = to_split.take(repeated)
    split = SpendRows(
        split.influencer, campaign[position], split.date, split.basis, split.spend * share[position]
    )

    allocated = SpendRows(
        *(np.concatenate([getattr(split, name), getattr(order_rows, name)]) for name in SPEND_ARRAYS)
    )
    allocated = allocated.take(allocated.spend != 0)
    # One basis per influencer, one share per (influencer, campaign) and rows per (influencer, campaign,
    # day) already summed: every (influencer, campaign, date, basis) occurs once, so the order is total.
    undated_last = np.where(np.isnat(allocated.date), np.iinfo(np.int64).max, allocated.date.view(np.int64))
    order = np.lexsort((allocated.basis, undated_last, allocated.campaign, allocated.influencer))
    return allocated.take(order)


SPEND_ARRAYS = ("influencer", "campaign", "date", "basis", "spend")


def spend_frame(rows: SpendRows, parts: SpendParts) -> pd.DataFrame:
    """Return spend rows as a frame: influencer_id, campaign, date, basis, spend (``SPEND_COLUMNS``)."""
    if not len(rows):
        return empty_spend()
    return pd.DataFrame(
        {
            "influencer_id": parts.ids.array.take(rows.influencer),
            "campaign": parts.campaigns.array.take(rows.campaign),
            "date": rows.date,
            "basis": BASES.array.take(rows.basis),
            "spend": rows.spend,
        }
    )


def allocate_spend(
    dataset: Dataset, filters: Filters | None = None, *, parts: SpendParts | None = None
) -> pd.DataFrame:
    """
    Allocate every payout to (influencer, campaign, date) under the date filter.

    Parameters
    ----------
    dataset : Dataset
        Validated frames; payouts, posts and tracking are used.
    filters : Filters, optional
        Only the date range matters here (one-sided ranges are open on the other side); campaign and
        influencer filters are applied by :class:`metrics.view.View` on the result. Product and source
        never split spend.
    parts : SpendParts, optional
        ``spend_parts(dataset)`` when the caller keeps it across filter changes.

    Returns
    -------
    DataFrame
        influencer_id, campaign, date (NaT for a payout without units), basis, spend — one row per
        (influencer, campaign, date, basis) with non-zero spend, ordered by influencer id, campaign, date
        (undated last) and basis. Without a date filter the spend sums to Σ total_payout.

    Examples
    --------
    An order-basis payout of 300 over conversions of 1 and 2 orders gives 100 and 200, dated like them.
    """
    parts = parts if parts is not None else spend_parts(dataset)
    return spend_frame(allocate_rows(parts, filters), parts)


def payout_findings(dataset: Dataset, *, parts: SpendParts | None = None) -> pd.DataFrame:
    """
    Return data-quality rows about payouts that spend allocation had to interpret.

    One row per influencer whose payout has no units (it is undated, so it counts only without a date
    filter), and one per influencer with several payout rows (summed; the first row's basis and rate are
    used, a disagreement is named).

    Parameters
    ----------
    dataset : Dataset
        Validated frames.
    parts : SpendParts, optional
        ``spend_parts(dataset)`` when the caller has it (saves a pass over tracking).

    Returns
    -------
    DataFrame
        Columns of the data-quality report (file, row, column, value, problem, action); ``row`` is empty
        because a finding concerns an influencer, not one line.
    """
    totals = payout_totals(dataset.payouts)
    conversions = parts.conversions if parts is not None else coded_orders(dataset.tracking)
    units = _units(dataset, totals, conversions)

    no_units = totals[(units == 0) & (totals["total_payout"] != 0)]
    unit_name = no_units["basis"].map(
        {"post": "no posts in posts.csv", "order": "no coded orders in tracking"}
    )
    no_units_rows = pd.DataFrame(
        {
            "column": "influencer_id",
            "value": no_units["influencer_id"],
            "problem": "payout without units: " + unit_name,
            "action": "kept undated: counts only when no date filter is set",
        }
    )

    repeated = totals[totals["payout_rows"] > 1]
    disagreement = np.where(
        repeated["bases"] > 1,
        "; bases disagree, the first row's basis is used",
        np.where(repeated["rates"] > 1, "; rates disagree, the first row's rate is used", ""),
    )
    repeated_rows = pd.DataFrame(
        {
            "column": "influencer_id",
            "value": repeated["influencer_id"],
            "problem": repeated["payout_rows"].astype("int64").astype("string")
            + " payout rows for one influencer"
            + disagreement,
            "action": "totals summed",
        }
    )
    findings = pd.concat([no_units_rows, repeated_rows], ignore_index=True)
    findings.insert(0, "file", "payouts")
    findings.insert(1, "row", pd.array([pd.NA] * len(findings), dtype="Int64"))
    return findings[QUALITY_COLUMNS].astype(
        {"file": "string", "column": "string", "value": "string", "problem": "string", "action": "string"}
    )
