"""Incremental revenue and iROAS: exposures, eligibility, the control group and the bootstrap interval.

Every case sits in a 30-day tracking range (2025-01-01 .. 2025-01-30, days 0..29) fixed by a control user
with two zero-revenue rows; most use a 3-day window, so an exposure on day t compares days t-3..t-1 with
days t..t+2 and is eligible for 3 <= t <= 27.
"""

import numpy as np
import pandas as pd
import pytest

from metrics.filters import Filters, Options
from metrics.incrementality import estimate_iroas, iroas_table
from metrics.view import View

DAY0 = pd.Timestamp("2025-01-01")


def day(number: int) -> str:
    return (DAY0 + pd.Timedelta(days=number)).strftime("%Y-%m-%d")


def touch(user: str, on: int, influencer: str = "I1", campaign: str = "A", revenue: float = 0.0) -> dict:
    return {
        "user_id": user,
        "date": day(on),
        "influencer_id": influencer,
        "campaign": campaign,
        "orders": int(revenue > 0),
        "revenue": revenue,
    }


def purchase(user: str, on: int, revenue: float, source: str = "organic") -> dict:
    return {"user_id": user, "date": day(on), "revenue": revenue, "orders": 1, "source": source}


RANGE = [purchase("c0", 0, 0.0), purchase("c0", 29, 0.0)]


@pytest.fixture
def tracking_of(make_dataset):
    return lambda rows: make_dataset(tracking=[*RANGE, *rows]).tracking


def test_exposed_user_jump_over_flat_control_gives_the_jump(tracking_of):
    # u1 buys 5 on day 8 (pre window 7..9) and 50 on day 11 (post window 10..12): delta 45.
    tracking = tracking_of([touch("u1", 10), purchase("u1", 8, 5.0), purchase("u1", 11, 50.0)])
    row = estimate_iroas(tracking, 15.0, window=3, min_eligible=1).iloc[0]
    assert (row["exposures"], row["eligible_exposures"]) == (1, 1)
    assert row["incremental_revenue"] == pytest.approx(45.0)
    assert row["iroas"] == pytest.approx(3.0)
    assert not row["insufficient_data"]


def test_control_change_in_the_same_calendar_windows_is_subtracted(tracking_of):
    # Control c1 spends 10 in days 7..9 and 30 in days 10..12; with c0, c(10) = (30 - 10) / 2 = 10.
    rows = [
        touch("u1", 10),
        purchase("u1", 8, 5.0),
        purchase("u1", 11, 50.0),
        purchase("c1", 7, 10.0),
        purchase("c1", 12, 30.0),
        purchase("c1", 20, 1000.0),  # outside both windows: no effect
    ]
    row = estimate_iroas(tracking_of(rows), 0.0, window=3, min_eligible=1).iloc[0]
    assert row["incremental_revenue"] == pytest.approx(45.0 - 10.0)
    assert np.isnan(row["iroas"])  # no spend: iROAS undefined, the estimate itself is not
    assert not row["insufficient_data"]


def test_revenue_from_every_source_counts_including_the_conversion_itself(tracking_of):
    rows = [
        touch("u1", 10, revenue=100.0),
        purchase("u1", 12, 20.0, source="paid_ads"),
        purchase("u1", 9, 7.0, source="app"),
    ]
    row = estimate_iroas(tracking_of(rows), 0.0, window=3, min_eligible=1).iloc[0]
    assert row["incremental_revenue"] == pytest.approx(100.0 + 20.0 - 7.0)


def test_a_user_exposed_to_two_influencers_of_a_campaign_counts_twice(tracking_of):
    rows = [
        touch("u1", 10, "I1"),
        touch("u1", 10, "I2"),
        touch("u1", 14, "I1"),  # a later touch of the same pair is not a new exposure
        purchase("u1", 11, 40.0),
    ]
    tracking = tracking_of(rows)
    by_campaign = estimate_iroas(tracking, pd.Series({"A": 20.0}), by="campaign", window=3, min_eligible=1)
    assert by_campaign["campaign"].tolist() == ["A"]
    assert by_campaign.loc[0, "exposures"] == 2
    assert by_campaign.loc[0, "incremental_revenue"] == pytest.approx(80.0)
    assert by_campaign.loc[0, "iroas"] == pytest.approx(4.0)

    by_influencer = estimate_iroas(tracking, 0.0, by="influencer_id", window=3, min_eligible=1)
    assert by_influencer.set_index("influencer_id")["incremental_revenue"].to_dict() == pytest.approx(
        {"I1": 40.0, "I2": 40.0}
    )


def test_eligibility_needs_both_windows_inside_the_data_and_scales_to_all_exposures(tracking_of):
    rows = [
        touch("u2", 2),  # pre window would start on day -1: not eligible
        touch("u3", 3),
        purchase("u3", 4, 8.0),
        touch("u4", 27),
        purchase("u4", 29, 4.0),
        touch("u5", 28),  # post window would end on day 30: not eligible
        purchase("u5", 29, 1000.0),
    ]
    row = estimate_iroas(tracking_of(rows), 0.0, window=3, min_eligible=1).iloc[0]
    assert (row["exposures"], row["eligible_exposures"]) == (4, 2)
    # Effects 8 and 4 over 2 eligible exposures, scaled to 4 exposures.
    assert row["incremental_revenue"] == pytest.approx((8.0 + 4.0) * 4 / 2)


def test_fewer_than_30_eligible_exposures_is_insufficient_data(tracking_of):
    rows = [touch(f"u{i}", 10) for i in range(29)] + [touch("late", 28)]
    row = estimate_iroas(tracking_of(rows), 100.0, window=3).iloc[0]
    assert (row["exposures"], row["eligible_exposures"]) == (30, 29)
    assert row["insufficient_data"]
    assert row[["incremental_revenue", "iroas", "iroas_low", "iroas_high"]].isna().all()

    enough = tracking_of([touch(f"u{i}", 10) for i in range(30)])
    row = estimate_iroas(enough, 100.0, window=3).iloc[0]
    assert not row["insufficient_data"]
    assert row["incremental_revenue"] == pytest.approx(0.0)


def test_first_exposure_is_within_the_group_and_must_lie_in_the_date_filter(tracking_of):
    # u1 first meets I1 in campaign A on day 5, then again in campaign B on day 12.
    rows = [touch("u1", 5, campaign="A"), touch("u1", 12, campaign="B"), purchase("u1", 13, 9.0)]
    tracking = tracking_of(rows)
    overall = estimate_iroas(tracking, 0.0, window=3, start=day(10), min_eligible=1).iloc[0]
    assert overall["exposures"] == 0  # the pair's first exposure (day 5) is before the filter
    by_campaign = estimate_iroas(tracking, 0.0, by="campaign", window=3, start=day(10), min_eligible=1)
    assert by_campaign.set_index("campaign")["exposures"].to_dict() == {"B": 1}
    assert by_campaign.loc[0, "incremental_revenue"] == pytest.approx(9.0)


def test_control_users_never_have_an_influencer_touch_even_outside_the_filter(tracking_of):
    rows = [
        touch("u1", 10),
        purchase("u1", 11, 45.0),
        touch("ux", 25),  # touched after the filter's end: still not a control user
        purchase("ux", 11, 100.0),
    ]
    row = estimate_iroas(tracking_of(rows), 0.0, window=3, end=day(20), min_eligible=1).iloc[0]
    assert row["exposures"] == 1
    assert row["incremental_revenue"] == pytest.approx(45.0)


def test_without_control_users_nothing_can_be_measured(make_dataset):
    rows = [touch(f"u{i}", 10) for i in range(40)] + [touch("z", 0), touch("z", 29)]
    tracking = make_dataset(tracking=rows).tracking
    row = estimate_iroas(tracking, 10.0, window=3).iloc[0]
    assert row["insufficient_data"]
    assert np.isnan(row["incremental_revenue"])


def test_touch_mask_limits_the_touches_but_not_the_control_group(tracking_of):
    rows = [touch("u1", 10, "I1"), purchase("u1", 11, 10.0), touch("u2", 10, "I2"), purchase("u2", 11, 99.0)]
    tracking = tracking_of(rows)
    mask = (tracking["influencer_id"] == "I1").fillna(False)
    row = estimate_iroas(tracking, 0.0, window=3, touch_mask=mask, min_eligible=1).iloc[0]
    assert row["exposures"] == 1
    assert row["incremental_revenue"] == pytest.approx(10.0)


@pytest.fixture
def forty_users(tracking_of):
    # Effects 40, 41, ..., 79: the point estimate is their sum, 2380.
    rows = []
    for i in range(40):
        rows += [touch(f"u{i}", 10), purchase(f"u{i}", 11, 40.0 + i)]
    return tracking_of(rows)


def test_bootstrap_interval_is_reproducible_and_contains_the_estimate(forty_users):
    first = estimate_iroas(forty_users, 1000.0, window=3).iloc[0]
    again = estimate_iroas(forty_users, 1000.0, window=3).iloc[0]
    assert first["iroas"] == pytest.approx(2.38)
    assert (first["iroas_low"], first["iroas_high"]) == (again["iroas_low"], again["iroas_high"])
    assert first["iroas_low"] < first["iroas"] < first["iroas_high"]
    # Effects have standard deviation 11.5, so the mean effect 59.5 has a standard error near 1.8 (3%):
    # the interval is about 2.38 +- 0.14.
    assert 2.17 < first["iroas_low"] < 2.30
    assert 2.46 < first["iroas_high"] < 2.59
    other_seed = estimate_iroas(forty_users, 1000.0, window=3, seed=1).iloc[0]
    assert other_seed["iroas_low"] != first["iroas_low"]


def test_groups_with_spend_but_no_exposure_are_listed_as_insufficient(tracking_of):
    tracking = tracking_of([touch("u1", 10)])
    table = estimate_iroas(tracking, pd.Series({"A": 5.0, "Z": 7.0}), by="campaign", window=3)
    assert table["campaign"].tolist() == ["A", "Z"]
    assert table.set_index("campaign").loc["Z", ["exposures", "spend"]].tolist() == [0, 7.0]
    assert table["insufficient_data"].all()


# --- on a View -----------------------------------------------------------------------------------


@pytest.fixture
def view_dataset(make_dataset):
    # 30 users first meet I1 (Instagram, campaign A) on day 10 and each buy 3 the next day; I1 is paid 15.
    rows = [*RANGE]
    for i in range(30):
        rows += [touch(f"u{i}", 10), purchase(f"u{i}", 11, 3.0)]
    return make_dataset(
        influencers=[{"influencer_id": "I1", "platform": "Instagram", "follower_count": 5_000}],
        posts=[{"influencer_id": "I1", "date": day(9), "campaign": "A"}],
        tracking=rows,
        payouts=[{"influencer_id": "I1", "basis": "post", "total_payout": 15.0}],
    )


def test_iroas_table_uses_the_view_spend_window_and_groupings(view_dataset):
    view = View(view_dataset, options=Options(window=3))
    overall = iroas_table(view)
    assert list(overall.columns) == [
        "exposures",
        "eligible_exposures",
        "incremental_revenue",
        "spend",
        "iroas",
        "iroas_low",
        "iroas_high",
        "insufficient_data",
    ]
    assert overall.loc[0, "incremental_revenue"] == pytest.approx(90.0)
    assert overall.loc[0, "iroas"] == pytest.approx(6.0)
    for by, key in [("campaign", "A"), ("influencer_id", "I1"), ("platform", "Instagram"), ("tier", "nano")]:
        table = iroas_table(view, by)
        assert table[by].tolist() == [key]
        assert table.loc[0, "iroas"] == pytest.approx(6.0)
        # Every user has the same effect: each resample gives exactly the estimate.
        assert table.loc[0, "iroas_low"] == pytest.approx(6.0)


def test_iroas_table_follows_the_campaign_filter_and_rejects_unknown_groupings(view_dataset):
    view = View(view_dataset, Filters.make(campaigns=["B"]), Options(window=3))
    assert iroas_table(view, "campaign").empty
    assert iroas_table(view).loc[0, "exposures"] == 0
    with pytest.raises(ValueError, match="grouping"):
        iroas_table(view, "product")
