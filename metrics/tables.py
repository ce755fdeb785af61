"""Campaign and influencer tables and the daily trend of a view (docs/metrics.md).

Every ratio is a ratio of sums over the group (Σrevenue / Σspend), NaN on a zero denominator.
"""

from __future__ import annotations

import pandas as pd

from metrics.kpis import MONEY_COLUMNS, money_ratios
from metrics.ratios import ratio_of_sums
from metrics.view import FUNNEL_COLUMNS, PROFILE_COLUMNS, View

CAMPAIGN_COLUMNS = ["campaign", *MONEY_COLUMNS, *FUNNEL_COLUMNS]
INFLUENCER_COLUMNS = [
    *PROFILE_COLUMNS,
    "posts",
    "reach",
    "likes",
    "comments",
    "engagements",
    "engagement_rate",
    "engagement_rate_followers",
    "orders",
    "revenue",
    "spend",
    "roas",
    "roi",
    "cpa",
    "cpm",
    "cpe",
    "conversion_rate",
]
TREND_COLUMNS = ["date", "campaign", "revenue", "orders", "spend"]


def campaign_table(view: View) -> pd.DataFrame:
    """
    Compute one row per campaign with a touch, credit or spend in the view.

    Credit belongs to the credited touch's campaign; a campaign's touched and converting users follow
    :meth:`View.user_funnel`. Credit or touches without a campaign name are left out; allocated spend
    without a campaign appears as ``(unassigned)``.

    Returns
    -------
    DataFrame
        ``CAMPAIGN_COLUMNS``, ordered by revenue (highest first), then spend, then name.
    """
    revenue = view.credited_totals("campaign")
    spend = view.spend_totals("campaign")
    funnel = view.user_funnel("campaign")
    names = revenue.index.union(spend.index).union(funnel.index).dropna()
    table = pd.DataFrame(index=pd.Index(names, name="campaign", dtype="string"))
    table = table.join(revenue).join(spend).join(funnel[["touched_users", "converting_users"]])
    table = table.fillna(
        {"revenue": 0.0, "orders": 0.0, "spend": 0.0, "touched_users": 0, "converting_users": 0}
    )
    table = table.astype({"touched_users": "int64", "converting_users": "int64"})
    table = pd.concat([table, money_ratios(table["revenue"], table["orders"], table["spend"])], axis=1)
    table["conversion_rate"] = ratio_of_sums(table["converting_users"], table["touched_users"])
    table = table.reset_index()
    table = table.sort_values(["revenue", "spend", "campaign"], ascending=[False, False, True], kind="stable")
    return table[CAMPAIGN_COLUMNS].reset_index(drop=True)


def influencer_table(view: View) -> pd.DataFrame:
    """
    Compute one row per influencer passing the influencer filters, unknown ids included.

    With a campaign filter, only influencers with a touch, credit or spend in those campaigns are listed.
    Posts, reach, likes and comments come from the view's posts; engagement_rate = engagements / reach;
    engagement_rate_followers = engagements / (posts x follower_count); orders and revenue are credited
    under the view's model.

    Returns
    -------
    DataFrame
        ``INFLUENCER_COLUMNS``, ordered by revenue (highest first), then spend, then id.
    """
    people = view.influencers.set_index("influencer_id")
    ids = view.selected_ids
    if view.filters.campaigns:
        active = view.user_funnel("influencer_id").index
        active = active.union(view.credited_totals("influencer_id").index)
        active = active.union(view.spend_totals("influencer_id").index)
        ids = ids[ids.isin(active)]
    table = people.loc[ids, ["name", "platform", "category", "gender", "follower_count", "tier"]]

    posts = view.posts.groupby("influencer_id", sort=False).agg(
        posts=("date", "size"), reach=("reach", "sum"), likes=("likes", "sum"), comments=("comments", "sum")
    )
    counts = posts.reindex(ids).fillna(0).astype("int64")
    table = table.join(counts)
    table["engagements"] = table["likes"] + table["comments"]
    table["engagement_rate"] = ratio_of_sums(table["engagements"], table["reach"])
    audience = table["posts"] * table["follower_count"].astype("float64")
    table["engagement_rate_followers"] = ratio_of_sums(table["engagements"], audience.fillna(0.0))

    credited = view.credited_totals("influencer_id")[["orders", "revenue"]].reindex(ids).fillna(0.0)
    spend = view.spend_totals("influencer_id").reindex(ids).fillna(0.0)
    table = table.join(credited).join(spend)
    table = pd.concat([table, money_ratios(table["revenue"], table["orders"], table["spend"])], axis=1)
    table["cpm"] = 1000 * ratio_of_sums(table["spend"], table["reach"])
    table["cpe"] = ratio_of_sums(table["spend"], table["engagements"])
    funnel = view.user_funnel("influencer_id")["conversion_rate"]
    table["conversion_rate"] = funnel.reindex(ids).to_numpy(dtype="float64")

    table = table.rename_axis("influencer_id").reset_index()
    table = table.sort_values(
        ["revenue", "spend", "influencer_id"], ascending=[False, False, True], kind="stable"
    )
    return table[INFLUENCER_COLUMNS].reset_index(drop=True)


def influencer_returns(view: View) -> pd.DataFrame:
    """
    Compute revenue, orders and spend of the influencers with either, passing the influencer filters.

    The returns part of :func:`influencer_table` (no posts, no funnel), for charts that rank influencers by
    revenue: its rows are that table's rows with non-zero revenue or spend, in the same order.

    Returns
    -------
    DataFrame
        influencer_id, name, revenue, orders, spend; ordered by revenue (highest first), then spend, then id.
    """
    ids = view.selected_ids
    credited = view.credited_totals("influencer_id")[["orders", "revenue"]].reindex(ids).fillna(0.0)
    table = credited.join(view.spend_totals("influencer_id").reindex(ids).fillna(0.0))
    table = table[(table["revenue"] != 0) | (table["spend"] != 0)]
    table.insert(0, "name", view.influencers.set_index("influencer_id")["name"].reindex(table.index))
    table = table.rename_axis("influencer_id").reset_index()
    table = table.sort_values(
        ["revenue", "spend", "influencer_id"], ascending=[False, False, True], kind="stable"
    )
    return table[["influencer_id", "name", "revenue", "orders", "spend"]].reset_index(drop=True)


def trends(view: View) -> pd.DataFrame:
    """
    Compute revenue, orders and spend per (date, campaign), sparse.

    Only pairs with non-zero revenue or dated spend are listed; undated spend is left out. Credit on a
    touch without a campaign keeps an empty campaign, so the trend sums to the KPI revenue.

    Returns
    -------
    DataFrame
        ``TREND_COLUMNS`` ordered by date, then campaign.
    """
    credited = view.credited_daily("campaign")
    dated = view.spend[view.spend["date"].notna()]
    spend = dated.groupby(["date", "campaign"], dropna=False)[["spend"]].sum()
    table = credited.join(spend, how="outer").fillna(0.0).reset_index()
    table = table[(table["revenue"] != 0) | (table["spend"] != 0)]
    table = table.astype(
        {"campaign": "string", "revenue": "float64", "orders": "float64", "spend": "float64"}
    )
    table["date"] = table["date"].astype("datetime64[ns]")
    table = table.sort_values(["date", "campaign"], kind="stable", na_position="first")
    return table[TREND_COLUMNS].reset_index(drop=True)


RETURN_COLUMNS = ["revenue", "orders", "spend", "roas", "roi", "cpa", "aov"]
UNKNOWN_GROUP = "(unknown)"


def group_returns(influencers: pd.DataFrame, by: str) -> pd.DataFrame:
    """
    Return revenue, orders, spend and their ratios per influencer attribute (platform, category, tier).

    Parameters
    ----------
    influencers : DataFrame
        ``metrics.tables.influencer_table`` of the view: its credited revenue and orders and allocated
        spend per influencer, so the group sums equal the KPI totals.
    by : str
        The attribute column; influencers without it (unknown ids) form the group ``(unknown)``.

    Returns
    -------
    DataFrame
        ``by`` and ``RETURN_COLUMNS``, ratios from ``metrics.money_ratios`` (ratios of sums), largest
        revenue first.
    """
    keys = influencers[by].astype("string").fillna(UNKNOWN_GROUP)
    sums = influencers[["revenue", "orders", "spend"]].groupby(keys.rename(by)).sum()
    table = pd.concat([sums, money_ratios(sums["revenue"], sums["orders"], sums["spend"])], axis=1)
    table = table.reset_index().sort_values(["revenue", "spend", by], ascending=[False, False, True])
    return table[[by, *RETURN_COLUMNS]].reset_index(drop=True)
