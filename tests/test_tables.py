"""Campaign and influencer tables and trends: row sets, per-group formulas, unknown ids, empty results."""

import math

import pandas as pd
import pytest

from metrics.filters import Filters, Options
from metrics.tables import (
    CAMPAIGN_COLUMNS,
    INFLUENCER_COLUMNS,
    TREND_COLUMNS,
    campaign_table,
    influencer_returns,
    influencer_table,
    trends,
)
from metrics.view import View

INFLUENCERS = [
    {"influencer_id": "A", "platform": "Instagram", "follower_count": 10_000},
    {"influencer_id": "B", "platform": "YouTube", "follower_count": 2_000},
    {"influencer_id": "C", "platform": "Instagram", "follower_count": 0},
]
POSTS = [
    {"influencer_id": "A", "date": "2025-05-01", "reach": 1_000, "likes": 80, "comments": 20},
    {"influencer_id": "A", "date": "2025-05-03", "reach": 3_000, "likes": 100, "comments": 0},
    {"influencer_id": "B", "date": "2025-05-02", "reach": 500, "likes": 40, "comments": 10},
    {"influencer_id": "C", "date": "2025-05-02", "reach": 0, "likes": 0, "comments": 0},
]
# u1: clicks A (C1) then buys through B (C2). u2: buys through A (C1). u3: clicks B (C2) only.
# Z is in tracking but not in influencers.csv: it earns revenue in C3.
TRACKING = [
    {"influencer_id": "A", "campaign": "C1", "user_id": "u1", "date": "2025-05-01"},
    {
        "influencer_id": "B",
        "campaign": "C2",
        "user_id": "u1",
        "date": "2025-05-02",
        "orders": 1,
        "revenue": 400.0,
    },
    {
        "influencer_id": "A",
        "campaign": "C1",
        "user_id": "u2",
        "date": "2025-05-03",
        "orders": 3,
        "revenue": 900.0,
    },
    {"influencer_id": "B", "campaign": "C2", "user_id": "u3", "date": "2025-05-03"},
    {
        "influencer_id": "Z",
        "campaign": "C3",
        "user_id": "u4",
        "date": "2025-05-04",
        "orders": 1,
        "revenue": 50.0,
    },
]
PAYOUTS = [
    {"influencer_id": "A", "basis": "post", "total_payout": 300.0},
    {"influencer_id": "B", "basis": "order", "total_payout": 200.0},
    {"influencer_id": "C", "basis": "post", "total_payout": 100.0},
]


@pytest.fixture
def dataset(make_dataset):
    return make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)


def test_campaign_table_rows_and_values(dataset):
    table = campaign_table(View(dataset)).set_index("campaign")
    # C's post-basis 100 has no orders and no touches: (unassigned).
    assert list(table.index) == ["C1", "C2", "C3", "(unassigned)"]
    c1 = table.loc["C1"]
    assert (c1["revenue"], c1["orders"], c1["spend"]) == (900.0, 3.0, 300.0)
    assert (c1["roas"], c1["roi"], c1["cpa"], c1["aov"]) == (3.0, 2.0, 100.0, 300.0)
    # u1 touched C1 and converted through C2 with that touch in its journey: converting for C1 too.
    assert (c1["touched_users"], c1["converting_users"], c1["conversion_rate"]) == (2, 2, 1.0)
    c2 = table.loc["C2"]
    assert (c2["revenue"], c2["spend"], c2["roas"]) == (400.0, 200.0, 2.0)
    assert (c2["touched_users"], c2["converting_users"], c2["conversion_rate"]) == (2, 1, 0.5)
    c3 = table.loc["C3"]
    assert (c3["revenue"], c3["spend"]) == (50.0, 0.0)
    assert math.isnan(c3["roas"]) and math.isnan(c3["roi"])
    unassigned = table.loc["(unassigned)"]
    assert (unassigned["spend"], unassigned["revenue"], unassigned["touched_users"]) == (100.0, 0.0, 0)
    assert list(campaign_table(View(dataset)).columns) == CAMPAIGN_COLUMNS


def test_a_campaign_row_is_the_same_filtered_or_not(dataset):
    for model in ("last_touch", "linear"):
        options = Options(model=model)
        everything = campaign_table(View(dataset, options=options)).set_index("campaign")
        only_c1 = campaign_table(View(dataset, Filters.make(campaigns=["C1"]), options)).set_index("campaign")
        assert list(only_c1.index) == ["C1"]
        pd.testing.assert_series_equal(only_c1.loc["C1"], everything.loc["C1"])


def test_linear_credit_moves_revenue_between_campaigns(dataset):
    table = campaign_table(View(dataset, options=Options(model="linear"))).set_index("campaign")
    assert table.loc["C1", "revenue"] == 900.0 + 200.0
    assert table.loc["C2", "revenue"] == 200.0
    assert table["revenue"].sum() == 1_350.0


def test_campaigns_without_a_name_are_left_out(make_dataset):
    dataset = make_dataset(
        influencers=[{"influencer_id": "A"}],
        tracking=[{"influencer_id": "A", "user_id": "u", "date": "2025-05-01", "orders": 1, "revenue": 10.0}],
    )
    assert campaign_table(View(dataset)).empty
    # ... but trends keep the credit, so the trend sums to the KPI revenue.
    assert trends(View(dataset))["revenue"].sum() == 10.0


def test_influencer_table_values(dataset):
    table = influencer_table(View(dataset)).set_index("influencer_id")
    assert list(table.index) == ["A", "B", "Z", "C"]
    a = table.loc["A"]
    assert (a["posts"], a["reach"], a["likes"], a["comments"], a["engagements"]) == (2, 4_000, 180, 20, 200)
    assert a["engagement_rate"] == pytest.approx(200 / 4_000)
    # Follower based: 200 engagements / (2 posts x 10,000 followers).
    assert a["engagement_rate_followers"] == pytest.approx(0.01)
    assert (a["orders"], a["revenue"], a["spend"], a["roas"], a["roi"], a["cpa"]) == (3, 900, 300, 3, 2, 100)
    assert a["cpm"] == pytest.approx(1000 * 300 / 4_000)
    assert a["cpe"] == pytest.approx(300 / 200)
    # A touched u1 and u2; u1's conversion (through B) has A's touch in its journey.
    assert a["conversion_rate"] == 1.0
    assert table.loc["B", "conversion_rate"] == 0.5
    assert list(influencer_table(View(dataset)).columns) == INFLUENCER_COLUMNS


def test_influencer_returns_are_the_influencer_rows_with_revenue_or_spend(dataset):
    """A: 3 orders, 900 revenue, 300 spend (as above); Z is unknown (no name) with 50 revenue; the rows and
    their order are the influencer table's, less any row with neither revenue nor spend."""
    returns = influencer_returns(View(dataset))
    full = influencer_table(View(dataset))
    active = full[(full["revenue"] != 0) | (full["spend"] != 0)]
    assert returns["influencer_id"].tolist() == active["influencer_id"].tolist()
    a = returns.set_index("influencer_id").loc["A"]
    assert (a["name"], a["orders"], a["revenue"], a["spend"]) == ("Name A", 3, 900, 300)
    assert pd.isna(returns.set_index("influencer_id").loc["Z", "name"])
    assert influencer_returns(View(dataset, Filters.make(platforms=["Nowhere"]))).empty


def test_zero_reach_and_zero_followers_give_undefined_rates(dataset):
    c = influencer_table(View(dataset)).set_index("influencer_id").loc["C"]
    assert (c["posts"], c["reach"], c["spend"]) == (1, 0, 100.0)
    for column in ["engagement_rate", "engagement_rate_followers", "cpm", "cpe", "cpa", "conversion_rate"]:
        assert math.isnan(c[column]), column


def test_unknown_influencers_appear_with_empty_attributes(dataset):
    z = influencer_table(View(dataset)).set_index("influencer_id").loc["Z"]
    assert z[["name", "platform", "category", "gender", "follower_count", "tier"]].isna().all()
    assert (z["revenue"], z["posts"]) == (50.0, 0)
    assert "Z" not in set(
        influencer_table(View(dataset, Filters.make(platforms=["Instagram"])))["influencer_id"]
    )


def test_influencer_rows_with_a_campaign_filter_need_a_touch_credit_or_spend_there(dataset):
    table = influencer_table(View(dataset, Filters.make(campaigns=["C2"])))
    assert table["influencer_id"].tolist() == ["B"]
    # With no filter every influencer passing the influencer filters is listed, active or not.
    idle = influencer_table(View(dataset, Filters.make(platforms=["Instagram"])))
    assert sorted(idle["influencer_id"]) == ["A", "C"]


def test_empty_results_are_well_formed(dataset):
    view = View(dataset, Filters.make(categories=["Nobody"]))
    for table, columns in [
        (campaign_table(view), CAMPAIGN_COLUMNS),
        (influencer_table(view), INFLUENCER_COLUMNS),
        (trends(view), TREND_COLUMNS),
    ]:
        assert table.empty
        assert list(table.columns) == columns


def test_trends_are_sparse_and_leave_undated_spend_out(dataset, make_dataset):
    table = trends(View(dataset))
    assert list(table.columns) == TREND_COLUMNS
    rows = {(d.strftime("%m-%d"), c): (r, o, s) for d, c, r, o, s in table.itertuples(index=False)}
    assert rows == {
        ("05-01", "C1"): (0.0, 0.0, 150.0),
        ("05-02", "C2"): (400.0, 1.0, 200.0),
        ("05-02", "(unassigned)"): (0.0, 0.0, 100.0),
        ("05-03", "C1"): (900.0, 3.0, 150.0),
        ("05-04", "C3"): (50.0, 1.0, 0.0),
    }
    undated = make_dataset(
        influencers=[{"influencer_id": "A"}],
        payouts=[{"influencer_id": "A", "basis": "post", "total_payout": 10.0}],
    )
    assert View(undated).spend["spend"].sum() == 10.0
    assert trends(View(undated)).empty
