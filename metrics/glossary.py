"""What each metric means, written once: card tooltips and column-header tooltips read it (docs/metrics.md).

Keys are the export-contract column names, so a table's column and its tooltip share one name.
"""

from __future__ import annotations

from metrics.incrementality import INTERVAL_NOTE

LABELS = {
    "revenue": "Revenue",
    "orders": "Orders",
    "spend": "Spend",
    "roas": "ROAS",
    "roi": "ROI",
    "cpa": "CPA",
    "aov": "AOV",
    "reach": "Reach",
    "likes": "Likes",
    "comments": "Comments",
    "engagements": "Engagements",
    "engagement_rate": "Engagement rate",
    "engagement_rate_followers": "Engagement rate (followers)",
    "cpm": "CPM",
    "cpe": "CPE",
    "touched_users": "Touched users",
    "converting_users": "Converting users",
    "conversion_rate": "Conversion rate",
    "incremental_revenue": "Incremental revenue",
    "iroas": "iROAS",
    "iroas_low": "iROAS low (95%)",
    "iroas_high": "iROAS high (95%)",
    "posts": "Posts",
    "follower_count": "Followers",
    "tier": "Tier",
    "score": "Score",
    "quadrant": "Quadrant",
    "campaign": "Campaign",
    "influencer_id": "Influencer id",
    "name": "Name",
    "platform": "Platform",
    "category": "Category",
    "gender": "Gender",
    "basis": "Basis",
    "rate": "Rate",
    "units": "Units",
    "total_payout": "Total payout",
    "computed_payout": "Computed payout",
    "status": "Status",
    "file": "File",
    "row": "Row",
    "column": "Column",
    "value": "Value",
    "problem": "Problem",
    "action": "Action",
}

FORMULAS = {
    "revenue": "Revenue credited to influencer touches under the selected attribution model "
    "(weight × the conversion's revenue), for conversions dated in the period.",
    "orders": "Orders credited under the selected attribution model (may be fractional).",
    "spend": "Payouts allocated to the period: per post on the post date (post basis) or per order on the "
    "order date (order basis).",
    "roas": "Return on ad spend = revenue ÷ spend.",
    "roi": "Return on investment = (revenue − spend) ÷ spend.",
    "cpa": "Cost per acquisition = spend ÷ orders.",
    "aov": "Average order value = revenue ÷ orders.",
    "reach": "Σ reach of the posts in the period.",
    "likes": "Σ likes of the posts in the period.",
    "comments": "Σ comments of the posts in the period.",
    "engagements": "Likes + comments.",
    "engagement_rate": "Engagements ÷ reach.",
    "engagement_rate_followers": "Engagements ÷ (posts × followers).",
    "cpm": "Cost per thousand reached = 1000 × spend ÷ reach.",
    "cpe": "Cost per engagement = spend ÷ engagements.",
    "touched_users": "Users with an influencer touch dated in the period.",
    "converting_users": "Touched users with a conversion in the period whose journey holds such a touch.",
    "conversion_rate": "Converting users ÷ touched users.",
    "incremental_revenue": "Revenue caused by exposure: on each day within the window (14 days by default) "
    "after an influencer first reached a user, the user's revenue minus the unexposed control group's mean "
    "and the user's own baseline, shared among the influencers whose windows cover that day.",
    "iroas": f"Incremental ROAS = incremental revenue ÷ spend. {INTERVAL_NOTE}.",
    "iroas_low": f"Lower end of the {INTERVAL_NOTE}.",
    "iroas_high": f"Upper end of the {INTERVAL_NOTE}.",
    "posts": "Posts in the period.",
    "follower_count": "Followers from influencers.csv.",
    "tier": "Nano < 10k followers, micro < 100k, macro < 1M, mega ≥ 1M.",
    "score": "0–100: ROAS (shrunk to the pool) 30%, engagement rate 20%, conversion rate 20%, revenue 20%, "
    "CPE 10%, each as a percentile rank.",
    "basis": "post: paid per post; order: paid per order.",
    "rate": "The payout file's rate, or total payout ÷ units when missing.",
    "units": "Posts in posts.csv (post basis) or coded orders in tracking (order basis).",
    "total_payout": "Σ total_payout of the influencer's payout rows.",
    "computed_payout": "Rate × units.",
    "status": "ok; mismatch (total differs from rate × units by > 1%); no_rate (no rate in payouts.csv: "
    "cannot be checked); no_units; missing (no payout row).",
}


def label(column: str) -> str:
    """Return the display name of a column (its own name, humanised, when not listed)."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


def formula(column: str) -> str | None:
    """Return the one-sentence definition of a metric column, or None for plain attributes."""
    return FORMULAS.get(column)
