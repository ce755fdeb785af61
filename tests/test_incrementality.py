"""Incremental revenue and iROAS: exposures, eligibility, the control group and the bootstrap interval.

Every case sits in a 30-day tracking range (2025-01-01 .. 2025-01-30, days 0..29) fixed by a control user
with two zero-revenue rows; most use a 3-day window, so an exposure on day t compares days t-3..t-1 with
days t..t+2 and is eligible for 3 <= t <= 27.
"""

import numpy as np
import pandas as pd
import pytest

from metrics import incrementality
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
    assert list(influencers.columns[-4:]) == ["incremental_revenue", "iroas", "score", "quadrant"]
    assert influencers.loc[0, ["influencer_id", "iroas", "quadrant"]].tolist() == ["I1", 6.0, "Stars"]
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


def reference_incremental(tracking: pd.DataFrame, by: str, window: int, start: pd.Timestamp) -> dict:
    """Follow the definition literally, one exposure at a time (slow, for small data)."""
    first, last = tracking["date"].min(), tracking["date"].max()
    touched = set(tracking.loc[tracking["influencer_id"].notna(), "user_id"])
    control = tracking[~tracking["user_id"].isin(touched)]
    n_control = control["user_id"].nunique()
    step = pd.Timedelta(days=window)

    def change(rows: pd.DataFrame, t: pd.Timestamp) -> float:
        post = rows.loc[(rows["date"] >= t) & (rows["date"] < t + step), "revenue"].sum()
        pre = rows.loc[(rows["date"] >= t - step) & (rows["date"] < t), "revenue"].sum()
        return post - pre

    touches = tracking[tracking["influencer_id"].notna()]
    result = {}
    for group, rows in touches.groupby(by):
        firsts = rows.groupby(["user_id", "influencer_id"])["date"].min()
        firsts = firsts[firsts >= start]
        effects = [
            change(tracking[tracking["user_id"] == user], t) - change(control, t) / n_control
            for (user, _), t in firsts.items()
            if t - step >= first and t + step - pd.Timedelta(days=1) <= last
        ]
        if len(effects) >= 2:
            result[group] = sum(effects) * len(firsts) / len(effects)
    return result


def test_matches_a_literal_reading_of_the_definition_on_random_data(make_dataset):
    rng = np.random.default_rng(5)
    rows = []
    for _ in range(400):
        user = f"u{rng.integers(0, 40)}"
        touched = rng.random() < 0.5 and user < "u3"  # users u0, u1, u2, u10.. u29 can be touched
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
    for by in ("campaign", "influencer_id"):
        expected = reference_incremental(tracking, by, 4, DAY0 + pd.Timedelta(days=3))
        table = estimate_iroas(tracking, 0.0, by=by, window=4, start=day(3), min_eligible=2, resamples=0)
        measured = table.dropna(subset=["incremental_revenue"]).set_index(by)["incremental_revenue"]
        assert len(expected) >= 3
        assert measured.to_dict() == pytest.approx(expected)


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


def test_resample_counts_are_the_seeded_draws_of_the_exposed_users(two_campaigns):
    weights = incrementality._panel(two_campaigns).resample_weights(130, 3)
    # Resample r draws 60 exposed users with replacement: row r of one (130, 60) draw from the seeded rng.
    draws = np.random.default_rng(3).integers(0, 60, size=(130, 60), dtype=np.int32)
    expected = np.stack([np.bincount(row, minlength=60) for row in draws], axis=1)
    assert weights.shape == (60, 130)
    assert np.array_equal(weights, expected)
    assert (weights.sum(axis=0) == 60).all()


def test_interval_is_the_percentile_of_the_resampled_estimate(two_campaigns):
    spend = pd.Series({"A": 1000.0, "B": 500.0})
    table = estimate_iroas(two_campaigns, spend, by="campaign", window=3, resamples=50, seed=4)
    panel = incrementality._panel(two_campaigns)
    weights = panel.resample_weights(50, 4)
    users = pd.factorize(two_campaigns["user_id"])[1]
    row_of = dict(zip(users, panel.exposed_row, strict=True))
    # Each drawn user brings its one exposure of the group: the literal resampled statistic.
    groups = {
        "A": ([row_of[f"u{i}"] for i in range(40)], [40.0 + i for i in range(40)], 1000.0),
        "B": ([row_of[f"u{i}"] for i in range(20, 60)], [2.0 * i for i in range(20, 60)], 500.0),
    }
    for campaign, (rows, effects, group_spend) in groups.items():
        drawn = weights[rows].astype(float)  # exposures x resamples
        mean_effect = (drawn * np.array(effects)[:, None]).sum(axis=0) / drawn.sum(axis=0)
        low, high = np.percentile(40 * mean_effect / group_spend, [2.5, 97.5])
        row = table.set_index("campaign").loc[campaign]
        assert row["incremental_revenue"] == pytest.approx(sum(effects))
        assert (row["iroas_low"], row["iroas_high"]) == pytest.approx((low, high), rel=1e-12)


def test_interval_does_not_depend_on_how_the_bootstrap_blocks_the_users(two_campaigns, monkeypatch):
    spend = pd.Series({"A": 1000.0, "B": 500.0})
    whole = estimate_iroas(two_campaigns, spend, by="campaign", window=3, resamples=50)
    monkeypatch.setattr(incrementality, "_BLOCK_ROWS", 3)  # 40 users per group: 14 blocks each
    blocked = estimate_iroas(two_campaigns, spend, by="campaign", window=3, resamples=50)
    pd.testing.assert_frame_equal(blocked, whole)


def test_the_bootstrap_sums_on_two_threads_as_on_one(two_campaigns, monkeypatch):
    spend = pd.Series({"A": 1000.0, "B": 500.0})
    monkeypatch.setattr(incrementality, "_BLOCK_ROWS", 7)
    one_thread = estimate_iroas(two_campaigns, spend, by="campaign", window=3, resamples=50)
    monkeypatch.setattr(incrementality, "_PARALLEL_SIZE", 0)  # the second thread takes the later blocks
    two_threads = estimate_iroas(two_campaigns, spend, by="campaign", window=3, resamples=50)
    pd.testing.assert_frame_equal(two_threads, one_thread)
    assert one_thread["iroas_low"].notna().all()


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
    # Pair (u1, I1) first exposed on day 5 (effect 4), pair (u2, I2) on day 9 (effect 7).
    assert overall["incremental_revenue"] == pytest.approx(4.0 + 7.0)
    by_campaign = estimate_iroas(in_file_order, 0.0, by="campaign", window=3, min_eligible=1)
    assert by_campaign.set_index("campaign")["incremental_revenue"].to_dict() == pytest.approx(
        {"A": 11.0, "B": 9.0}
    )


def test_a_tracking_column_grouping_like_the_influencer_gives_the_influencer_table(make_dataset):
    # Influencer groups take each pair's first touch directly; other tracking columns find first
    # exposures per (group, user, influencer). A copy of the influencer column must agree.
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
        assert table["eligible_exposures"].sum() == (80 if not filters.campaigns else 60)


@pytest.mark.parametrize("largest", [1_000, 2**60])
def test_sort_keys_gives_a_stable_order_with_and_without_packing(largest):
    keys = np.array([5, 3, largest, 3, 0, 5, 3], dtype=np.int64)
    order, ordered = incrementality._sort_keys(keys)
    assert order.tolist() == [4, 1, 3, 6, 0, 5, 2]
    assert ordered.tolist() == [0, 3, 3, 3, 5, 5, largest]
