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

from metrics.attribution import conversion_mask
from metrics.dataset import QUALITY_COLUMNS, Dataset
from metrics.filters import Filters

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
    touches = tracking.loc[tracking["influencer_id"].notna(), ["influencer_id", "campaign"]]
    pairs = touches.assign(
        influencer_id=touches["influencer_id"].astype("string"),
        campaign=touches["campaign"].astype("string").fillna(UNASSIGNED),
    ).drop_duplicates()
    return pairs.reset_index(drop=True)


def campaign_shares(
    ids: pd.Index, conversions_in_period: pd.DataFrame, campaigns_touched: pd.DataFrame
) -> pd.DataFrame:
    """
    Return how each influencer's post-basis (and undated) spend is split across campaigns.

    In proportion to the influencer's coded orders per campaign in the date-filtered period; with none
    there, equally over the campaigns of all its touches (any date); without touches, all to
    ``(unassigned)``.

    Parameters
    ----------
    ids : Index
        Influencer ids to split.
    conversions_in_period : DataFrame
        Coded orders dated inside the date filter (from :func:`coded_orders`).
    campaigns_touched : DataFrame
        The campaigns of every influencer's touches (from :func:`touch_campaigns`).

    Returns
    -------
    DataFrame
        influencer_id, campaign, share; the shares of one influencer sum to 1.
    """
    wanted = conversions_in_period[conversions_in_period["influencer_id"].isin(ids)]
    by_orders = wanted.groupby(["influencer_id", "campaign"], as_index=False)["orders"].sum()
    by_orders["share"] = by_orders["orders"] / by_orders.groupby("influencer_id")["orders"].transform("sum")

    rest = ids.difference(pd.Index(by_orders["influencer_id"]))
    by_touches = campaigns_touched[campaigns_touched["influencer_id"].isin(rest)].copy()
    by_touches["share"] = 1.0 / by_touches.groupby("influencer_id")["campaign"].transform("size")

    untouched = rest.difference(pd.Index(by_touches["influencer_id"]))
    unassigned = pd.DataFrame({"influencer_id": untouched, "campaign": UNASSIGNED, "share": 1.0})
    parts = [
        part[["influencer_id", "campaign", "share"]]
        for part in (by_orders, by_touches, unassigned)
        if not part.empty
    ]
    if not parts:
        return pd.DataFrame(
            {
                "influencer_id": pd.Series(dtype="string"),
                "campaign": pd.Series(dtype="string"),
                "share": pd.Series(dtype="float64"),
            }
        )
    shares = pd.concat(parts, ignore_index=True)
    return shares.astype({"influencer_id": "string", "campaign": "string", "share": "float64"})


def _units(dataset: Dataset, totals: pd.DataFrame, conversions: pd.DataFrame) -> pd.Series:
    """Return units per influencer of ``totals`` (posts for post basis, coded orders for order basis)."""
    posts = dataset.posts["influencer_id"].astype("string").value_counts()
    orders = conversions.groupby("influencer_id")["orders"].sum()
    ids = totals["influencer_id"]
    by_post = ids.map(posts).fillna(0).to_numpy(dtype="float64")
    by_order = ids.map(orders).fillna(0).to_numpy(dtype="float64")
    return pd.Series(np.where(totals["basis"] == "order", by_order, by_post), index=totals.index)


@dataclass(frozen=True)
class SpendParts:
    """
    Hold the filter-independent pieces of the allocation, computed once per dataset.

    Attributes
    ----------
    post_rows : DataFrame
        influencer_id, date, spend: the equal shares per post of post-basis payouts, summed per day.
    order_rows : DataFrame
        influencer_id, campaign, date, basis, spend: the shares per conversion of order-basis payouts,
        summed per campaign and day.
    undated : DataFrame
        influencer_id, date (NaT), basis, spend: payouts without units.
    conversions : DataFrame
        The coded orders summed per (influencer_id, campaign, date), which split post-basis spend across
        campaigns.
    campaigns_touched : DataFrame
        The campaigns of every influencer's touches (:func:`touch_campaigns`).
    """

    post_rows: pd.DataFrame
    order_rows: pd.DataFrame
    undated: pd.DataFrame
    conversions: pd.DataFrame
    campaigns_touched: pd.DataFrame


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
    order_rows = order_rows.assign(spend=order_rows["total_payout"] * order_share, basis="order")

    undated = totals[units == 0].rename(columns={"total_payout": "spend"})
    undated = undated.assign(date=pd.Series(pd.NaT, index=undated.index, dtype="datetime64[ns]"))
    return SpendParts(
        post_rows=post_rows.reset_index(drop=True),
        order_rows=order_rows[SPEND_COLUMNS].reset_index(drop=True),
        undated=undated[["influencer_id", "date", "basis", "spend"]].reset_index(drop=True),
        conversions=conversions,
        campaigns_touched=touch_campaigns(dataset.tracking),
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
        (influencer, campaign, date, basis) with non-zero spend. Without a date filter the spend sums to
        Σ total_payout.

    Examples
    --------
    An order-basis payout of 300 over conversions of 1 and 2 orders gives 100 and 200, dated like them.
    """
    filters = filters or Filters()
    parts = parts if parts is not None else spend_parts(dataset)
    post_rows = parts.post_rows[filters.date_mask(parts.post_rows["date"])]
    order_rows = parts.order_rows[filters.date_mask(parts.order_rows["date"])]
    undated = parts.undated.iloc[0:0] if filters.has_dates else parts.undated

    # Post-basis and undated spend follow the influencer's coded orders per campaign in the period.
    to_split = pd.concat([post_rows.assign(basis="post"), undated], ignore_index=True)
    conversions_in_period = parts.conversions[filters.date_mask(parts.conversions["date"])]
    shares = campaign_shares(
        pd.Index(to_split["influencer_id"].unique()), conversions_in_period, parts.campaigns_touched
    )
    split = to_split.merge(shares, on="influencer_id")
    split["spend"] = split["spend"] * split["share"]

    # One basis per influencer, one share per (influencer, campaign) and rows per (influencer, campaign,
    # day) already summed: every (influencer, campaign, date, basis) occurs once, no regrouping needed.
    allocated = pd.concat([split[SPEND_COLUMNS], order_rows], ignore_index=True)
    allocated = allocated[allocated["spend"] != 0]
    if allocated.empty:
        return empty_spend()
    allocated = allocated.astype(
        {"influencer_id": "string", "campaign": "string", "basis": "string", "spend": "float64"}
    )
    allocated["date"] = allocated["date"].astype("datetime64[ns]")
    allocated = allocated.sort_values(["influencer_id", "campaign", "date", "basis"], kind="stable")
    return allocated[SPEND_COLUMNS].reset_index(drop=True)


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
