"""KPIs: every formula by hand, undefined ratios as NaN, ratio of sums, and the previous period."""

import datetime as dt
import math

import pandas as pd
import pytest

from metrics.filters import Filters
from metrics.kpis import KPI_COLUMNS, MONEY_COLUMNS, kpi_table, money_table, previous_period
from metrics.view import View

INFLUENCERS = [
    {"influencer_id": "A", "follower_count": 20_000},
    {"influencer_id": "B", "platform": "YouTube", "follower_count": 1_000},
]
POSTS = [
    {"influencer_id": "A", "date": "2025-03-01", "reach": 4_000, "likes": 300, "comments": 100},
    {"influencer_id": "A", "date": "2025-03-02", "reach": 6_000, "likes": 500, "comments": 100},
    {"influencer_id": "B", "date": "2025-03-03", "reach": 10_000, "likes": 900, "comments": 100},
]
TRACKING = [
    {
        "influencer_id": "A",
        "campaign": "C1",
        "user_id": "u1",
        "date": "2025-03-01",
        "orders": 2,
        "revenue": 3_000.0,
    },
    {"influencer_id": "A", "campaign": "C1", "user_id": "u2", "date": "2025-03-02"},
    {
        "influencer_id": "B",
        "campaign": "C2",
        "user_id": "u3",
        "date": "2025-03-03",
        "orders": 2,
        "revenue": 1_000.0,
    },
    {"influencer_id": "B", "campaign": "C2", "user_id": "u4", "date": "2025-03-04"},
    {"influencer_id": "B", "campaign": "C2", "user_id": "u4", "date": "2025-03-05"},
    {"user_id": "u5", "date": "2025-03-05", "orders": 1, "revenue": 10_000.0},
]
PAYOUTS = [
    {"influencer_id": "A", "basis": "post", "total_payout": 1_000.0},
    {"influencer_id": "B", "basis": "order", "total_payout": 1_000.0},
]


@pytest.fixture
def dataset(make_dataset):
    return make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)


def kpis(dataset, **filters) -> pd.Series:
    return kpi_table(View(dataset, Filters.make(**filters))).iloc[0]


def test_kpis_follow_their_definitions(dataset):
    row = kpis(dataset)
    # Organic revenue (u5) is never influencer revenue.
    assert row["revenue"] == 4_000.0
    assert row["orders"] == 4.0
    assert row["spend"] == 2_000.0
    assert row["roas"] == pytest.approx(2.0)
    assert row["roi"] == pytest.approx(1.0)
    assert row["cpa"] == pytest.approx(500.0)
    assert row["aov"] == pytest.approx(1_000.0)
    assert row["reach"] == 20_000
    assert row["engagements"] == 2_000
    assert row["engagement_rate"] == pytest.approx(0.1)
    assert row["cpm"] == pytest.approx(100.0)
    assert row["cpe"] == pytest.approx(1.0)
    assert (row["touched_users"], row["converting_users"]) == (4, 2)
    assert row["conversion_rate"] == pytest.approx(0.5)


def test_money_table_is_the_money_part_of_the_kpis(dataset):
    """Revenue 4,000, orders 4, spend 2,000 as above; with a filter too, the same as kpi_table's columns."""
    row = money_table(View(dataset)).iloc[0]
    assert list(row.index) == MONEY_COLUMNS
    assert row.tolist() == pytest.approx([4_000.0, 4.0, 2_000.0, 2.0, 1.0, 500.0, 1_000.0])
    for filters in [Filters(), Filters.make(platforms=["Instagram"])]:
        view = View(dataset, filters)
        pd.testing.assert_frame_equal(money_table(view), kpi_table(view)[MONEY_COLUMNS])


def test_kpi_table_has_the_contract_columns(dataset):
    table = kpi_table(View(dataset))
    assert list(table.columns) == KPI_COLUMNS
    assert len(table) == 1


def test_roas_is_a_ratio_of_sums_not_a_mean_of_ratios(dataset):
    # A: 3000 / 1000 = 3, B: 1000 / 3000 = 1/3; their mean is 1.67, the ratio of sums 4000 / 4000 = 1.
    heavier = dataset.replace(
        payouts=dataset.payouts.assign(total_payout=[1_000.0, 3_000.0]),
    )
    assert kpis(heavier)["roas"] == pytest.approx(1.0)


def test_zero_denominators_give_nan_never_inf(make_dataset):
    # Clicks only: no orders, no revenue; no payouts; posts without reach.
    dataset = make_dataset(
        influencers=[{"influencer_id": "A"}],
        posts=[{"influencer_id": "A", "date": "2025-03-01", "reach": 0, "likes": 0, "comments": 0}],
        tracking=[{"influencer_id": "A", "campaign": "C1", "user_id": "u1", "date": "2025-03-01"}],
    )
    row = kpis(dataset)
    for column in ["roas", "roi", "cpa", "aov", "engagement_rate", "cpm", "cpe"]:
        assert math.isnan(row[column]), column
    assert (row["revenue"], row["orders"], row["spend"], row["reach"]) == (0.0, 0.0, 0.0, 0)
    assert row["conversion_rate"] == 0.0


def test_spend_without_revenue_gives_roas_zero_and_roi_minus_one(make_dataset):
    dataset = make_dataset(
        influencers=[{"influencer_id": "A"}],
        posts=[{"influencer_id": "A", "date": "2025-03-01"}],
        payouts=[{"influencer_id": "A", "basis": "post", "total_payout": 500.0}],
    )
    row = kpis(dataset)
    assert (row["roas"], row["roi"]) == (0.0, -1.0)
    assert math.isnan(row["cpa"])


def test_an_empty_filter_result_gives_zero_sums_and_undefined_ratios(dataset):
    row = kpis(dataset, platforms=["Snapchat"])
    assert (row["revenue"], row["orders"], row["spend"], row["reach"], row["touched_users"]) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert row[["roas", "roi", "cpa", "aov", "engagement_rate", "cpm", "cpe", "conversion_rate"]].isna().all()


def test_filters_narrow_every_kpi(dataset):
    row = kpis(dataset, platforms=["YouTube"])
    assert (row["revenue"], row["spend"], row["reach"], row["engagements"]) == (
        1_000.0,
        1_000.0,
        10_000,
        1_000,
    )
    assert (row["touched_users"], row["converting_users"]) == (2, 1)


def test_previous_period_has_equal_length_just_before(dataset):
    filters = Filters.make(start="2025-03-04", end="2025-03-05", campaigns=["C1"])
    previous = previous_period(filters, dataset)
    assert (previous.start, previous.end) == (dt.date(2025, 3, 2), dt.date(2025, 3, 3))
    assert previous.campaigns == ("C1",)


def test_previous_period_closes_open_sides_with_the_data_range(dataset):
    # Data: 2025-03-01..2025-03-05. From 03-04 on means 03-04..03-05.
    previous = previous_period(Filters.make(start="2025-03-04"), dataset)
    assert (previous.start, previous.end) == (dt.date(2025, 3, 2), dt.date(2025, 3, 3))
    # A period reaching back before the data is kept whole (equal length), partly empty.
    previous = previous_period(Filters.make(end="2025-03-03", start="2025-03-02"), dataset)
    assert (previous.start, previous.end) == (dt.date(2025, 2, 28), dt.date(2025, 3, 1))


def test_previous_period_is_none_before_the_data(dataset, make_dataset):
    assert previous_period(Filters(), dataset) is None
    assert previous_period(Filters.make(end="2025-03-02"), dataset) is None
    assert previous_period(Filters(), make_dataset()) is None
