"""Incremental revenue and iROAS: exposures, coverage, eligibility, the control group and the interval.

Most cases sit in a 30-day tracking range (2025-01-01 .. 2025-01-30, days 0..29) fixed by a control user
with two zero-revenue rows, and use a 3-day window: an exposure first touched on day t covers days
t..t+2, its user's baseline is taken over the 3 days before the user's first exposure t0, and it is
eligible when t0 >= 3 and t <= 27. For a user with one exposure, the effect is the window's revenue minus
the baseline window's, minus the same change of the control mean.
"""

import threading

import numpy as np
import pandas as pd
import pytest

from metrics import _bootstrap, incrementality
from metrics.__main__ import main
from metrics.filters import Filters, Options
from metrics.incrementality import estimate_iroas, iroas_table
from metrics.personas import PERSONA_COLUMNS
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


# --- the worked example of docs/incrementality.md ------------------------------------------------------


@pytest.fixture
def worked_example(make_dataset):
    # L = 3, days 0..30. Control C1, C2: C(5) = 100 / 2 = 50, C(12) = 60 / 2 = 30. User U: organic 90 on
    # day 8; touch A (Spring) day 10; coded conversion 300 with B (Summer) day 11; A again day 12 (no new
    # exposure); organic 120 day 13.
    rows = [
        purchase("C1", 0, 0.0),
        purchase("C1", 5, 100.0),
        purchase("C2", 12, 60.0),
        purchase("C2", 30, 0.0),
        purchase("U", 8, 90.0),
        touch("U", 10, "A", "Spring"),
        touch("U", 11, "B", "Summer", revenue=300.0),
        touch("U", 12, "A", "Spring"),
        purchase("U", 13, 120.0),
    ]
    return make_dataset(tracking=rows).tracking


def test_worked_example_splits_each_days_lift_over_the_exposures_covering_it(worked_example):
    common = {"window": 3, "min_eligible": 1, "resamples": 0}
    by_influencer = estimate_iroas(worked_example, 0.0, by="influencer_id", **common).set_index(
        "influencer_id"
    )
    # b_U = (90 - 0) / 3 = 30; n = 1, 2, 2, 1 on days 10..13; incr = -30, 270, -60, 90.
    # e_A = -30 + 270/2 - 60/2 = 75; e_B = 270/2 - 60/2 + 90 = 195.
    assert by_influencer["incremental_revenue"].to_dict() == pytest.approx({"A": 75.0, "B": 195.0})
    assert by_influencer["exposures"].to_dict() == {"A": 1, "B": 1}
    by_campaign = estimate_iroas(worked_example, 0.0, by="campaign", **common).set_index("campaign")
    assert by_campaign["incremental_revenue"].to_dict() == pytest.approx({"Spring": 75.0, "Summer": 195.0})
    overall = estimate_iroas(worked_example, 0.0, **common).iloc[0]
    assert overall["incremental_revenue"] == pytest.approx(270.0)
    # The sum is every exposed day's lift once: revenue 420 - control 30 - 4 days x b_U, so b_U = 30.
    assert (420.0 - 30.0 - overall["incremental_revenue"]) / 4 == pytest.approx(30.0)


def test_worked_example_filters_only_select_exposures(worked_example):
    common = {"window": 3, "min_eligible": 1, "resamples": 0}
    # From day 11 only B's exposure is selected; A still takes its half of days 11 and 12.
    late = estimate_iroas(worked_example, 0.0, start=day(11), **common).iloc[0]
    assert (late["exposures"], late["incremental_revenue"]) == (1, pytest.approx(195.0))
    until = estimate_iroas(worked_example, 0.0, end=day(10), **common).iloc[0]
    assert (until["exposures"], until["incremental_revenue"]) == (1, pytest.approx(75.0))
    spring = (worked_example["campaign"] == "Spring").fillna(False)
    row = estimate_iroas(worked_example, 0.0, touch_mask=spring, **common).iloc[0]
    assert (row["exposures"], row["incremental_revenue"]) == (1, pytest.approx(75.0))


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


def test_a_purchase_inside_two_exposures_windows_counts_half_to_each(tracking_of):
    rows = [
        touch("u1", 10, "I1"),
        touch("u1", 10, "I2"),
        touch("u1", 14, "I1"),  # a later touch of the same pair is not a new exposure
        purchase("u1", 11, 40.0),
    ]
    tracking = tracking_of(rows)
    # Both exposures cover days 10..12 (n = 2), the baseline is 0: day 11's lift 40 is split 20 / 20.
    by_campaign = estimate_iroas(tracking, pd.Series({"A": 20.0}), by="campaign", window=3, min_eligible=1)
    assert by_campaign["campaign"].tolist() == ["A"]
    assert by_campaign.loc[0, "exposures"] == 2
    assert by_campaign.loc[0, "incremental_revenue"] == pytest.approx(40.0)
    assert by_campaign.loc[0, "iroas"] == pytest.approx(2.0)

    by_influencer = estimate_iroas(tracking, 0.0, by="influencer_id", window=3, min_eligible=1)
    assert by_influencer.set_index("influencer_id")["incremental_revenue"].to_dict() == pytest.approx(
        {"I1": 20.0, "I2": 20.0}
    )


def test_an_ineligible_exposure_takes_its_share_of_the_days_it_covers(tracking_of):
    # u1: I1 on day 26 covers 26..28 (eligible); I2 on day 28 would cover 28..30, past day 29: not
    # eligible, but it covers days 28 and 29 (n = 2 on day 28). Baseline days 23..25: 0. Day 28's lift
    # 60 is split 30 / 30; I2's 30 and day 29's 12 are dropped; I1's effect is 30.
    rows = [touch("u1", 26, "I1"), touch("u1", 28, "I2"), purchase("u1", 28, 60.0), purchase("u1", 29, 12.0)]
    table = estimate_iroas(tracking_of(rows), 0.0, by="influencer_id", window=3, min_eligible=1)
    table = table.set_index("influencer_id")
    assert table["eligible_exposures"].to_dict() == {"I1": 1, "I2": 0}
    assert table.loc["I1", "incremental_revenue"] == pytest.approx(30.0)
    assert table.loc["I2", "insufficient_data"]
    overall = estimate_iroas(tracking_of(rows), 0.0, window=3, min_eligible=1).iloc[0]
    # One eligible effect of 30, scaled to the two exposures.
    assert (overall["exposures"], overall["eligible_exposures"]) == (2, 1)
    assert overall["incremental_revenue"] == pytest.approx(60.0)


def test_a_users_baseline_window_before_the_data_makes_all_its_exposures_ineligible(tracking_of):
    # u1's first exposure on day 2: its baseline days -1..1 start before the data, so its later exposure
    # on day 10 (windows inside the data) is not eligible either.
    rows = [touch("u1", 2, "I1"), touch("u1", 10, "I2"), purchase("u1", 11, 50.0)]
    row = estimate_iroas(tracking_of(rows), 0.0, window=3, min_eligible=1).iloc[0]
    assert (row["exposures"], row["eligible_exposures"]) == (2, 0)
    assert row["insufficient_data"] and np.isnan(row["incremental_revenue"])


def test_the_baseline_is_the_users_excess_over_the_control_before_the_first_exposure(tracking_of):
    # u1 buys 30 on day 5 (baseline days 5..7 of the first exposure, day 8): b = 10 a day. Second exposure
    # on day 20 (alone, days 20..22): 45 on day 21, minus 3 days x 10 = 15. First: days 8..10, 0 - 30.
    rows = [purchase("u1", 5, 30.0), touch("u1", 8, "I1"), touch("u1", 20, "I2"), purchase("u1", 21, 45.0)]
    table = estimate_iroas(tracking_of(rows), 0.0, by="influencer_id", window=3, min_eligible=1)
    assert table.set_index("influencer_id")["incremental_revenue"].to_dict() == pytest.approx(
        {"I1": -30.0, "I2": 15.0}
    )


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


def test_the_first_touch_gives_the_exposures_day_and_campaign(tracking_of):
    # u1 first meets I1 in campaign A on day 5, then again in campaign B on day 12: one exposure, of A,
    # on day 5 (days 5..7). The purchase on day 13 is outside its window.
    rows = [touch("u1", 5, campaign="A"), touch("u1", 12, campaign="B"), purchase("u1", 6, 4.0)]
    rows.append(purchase("u1", 13, 9.0))
    tracking = tracking_of(rows)
    by_campaign = estimate_iroas(tracking, 0.0, by="campaign", window=3, min_eligible=1)
    assert by_campaign.set_index("campaign")["exposures"].to_dict() == {"A": 1}
    assert by_campaign.loc[0, "incremental_revenue"] == pytest.approx(4.0)
    # A date filter from day 10 selects nothing: the exposure's day is 5.
    overall = estimate_iroas(tracking, 0.0, window=3, start=day(10), min_eligible=1).iloc[0]
    assert overall["exposures"] == 0
    assert estimate_iroas(tracking, 0.0, by="campaign", window=3, start=day(10)).empty
    # A campaign filter on B selects nothing either: the first touch's campaign is A.
    only_b = (tracking["campaign"] == "B").fillna(False)
    assert estimate_iroas(tracking, 0.0, window=3, touch_mask=only_b, min_eligible=1).loc[0, "exposures"] == 0


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


def test_an_unknown_influencer_counts_overall_and_as_itself_but_in_no_platform(make_dataset):
    # I1 is in influencers.csv (Instagram); I2 is not (its post is on YouTube). 30 users meet each, once,
    # on day 10 and buy 3 (I1's) or 5 (I2's) on day 11.
    rows = [*RANGE]
    for i in range(30):
        rows += [touch(f"a{i}", 10, "I1"), purchase(f"a{i}", 11, 3.0)]
        rows += [touch(f"b{i}", 10, "I2"), purchase(f"b{i}", 11, 5.0)]
    dataset = make_dataset(
        influencers=[{"influencer_id": "I1", "platform": "Instagram", "follower_count": 5_000}],
        posts=[
            {"influencer_id": "I1", "date": day(9), "campaign": "A"},
            {"influencer_id": "I2", "date": day(9), "campaign": "A", "platform": "YouTube"},
        ],
        tracking=rows,
    )
    view = View(dataset, options=Options(window=3))
    assert iroas_table(view).loc[0, "incremental_revenue"] == pytest.approx(30 * 3.0 + 30 * 5.0)
    by_influencer = iroas_table(view, "influencer_id").set_index("influencer_id")
    assert by_influencer["incremental_revenue"].to_dict() == pytest.approx({"I1": 90.0, "I2": 150.0})
    by_platform = iroas_table(view, "platform")
    assert by_platform["platform"].tolist() == ["Instagram"]
    assert by_platform.loc[0, "incremental_revenue"] == pytest.approx(90.0)


def test_export_cli_writes_incrementality_scores_and_personas(view_dataset, write_csvs, tmp_path):
    write_csvs(view_dataset, tmp_path / "in")
    assert (
        main(["export", "--data", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--window", "3"]) == 0
    )
    kpis = pd.read_csv(tmp_path / "out" / "kpis.csv")
    assert list(kpis.columns[-4:]) == ["incremental_revenue", "iroas", "iroas_low", "iroas_high"]
    assert kpis.loc[0, "incremental_revenue"] == pytest.approx(90.0)
    assert kpis.loc[0, "iroas"] == pytest.approx(6.0)
    campaigns = pd.read_csv(tmp_path / "out" / "campaigns.csv")
    assert campaigns[["campaign", "iroas", "iroas_low", "iroas_high"]].values.tolist() == [
        ["A", 6.0, 6.0, 6.0]
    ]
    influencers = pd.read_csv(tmp_path / "out" / "influencers.csv")
    assert list(influencers.columns[-6:]) == [
        "incremental_revenue",
        "iroas",
        "iroas_low",
        "iroas_high",
        "score",
        "quadrant",
    ]
    # Every user has the same effect: the interval is the estimate itself.
    assert influencers.loc[0, ["influencer_id", "iroas", "iroas_low", "iroas_high", "quadrant"]].tolist() == [
        "I1",
        6.0,
        6.0,
        6.0,
        "Stars",
    ]
    personas = pd.read_csv(tmp_path / "out" / "personas.csv")
    assert list(personas.columns) == PERSONA_COLUMNS
    assert personas.loc[0, "influencers"] == 1


def test_export_leaves_insufficient_estimates_as_empty_cells(view_dataset, write_csvs, tmp_path):
    write_csvs(view_dataset, tmp_path / "in")
    # The default 14-day window does not fit around day 10 of a 30-day range: nothing is eligible.
    assert main(["export", "--data", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    line = (tmp_path / "out" / "kpis.csv").read_text().splitlines()[1]
    assert line.endswith(",,,,")


def test_the_estimate_can_be_had_without_the_interval(forty_users):
    quick = estimate_iroas(forty_users, 1000.0, window=3, resamples=0).iloc[0]
    assert quick["iroas"] == pytest.approx(2.38)
    assert np.isnan(quick["iroas_low"]) and np.isnan(quick["iroas_high"])


# --- a literal reading of the definition -----------------------------------------------------------


def reference_estimate(
    tracking: pd.DataFrame,
    spend: dict,
    by: str | None,
    window: int,
    start: int = 0,
    end: int = 10**6,
    selected_rows: set | None = None,
    resamples: int = 0,
) -> dict:
    """
    Follow docs/incrementality.md one user, exposure and day at a time (slow; for small data).

    Returns per group: exposures, eligible exposures, incremental revenue (None when there are no
    eligible exposures) and the interval bounds (None without resamples or spend).
    """
    frame = tracking.reset_index(drop=True)
    days = ((frame["date"] - frame["date"].min()).dt.days).tolist()
    last_day = max(days)
    users, influencers = frame["user_id"].tolist(), frame["influencer_id"].tolist()
    revenue = frame["revenue"].fillna(0.0).tolist()
    touched = {u for u, i in zip(users, influencers, strict=True) if isinstance(i, str)}
    control_users = set(users) - touched
    control = [0.0] * (last_day + 1)
    own: dict = {}
    for row, user in enumerate(users):
        if user in control_users:
            control[days[row]] += revenue[row] / len(control_users)
        own.setdefault(user, [0.0] * (last_day + 1))[days[row]] += revenue[row]
    first_touch: dict = {}
    for row in sorted(range(len(frame)), key=lambda r: (days[r], r)):
        if isinstance(influencers[row], str):
            first_touch.setdefault((users[row], influencers[row]), row)
    exposures = [(user, days[row], row) for (user, _), row in first_touch.items()]
    t0 = {}
    for user, t, _ in exposures:
        t0[user] = min(t, t0.get(user, t))
    covers = {}
    for user, t, _ in exposures:
        for d in range(t, min(t + window - 1, last_day) + 1):
            covers[(user, d)] = covers.get((user, d), 0) + 1
    effect = {}
    for user, t, row in exposures:
        if t0[user] - window >= 0 and t + window - 1 <= last_day:
            pre = range(t0[user] - window, t0[user])
            baseline = (sum(own[user][d] for d in pre) - sum(control[d] for d in pre)) / window
            effect[row] = sum(
                (own[user][d] - control[d] - baseline) / covers[(user, d)] for d in range(t, t + window)
            )
    population = sorted({user for user, t, row in exposures if row in effect and start <= t <= end})
    draws = []
    rng = np.random.default_rng(0)
    for _ in range(resamples):
        drawn = rng.integers(0, len(population), size=len(population))
        draws.append({user: int((drawn == i).sum()) for i, user in enumerate(population)})
    result = {}
    groups = {}
    for user, t, row in exposures:
        if start <= t <= end and (selected_rows is None or row in selected_rows):
            group = "all" if by is None else frame.loc[row, by]
            if isinstance(group, str):
                groups.setdefault(group, []).append((user, row))
    for group, members in groups.items():
        eligible = [(user, row) for user, row in members if row in effect]
        incremental = None
        if eligible:
            incremental = sum(effect[row] for _, row in eligible) * len(members) / len(eligible)
        low = high = None
        if resamples and eligible and spend.get(group, 0) > 0:
            values = []
            for weight in draws:
                total = sum(weight[user] * effect[row] for user, row in eligible)
                count = sum(weight[user] for user, _ in eligible)
                if count:
                    values.append(total * len(members) / count)
            low, high = np.percentile(values, [2.5, 97.5]) / spend[group]
        result[group] = (len(members), len(eligible), incremental, low, high)
    return result


def random_tracking(make_dataset, seed: int) -> pd.DataFrame:
    """Return 300 random rows: 12 users who may meet 4 influencers in 3 campaigns, and 6 control users."""
    rng = np.random.default_rng(seed)
    rows = [purchase("c0", 0, 0.0), purchase("c0", 39, 0.0)]
    for _ in range(300):
        user = int(rng.integers(0, 18))
        touched = user < 12 and rng.random() < 0.4
        rows.append(
            {
                "user_id": f"u{user}" if user < 12 else f"c{user}",
                "date": day(int(rng.integers(0, 40))),
                "revenue": float(rng.integers(0, 6) * 10),
                "orders": 1,
                "influencer_id": f"I{rng.integers(0, 4)}" if touched else None,
                "campaign": f"C{rng.integers(0, 3)}" if touched else None,
            }
        )
    return make_dataset(tracking=rows).tracking


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_a_literal_reading_of_the_definition_on_random_data(make_dataset, seed):
    tracking = random_tracking(make_dataset, seed)
    spend = {"all": 500.0, "C0": 100.0, "C1": 80.0, "C2": 50.0, "I0": 30.0, "I1": 40.0, "I2": 20.0, "I3": 9.0}
    selected = (tracking["campaign"] != "C2").fillna(False)
    cases = [
        {"by": None},
        {"by": "campaign"},
        {"by": "influencer_id", "start": 8, "end": 30},
        {"by": "campaign", "selected_rows": set(np.flatnonzero(selected))},
    ]
    for case in cases:
        by = case["by"]
        expected = reference_estimate(tracking, spend, window=4, resamples=25, **case)
        assert any(low is not None for *_, low, _ in expected.values())
        group_spend = spend["all"] if by is None else pd.Series(spend)
        table = estimate_iroas(
            tracking,
            group_spend,
            by=by,
            window=4,
            start=day(case["start"]) if "start" in case else None,
            end=day(case["end"]) if "end" in case else None,
            touch_mask=selected if "selected_rows" in case else None,
            min_eligible=1,
            resamples=25,
        )
        table = table.assign(group="all") if by is None else table.rename(columns={by: "group"})
        measured = table[table["exposures"] > 0].set_index("group")
        assert set(measured.index) == set(expected)
        for group, (exposures, eligible, incremental, low, high) in expected.items():
            row = measured.loc[group]
            assert (row["exposures"], row["eligible_exposures"]) == (exposures, eligible)
            if incremental is None:
                assert np.isnan(row["incremental_revenue"])
                continue
            assert row["incremental_revenue"] == pytest.approx(incremental, abs=1e-9)
            assert (row["iroas_low"], row["iroas_high"]) == pytest.approx((low, high), abs=1e-9)


def test_a_groupings_effects_add_up_to_all(make_dataset):
    tracking = random_tracking(make_dataset, 4)
    common = {"window": 4, "min_eligible": 1, "resamples": 0}
    overall = estimate_iroas(tracking, 0.0, **common).iloc[0]
    total = overall["incremental_revenue"] * overall["eligible_exposures"] / overall["exposures"]
    for by in ("campaign", "influencer_id"):
        table = estimate_iroas(tracking, 0.0, by=by, **common)
        # Summed effects of each group's eligible exposures (the estimate without its scaling).
        summed = table["incremental_revenue"] * table["eligible_exposures"] / table["exposures"]
        assert table["exposures"].sum() == overall["exposures"]
        assert summed.fillna(0.0).sum() == pytest.approx(total)


def test_zero_spend_leaves_iroas_and_its_interval_empty_but_not_the_estimate(forty_users):
    row = estimate_iroas(forty_users, 0.0, window=3).iloc[0]
    assert row["incremental_revenue"] == pytest.approx(2380.0)
    assert row[["iroas", "iroas_low", "iroas_high"]].isna().all()
    assert not row["insufficient_data"]


def test_resample_counts_are_the_seeded_draws_of_the_population_in_user_id_order(forty_users):
    table = estimate_iroas(forty_users, 1000.0, window=3, resamples=45, seed=3).iloc[0]
    # Population: u0..u39 by code point (u0, u1, u10, u11, ..., u19, u2, u20, ...); effect of u<i> 40 + i.
    users = sorted(f"u{i}" for i in range(40))
    effects = np.array([40.0 + int(user[1:]) for user in users])
    rng = np.random.default_rng(3)
    values = [40 * effects[rng.integers(0, 40, size=40)].mean() for _ in range(45)]
    low, high = np.percentile(values, [2.5, 97.5]) / 1000.0
    assert (table["iroas_low"], table["iroas_high"]) == pytest.approx((low, high), rel=1e-12)


# --- how it is computed --------------------------------------------------------------------------


@pytest.fixture
def two_campaigns(tracking_of):
    # u0..u39 meet I1 in campaign A on day 10 and buy 40 + i on day 11: effect 40 + i.
    # u20..u59 meet I2 in campaign B on day 16 and buy 2i on day 17: effect 2i (outside A's windows).
    # Every effect is a whole number, so every resampled sum is exact whatever the order of addition.
    rows = []
    for i in range(60):
        if i < 40:
            rows += [touch(f"u{i}", 10, "I1", "A"), purchase(f"u{i}", 11, 40.0 + i)]
        if i >= 20:
            rows += [touch(f"u{i}", 16, "I2", "B"), purchase(f"u{i}", 17, 2.0 * i)]
    return tracking_of(rows)


def test_interval_does_not_depend_on_how_the_bootstrap_blocks_the_users(two_campaigns, monkeypatch):
    spend = pd.Series({"A": 1000.0, "B": 500.0})
    whole = estimate_iroas(two_campaigns, spend, by="campaign", window=3, resamples=50)
    monkeypatch.setattr(_bootstrap, "BLOCK_ROWS", 3)  # 40 users per group: 14 blocks each
    blocked = estimate_iroas(two_campaigns, spend, by="campaign", window=3, resamples=50)
    pd.testing.assert_frame_equal(blocked, whole)


def test_the_library_starts_no_thread(two_campaigns, monkeypatch):
    started = []
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: (started.append(thread), start(thread))[1])
    table = estimate_iroas(two_campaigns, pd.Series({"A": 1000.0, "B": 500.0}), by="campaign", window=3)
    assert table["iroas_low"].notna().all()
    assert started == []


def test_row_order_of_the_tracking_file_does_not_change_the_estimates(tracking_of):
    rows = [
        touch("u1", 12, "I1", "B"),  # listed first, but the pair's first exposure is on day 5
        purchase("u1", 13, 9.0),
        touch("u1", 5, "I1", "A"),
        purchase("u1", 6, 4.0),
        touch("u2", 9, "I2", "A"),
        purchase("u2", 10, 7.0),
    ]
    in_file_order = tracking_of(rows)
    by_date = in_file_order.sort_values("date", kind="stable").reset_index(drop=True)
    for by in (None, "campaign", "influencer_id"):
        tables = [
            estimate_iroas(tracking, 0.0, by=by, window=3, min_eligible=1, resamples=0)
            for tracking in (in_file_order, by_date)
        ]
        pd.testing.assert_frame_equal(tables[0], tables[1])
    overall = estimate_iroas(in_file_order, 0.0, window=3, min_eligible=1).iloc[0]
    # Pair (u1, I1) first touched on day 5 in A (effect 4), pair (u2, I2) on day 9 in A (effect 7); the
    # touch in B on day 12 is not a new exposure, so B has none.
    assert overall["incremental_revenue"] == pytest.approx(4.0 + 7.0)
    by_campaign = estimate_iroas(in_file_order, 0.0, by="campaign", window=3, min_eligible=1)
    assert by_campaign.set_index("campaign")["incremental_revenue"].to_dict() == pytest.approx({"A": 11.0})


def test_a_tracking_column_grouping_like_the_influencer_gives_the_influencer_table(make_dataset):
    # A tracking column is read at each exposure's first touch: a copy of the influencer column must give
    # the influencer table.
    rng = np.random.default_rng(11)
    rows = [*RANGE]
    for _ in range(300):
        user = f"u{rng.integers(0, 40)}"
        touched = rng.random() < 0.6 and user < "u3"
        rows.append(
            {
                "user_id": user,
                "date": day(int(rng.integers(0, 30))),
                "revenue": float(rng.integers(0, 5) * 10),
                "orders": 1,
                "influencer_id": f"I{rng.integers(0, 4)}" if touched else None,
                "campaign": f"C{rng.integers(0, 3)}" if touched else None,
            }
        )
    tracking = make_dataset(tracking=rows).tracking
    tracking["creator"] = tracking["influencer_id"]
    spend = pd.Series({"I0": 50.0, "I1": 70.0, "I2": 20.0, "I3": 10.0})
    common = {"window": 4, "start": day(3), "min_eligible": 2, "resamples": 30}
    by_influencer = estimate_iroas(tracking, spend, by="influencer_id", **common)
    by_copy = estimate_iroas(tracking, spend, by="creator", **common)
    assert by_influencer["eligible_exposures"].sum() >= 20
    pd.testing.assert_frame_equal(by_copy.rename(columns={"creator": "influencer_id"}), by_influencer)


def test_iroas_table_by_campaign_matches_the_estimate_on_the_plain_frame(make_dataset):
    rows = [*RANGE]
    for i in range(40):
        rows += [touch(f"u{i}", 10, "I1", "A"), purchase(f"u{i}", 11, 5.0 + i)]
        rows += [touch(f"u{i}", 14, "I2", "B" if i % 2 else "A"), purchase(f"u{i}", 15, 2.0 * i)]
    dataset = make_dataset(
        influencers=[{"influencer_id": "I1"}, {"influencer_id": "I2"}],
        posts=[
            {"influencer_id": "I1", "date": day(9), "campaign": "A"},
            {"influencer_id": "I2", "date": day(13), "campaign": "B"},
        ],
        tracking=rows,
        payouts=[
            {"influencer_id": "I1", "basis": "post", "total_payout": 300.0},
            {"influencer_id": "I2", "basis": "post", "total_payout": 100.0},
        ],
    )
    for filters in (Filters(), Filters.make(campaigns=["A"])):
        view = View(dataset, filters, Options(window=3))
        table = iroas_table(view, "campaign")
        spend = view.spend.groupby("campaign")["spend"].sum()
        plain = estimate_iroas(
            dataset.tracking.copy(), spend, by="campaign", window=3, touch_mask=view.touch_passes
        )
        pd.testing.assert_frame_equal(table, plain)
        # 40 users x 2 exposures; under campaign A, I2's exposures first touched in B (odd users) drop.
        assert table["eligible_exposures"].sum() == (80 if not filters.campaigns else 60)


@pytest.mark.parametrize("largest", [1_000, 2**60])
def test_sort_keys_gives_a_stable_order_with_and_without_packing(largest):
    keys = np.array([5, 3, largest, 3, 0, 5, 3], dtype=np.int64)
    order, ordered = _bootstrap.sort_keys(keys)
    assert order.tolist() == [4, 1, 3, 6, 0, 5, 2]
    assert ordered.tolist() == [0, 3, 3, 3, 5, 5, largest]


def test_a_few_recent_bootstrap_populations_are_kept(forty_users, monkeypatch):
    monkeypatch.setattr(incrementality, "_POPULATIONS_KEPT", 2)
    measured = incrementality._Measured(
        forty_users, incrementality._build_panel(forty_users, None, None, None)
    )
    # Day numbers of the date filter; the data's last day + 1 (30) stands for an open end.
    for first in (1, 2, 3, 1):
        assert len(measured.population(3, first, 30)) == 40
    assert list(measured.populations) == [(3, 3, 30), (3, 1, 30)]  # the oldest dropped


def test_the_panel_is_kept_with_its_dataset_and_not_with_a_replaced_one(make_dataset):
    rows = [*RANGE]
    for i in range(40):
        rows += [touch(f"u{i}", 10), purchase(f"u{i}", 11, 40.0 + i)]
    dataset = make_dataset(
        influencers=[{"influencer_id": "I1"}],
        posts=[{"influencer_id": "I1", "date": day(9), "campaign": "A"}],
        tracking=rows,
        payouts=[{"influencer_id": "I1", "basis": "post", "total_payout": 1000.0}],
    )
    first = iroas_table(View(dataset, options=Options(window=3)))
    again = iroas_table(View(dataset, Filters.make(start=day(5)), Options(window=3)))
    measured = dataset.derived.get("incrementality", lambda: None)
    assert measured is not None and list(measured.populations) == [(3, 0, 30), (3, 5, 30)]
    pd.testing.assert_frame_equal(again, first)  # every exposure is on day 10
    replaced = dataset.replace(tracking=dataset.tracking.copy())
    assert replaced.derived.get("incrementality", lambda: None) is None
