"""Budget optimizer: exponent fit, optimal split under bounds, and the view-level recommendation."""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from metrics.budget import (
    BUDGET_COLUMNS,
    DEFAULT_EXPONENT,
    FIT_COLUMNS,
    PERIOD_COLUMNS,
    PRIOR_EXPONENT,
    fit_exponent,
    identification,
    optimize,
    pair_by_timing,
    paired_spend_revenue,
    recommend,
    weekly_spend_revenue,
)
from metrics.filters import Options


def frame(spend, revenue, ids=None, **extra) -> pd.DataFrame:
    ids = ids or [f"i{n}" for n in range(len(spend))]
    return pd.DataFrame({"influencer_id": ids, "spend": spend, "revenue": revenue, **extra})


def synthetic_periods(b: float, n_influencers: int, n_periods: int, noise: float = 0.0, seed: int = 1):
    """Per-period spend/revenue on curves revenue = exp(c_i) * spend^b, intercepts tied to spend level."""
    rng = np.random.default_rng(seed)
    ids = np.repeat([f"i{n}" for n in range(n_influencers)], n_periods)
    level = np.repeat(rng.uniform(3, 8, n_influencers), n_periods)
    # High-spend influencers have low intercepts: a pooled regression across influencers is biased.
    intercept = np.repeat(np.linspace(6, 0, n_influencers), n_periods)
    log_spend = level + rng.normal(0, 0.5, len(ids))
    log_revenue = intercept + b * log_spend + rng.normal(0, noise, len(ids))
    periods = np.tile(pd.date_range("2025-01-06", periods=n_periods, freq="14D"), n_influencers)
    return pd.DataFrame(
        {"influencer_id": ids, "period": periods, "spend": np.exp(log_spend), "revenue": np.exp(log_revenue)}
    )


def test_fit_recovers_known_exponent_with_influencer_intercepts():
    periods = synthetic_periods(b=0.7, n_influencers=8, n_periods=10)
    fit = fit_exponent(periods)
    assert fit.b == pytest.approx(0.7, abs=1e-12)
    assert (fit.points, fit.influencers, fit.identified, fit.reason) == (80, 8, True, "")
    # Without noise every bootstrap sample finds the same slope: the interval is the point.
    assert (fit.b_low, fit.b_high) == (pytest.approx(0.7, abs=1e-12), pytest.approx(0.7, abs=1e-12))
    pooled_slope = np.polyfit(np.log(periods["spend"]), np.log(periods["revenue"]), 1)[0]
    assert abs(pooled_slope - 0.7) > 0.1  # the per-influencer demeaning is what recovers b


def tiny_panel() -> pd.DataFrame:
    """a: spend 1, 4 and revenue 3, 6; b: spend 2, 4, 8 and revenue 5, 5, 20."""
    return pd.DataFrame(
        {
            "influencer_id": ["a", "a", "b", "b", "b"],
            "period": [1, 2, 1, 2, 3],
            "spend": [1.0, 4.0, 2.0, 4.0, 8.0],
            "revenue": [3.0, 6.0, 5.0, 5.0, 20.0],
        }
    )


def test_fit_of_a_tiny_panel_by_hand():
    # With l = ln 2. a: x = (-l, l), y = (-l/2, l/2): Σxy = l², Σx² = 2l², alone b = 1/2.
    # b: x = (-l, 0, l), log revenue = ln5 + (0, 0, 2l) so y = (-2l/3, -2l/3, 4l/3): Σxy = 2l², Σx² = 2l²,
    # alone b = 1. Together b = 3l² / 4l² = 3/4.
    fit = fit_exponent(tiny_panel())
    assert fit.estimate == pytest.approx(0.75, abs=1e-12)
    assert (fit.points, fit.influencers) == (5, 2)
    # Resampling two influencers gives {a, a} -> 1/2, {b, b} -> 1, {a, b} -> 3/4, a quarter of the draws
    # each for the first two: the 2.5th and 97.5th percentiles are 1/2 and 1.
    assert (fit.b_low, fit.b_high) == (pytest.approx(0.5), pytest.approx(1.0))
    # 5 points: not identified, so the plan uses the prior and says why.
    assert (fit.identified, fit.b) == (False, PRIOR_EXPONENT)
    assert fit.reason == (
        "too few points to fit the curve (5 influencer-periods, 30 needed): using the usual 0.6"
    )
    assert fit.summary.startswith("Too few points to fit the curve")


def test_bootstrap_interval_is_deterministic():
    periods = synthetic_periods(b=0.5, n_influencers=20, n_periods=6, noise=0.3)
    first, second = fit_exponent(periods), fit_exponent(periods)
    assert (first.b_low, first.b_high) == (second.b_low, second.b_high)
    assert first.b_low < first.estimate < first.b_high


@pytest.mark.parametrize(
    ("points", "estimate", "low", "high", "identified", "reason_start"),
    [
        (30, 0.58, 0.38, 0.78, True, ""),  # exactly 30 points and an interval exactly 0.4 wide
        (29, 0.58, 0.38, 0.78, False, "too few points to fit the curve (29 influencer-periods, 30 needed)"),
        (
            500,
            0.58,
            0.38,
            0.79,
            False,
            "the data cannot pin the curve down (b = 0.58, 95% interval 0.38–0.79, wider than 0.4)",
        ),
        (500, 1.05, 0.95, 1.15, False, "the fit gives b = 1.05, which is not a curve of diminishing returns"),
        (
            500,
            -0.10,
            -0.2,
            0.0,
            False,
            "the fit gives b = -0.10, which is not a curve of diminishing returns",
        ),
        (500, float("nan"), float("nan"), float("nan"), False, "too few points"),
        (500, 0.5, float("nan"), float("nan"), False, "the data cannot pin the curve down"),
    ],
)
def test_identification_rule(points, estimate, low, high, identified, reason_start):
    got, reason = identification(points, estimate, low, high)
    assert got is identified
    assert reason.startswith(reason_start)
    assert reason.endswith("using the usual 0.6") or identified


def test_fit_uses_the_prior_under_thirty_points():
    fit = fit_exponent(synthetic_periods(b=0.8, n_influencers=1, n_periods=29))
    assert (fit.b, fit.points, fit.identified) == (PRIOR_EXPONENT, 29, False)
    assert fit.estimate == pytest.approx(0.8)  # the slope is reported, but not used
    assert np.isnan(fit.b_low)  # one influencer: nothing to resample
    # With one influencer the interval cannot be computed either, so 30 points are still not enough.
    assert not fit_exponent(synthetic_periods(b=0.8, n_influencers=1, n_periods=30)).identified
    fit = fit_exponent(synthetic_periods(b=0.8, n_influencers=2, n_periods=15))
    assert (fit.points, fit.identified, fit.b) == (30, True, pytest.approx(0.8))


def test_fit_counts_only_influencers_with_two_or_more_periods():
    # 28 informative points plus 10 influencers seen in a single period: those carry no within-influencer
    # variation, so they are not points.
    singles = synthetic_periods(b=0.8, n_influencers=10, n_periods=1, seed=2)
    singles["influencer_id"] = "single-" + singles["influencer_id"]
    fit = fit_exponent(pd.concat([synthetic_periods(b=0.8, n_influencers=2, n_periods=14), singles]))
    assert (fit.points, fit.influencers, fit.identified) == (28, 2, False)


def test_fit_ignores_influencers_whose_spend_never_varies():
    periods = pd.DataFrame(
        {
            "influencer_id": np.repeat(["a", "b", "c"], 12),
            "period": np.tile(np.arange(12), 3),
            "spend": np.repeat([0.1, 7.0, 300.0], 12),
            "revenue": np.arange(1.0, 37.0),
        }
    )
    fit = fit_exponent(periods)
    assert (fit.b, fit.points, fit.influencers, fit.identified) == (PRIOR_EXPONENT, 0, 0, False)
    assert np.isnan(fit.estimate)


@pytest.mark.parametrize("true_b", [1.3, -0.2])
def test_a_slope_outside_zero_to_one_is_never_clipped(true_b):
    fit = fit_exponent(synthetic_periods(b=true_b, n_influencers=5, n_periods=8))
    assert fit.estimate == pytest.approx(true_b)
    assert (fit.identified, fit.b) == (False, PRIOR_EXPONENT)
    assert "not a curve of diminishing returns" in fit.reason


def test_a_small_slope_is_used_as_fitted_with_no_floor():
    fit = fit_exponent(synthetic_periods(b=0.1, n_influencers=5, n_periods=8))
    assert (fit.identified, fit.b) == (True, pytest.approx(0.1))


def test_fit_sums_repeated_influencer_periods_before_selecting_them():
    # Each period arrives as a spend-only row and a revenue-only row: together they are one usable point.
    one = synthetic_periods(b=0.6, n_influencers=3, n_periods=12)
    fit = fit_exponent(pd.concat([one.assign(revenue=0.0), one.assign(spend=0.0)]))
    assert (fit.points, fit.identified, fit.b) == (36, True, pytest.approx(0.6))


def test_fit_ignores_periods_without_spend_or_revenue():
    periods = synthetic_periods(b=0.5, n_influencers=40, n_periods=13, noise=0.1)
    padding = pd.DataFrame(
        {
            "influencer_id": ["i0", "i1", "i2"],
            "period": pd.to_datetime(["2030-01-07"] * 3),
            "spend": [0.0, 5.0, 1e9],
            "revenue": [1e9, 0.0, 0.0],
        }
    )
    assert fit_exponent(pd.concat([periods, padding])).estimate == fit_exponent(periods).estimate
    assert fit_exponent(periods).points == 40 * 13


def day(*dates: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(dates)))


def test_revenue_goes_to_the_latest_spend_in_the_fourteen_days_before_it():
    # a spends on Mon 6 Jan and Mon 20 Jan (two 14-day periods counted from Monday 5 Jan 1970: 6-19 Jan,
    # 20 Jan-2 Feb). Orders: 5 Jan (before any spend: left out), 6 Jan (same day: 1st), 19 Jan (13 days
    # after: 1st), 20 Jan (2nd, the latest), 3 Feb (14 days after the 2nd: left out). b's spend of 1 Jan
    # is not a's. b's order of 14 Jan is 13 days after its spend: b's period of 1 Jan (23 Dec - 5 Jan).
    paired = pair_by_timing(
        pd.Series(["a", "a", "b"]),
        day("2025-01-06", "2025-01-20", "2025-01-01"),
        pd.Series([100.0, 200.0, 7.0]),
        pd.Series(["a", "a", "a", "a", "a", "b"]),
        day("2025-01-05", "2025-01-06", "2025-01-19", "2025-01-20", "2025-02-03", "2025-01-14"),
        pd.Series([1.0, 10.0, 20.0, 40.0, 80.0, 3.0]),
    )
    expected = pd.DataFrame(
        {
            "influencer_id": ["a", "a", "b"],
            "period": pd.to_datetime(["2025-01-06", "2025-01-20", "2024-12-23"]),
            "spend": [100.0, 200.0, 7.0],
            "revenue": [30.0, 40.0, 3.0],
        }
    )
    pd.testing.assert_frame_equal(paired, expected, check_dtype=False)


def test_revenue_without_any_spend_attaches_to_nothing():
    paired = pair_by_timing(
        pd.Series([], dtype=object),
        day(),
        pd.Series([], dtype=float),
        pd.Series(["a"]),
        day("2025-01-06"),
        pd.Series([5.0]),
    )
    assert list(paired.columns) == PERIOD_COLUMNS and paired.empty


def test_pairing_with_no_rows():
    empty = pd.Series([], dtype=object)
    paired = pair_by_timing(
        empty, day(), pd.Series([], dtype=float), empty, day(), pd.Series([], dtype=float)
    )
    assert list(paired.columns) == PERIOD_COLUMNS and paired.empty
    assert not fit_exponent(paired).identified


@pytest.mark.parametrize(("planted", "response_days"), [(0.4, 14), (0.6, 14), (0.75, None)])
def test_fit_recovers_the_exponent_planted_in_generated_data(planted, response_days):
    from data.generate import generate
    from metrics.dataset import Dataset
    from metrics.view import View

    # S at the demo's seed; 14 days: each post sells over the two weeks after it (the realistic timing
    # that defeats a same-week pairing); None: the demo's timing, sales in the post's own week.
    frames = generate("S", 7, response_exponent=planted, response_days=response_days)
    fit = recommend(View(Dataset(**frames))).fit
    assert fit.identified and fit.points >= 400
    assert fit.b == pytest.approx(planted, abs=0.15)
    assert fit.b_high - fit.b_low <= 0.4


def test_optimum_matches_closed_form_when_no_bound_binds():
    # b = 0.5, a = revenue / sqrt(spend) = 20 and 10, s_i ∝ a_i^(1/(1-b)) = a_i^2 -> 400 : 100.
    plan = optimize(frame([100.0, 100.0], [200.0, 100.0]), b=0.5, total=200.0, lower=0.1, upper=3.0)
    table = plan.table
    assert table["recommended_spend"].tolist() == pytest.approx([160.0, 40.0], rel=1e-12)
    assert table["predicted_revenue_recommended"].tolist() == pytest.approx(
        [20 * np.sqrt(160), 10 * np.sqrt(40)], rel=1e-12
    )
    # Equal marginal ROAS: 0.5 * 20 / sqrt(160) for both.
    assert table["marginal_roas"].tolist() == pytest.approx([10 / np.sqrt(160)] * 2, rel=1e-9)
    assert plan.predicted_change == pytest.approx(20 * np.sqrt(160) + 10 * np.sqrt(40) - 300.0)
    assert plan.message == ""
    assert list(table.columns) == BUDGET_COLUMNS


def test_closed_form_with_many_influencers():
    rng = np.random.default_rng(7)
    spend = rng.uniform(100, 200, 25)
    revenue = spend * rng.uniform(1.8, 2.2, 25)
    b = 0.8
    share = (revenue / spend**b) ** (1 / (1 - b))
    total = spend.sum() * 1.1
    plan = optimize(frame(spend, revenue), b=b, total=total, lower=0.0, upper=100.0)
    expected = pd.Series(total * share / share.sum(), index=[f"i{n}" for n in range(25)])
    got = plan.table.set_index("influencer_id")["recommended_spend"]
    assert got.to_numpy() == pytest.approx(expected.loc[got.index].to_numpy(), rel=1e-9)


def test_bounds_are_respected_budget_spent_exactly_and_split_is_optimal():
    rng = np.random.default_rng(3)
    spend = rng.uniform(10, 1000, 200)
    revenue = spend * rng.lognormal(0.5, 1.0, 200)
    b, total = 0.6, spend.sum() * 1.2
    plan = optimize(frame(spend, revenue), b=b, total=total)
    table = plan.table
    current, recommended = table["current_spend"], table["recommended_spend"]
    assert (recommended >= 0.5 * current * (1 - 1e-12)).all()
    assert (recommended <= 2.0 * current * (1 + 1e-12)).all()
    assert recommended.sum() == pytest.approx(total, rel=1e-9)
    assert plan.recommended_spend == pytest.approx(total, rel=1e-9)
    # Optimality conditions: one marginal ROAS λ for influencers strictly inside their bounds; those at
    # the upper bound earn at least λ at the margin, those at the lower bound at most λ.
    marginal = table["marginal_roas"]
    at_low = np.isclose(recommended, 0.5 * current, rtol=1e-9)
    at_high = np.isclose(recommended, 2.0 * current, rtol=1e-9)
    inside = ~at_low & ~at_high
    assert at_low.any() and at_high.any() and inside.sum() > 5
    level = marginal[inside].median()
    assert marginal[inside].to_numpy() == pytest.approx(np.full(inside.sum(), level), rel=1e-9)
    assert (marginal[at_high] >= level * (1 - 1e-9)).all()
    assert (marginal[at_low] <= level * (1 + 1e-9)).all()


def test_two_influencers_match_a_grid_search():
    b, total = 0.4, 900.0
    spend, revenue = np.array([300.0, 500.0]), np.array([900.0, 700.0])
    a = revenue / spend**b
    first = np.linspace(150.0, 600.0, 450_001)  # first influencer's bounds; the second gets the rest
    second = total - first
    feasible = (second >= 250.0) & (second <= 1000.0)
    value = a[0] * first**b + a[1] * second**b
    best = first[feasible][np.argmax(value[feasible])]
    plan = optimize(frame(spend, revenue), b=b, total=total)
    assert plan.table["recommended_spend"].iloc[0] == pytest.approx(best, abs=2e-3)
    assert plan.predicted_revenue_recommended == pytest.approx(value[feasible].max(), rel=1e-9)


def test_predicted_revenue_at_current_spend_equals_actual_revenue():
    revenue = [1234.5, 0.0, 98765.4321, 17.0]
    plan = optimize(frame([10.0, 20.0, 3000.0, 4.5], revenue), b=0.37, total=5000.0)
    assert plan.table["predicted_revenue_current"].tolist() == revenue
    assert plan.predicted_revenue_current == sum(revenue)


@pytest.mark.parametrize("seed", range(5))
def test_same_budget_never_predicts_less_than_current_revenue(seed):
    rng = np.random.default_rng(seed)
    spend = rng.uniform(1, 500, 30)
    revenue = spend * rng.uniform(0, 5, 30)
    plan = optimize(frame(spend, revenue), b=rng.uniform(0.2, 0.95), total=spend.sum())
    assert plan.predicted_revenue_recommended >= plan.predicted_revenue_current
    assert plan.predicted_change >= 0


def test_current_split_that_is_already_optimal_is_kept_exactly():
    # Equal ROAS means equal marginal returns: nothing to move.
    plan = optimize(frame([100.0, 400.0, 250.0], [300.0, 1200.0, 750.0]), b=0.7, total=750.0)
    assert plan.table["recommended_spend"].tolist() == [100.0, 400.0, 250.0]
    assert plan.predicted_change == 0.0


def test_zero_spend_influencers_are_excluded():
    plan = optimize(frame([0.0, 100.0, np.nan, 50.0], [500.0, 100.0, 10.0, 100.0]), b=0.5, total=150.0)
    assert plan.table["influencer_id"].tolist() == ["i1", "i3"]
    assert plan.excluded == ("i0", "i2")
    assert plan.current_spend == 150.0
    assert plan.predicted_revenue_current == 200.0


def test_locked_influencers_keep_their_spend():
    # i0 has by far the best curve but is locked; the extra budget goes to i1 and i2.
    data = frame([100.0, 100.0, 100.0], [1000.0, 200.0, 200.0])
    plan = optimize(data, b=0.5, total=400.0, locked=["i0", "not-in-plan"])
    recommended = plan.table["recommended_spend"].tolist()
    assert recommended[0] == 100.0
    assert recommended[1:] == pytest.approx([150.0, 150.0], rel=1e-12)
    assert plan.predicted_revenue_recommended == pytest.approx(1000.0 + 2 * 200.0 * np.sqrt(1.5))


def test_single_influencer_gets_the_whole_budget_within_bounds():
    plan = optimize(frame([100.0], [250.0], ids=["solo"]), b=0.6, total=130.0)
    row = plan.table.iloc[0]
    assert row["recommended_spend"] == pytest.approx(130.0, rel=1e-12)
    assert row["predicted_revenue_recommended"] == pytest.approx(250.0 * 1.3**0.6, rel=1e-12)
    assert row["marginal_roas"] == pytest.approx(0.6 * 250.0 * 1.3**0.6 / 130.0, rel=1e-12)


@pytest.mark.parametrize(
    ("total", "used", "message"),
    [
        (
            50.0,
            150.0,
            "The budget ₹50 is below the smallest total the bounds allow (₹150, every influencer at its "
            "lower bound): the plan uses ₹150.",
        ),
        (
            1e6,
            1200.0,
            "The budget ₹10,00,000 is above the largest total the bounds allow (₹1,200, every influencer at "
            "its upper bound): the plan uses ₹1,200.",
        ),
    ],
)
def test_budget_outside_feasible_range_is_clipped_with_message(total, used, message):
    plan = optimize(frame([100.0, 200.0], [300.0, 300.0]), b=0.5, total=total, lower=0.5, upper=4.0)
    assert plan.recommended_spend == pytest.approx(used, rel=1e-12)
    assert plan.requested_total == total
    assert plan.message == message


def test_zero_revenue_influencers_sit_at_lower_bound_and_absorb_only_leftover_budget():
    data = frame([100.0, 100.0, 300.0], [400.0, 0.0, 0.0])
    plan = optimize(data, b=0.5, total=300.0)
    assert plan.table["recommended_spend"].tolist() == pytest.approx([100.0, 50.0, 150.0])
    # i0 saturates at 200; the remaining 150 over the lower bounds (50 + 150) is split 1:3 by headroom.
    plan = optimize(data, b=0.5, total=550.0)
    assert plan.table["recommended_spend"].tolist() == pytest.approx([200.0, 87.5, 262.5])
    assert plan.table["marginal_roas"].tolist()[1:] == [0.0, 0.0]


def test_per_influencer_bound_columns_override_the_multipliers():
    data = frame([100.0, 100.0], [400.0, 100.0], lower=[np.nan, 0.9], upper=[1.2, np.nan])
    plan = optimize(data, b=0.5, total=200.0)
    # Bounds: i0 in [50, 120], i1 in [90, 200]. i0 earns more at the margin (0.5 * 40 / sqrt(110) vs
    # 0.5 * 10 / sqrt(90)), so it takes all it can once i1 sits at its own lower bound of 90.
    assert plan.table["recommended_spend"].tolist() == pytest.approx([110.0, 90.0], rel=1e-12)
    plan = optimize(data, b=0.5, total=1000.0)
    assert plan.recommended_spend == pytest.approx(320.0)
    assert plan.table["recommended_spend"].tolist() == pytest.approx([120.0, 200.0], rel=1e-12)


def test_invalid_inputs_are_refused():
    data = frame([100.0], [100.0])
    for b in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="exponent"):
            optimize(data, b=b, total=100.0)
    with pytest.raises(ValueError, match="budget"):
        optimize(data, b=0.5, total=float("nan"))
    with pytest.raises(ValueError, match="bounds"):
        optimize(data, b=0.5, total=100.0, lower=2.0, upper=1.0)
    with pytest.raises(ValueError, match="unique"):
        optimize(frame([1.0, 2.0], [1.0, 2.0], ids=["x", "x"]), b=0.5, total=3.0)


def test_no_influencer_with_spend_gives_an_empty_plan_with_message():
    plan = optimize(frame([0.0], [10.0]), b=0.5, total=1000.0)
    assert plan.table.empty and list(plan.table.columns) == BUDGET_COLUMNS
    assert (plan.recommended_spend, plan.predicted_change) == (0.0, 0.0)
    assert "nothing to allocate" in plan.message


def test_ten_thousand_influencers_are_fast_and_deterministic():
    rng = np.random.default_rng(11)
    spend = rng.lognormal(8, 1.5, 10_000)
    revenue = spend * rng.lognormal(0.5, 1.0, 10_000) * (rng.uniform(size=10_000) > 0.1)
    data = frame(spend, revenue)
    started = time.perf_counter()
    plan = optimize(data, b=0.65, total=spend.sum() * 1.3, locked=[f"i{n}" for n in range(0, 10_000, 97)])
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    assert plan.recommended_spend == pytest.approx(spend.sum() * 1.3, rel=1e-9)
    again = optimize(data, b=0.65, total=spend.sum() * 1.3, locked=[f"i{n}" for n in range(0, 10_000, 97)])
    pd.testing.assert_frame_equal(plan.table, again.table)


def test_weekly_spend_and_revenue_use_monday_weeks_and_skip_undated_spend():
    view = SimpleNamespace(
        spend=pd.DataFrame(
            {
                "influencer_id": ["a", "a", "a", "b"],
                "campaign": ["c"] * 4,
                # Sunday 5 Jan belongs to the week of Monday 30 Dec; Monday 6 Jan starts a new week.
                "date": pd.to_datetime(["2025-01-05", "2025-01-06", None, "2025-01-12"]),
                "basis": ["post"] * 4,
                "spend": [10.0, 20.0, 99.0, 5.0],
            }
        ),
        credited=pd.DataFrame(
            {
                "influencer_id": ["a", "a", "c"],
                "date": pd.to_datetime(["2024-12-30", "2025-01-01", "2025-01-08"]),
                "revenue": [1.0, 2.0, 4.0],
            }
        ),
    )
    weekly = weekly_spend_revenue(view)
    expected = pd.DataFrame(
        {
            "influencer_id": ["a", "a", "b", "c"],
            "week": pd.to_datetime(["2024-12-30", "2025-01-06", "2025-01-06", "2025-01-06"]),
            "spend": [10.0, 20.0, 5.0, 0.0],
            "revenue": [3.0, 0.0, 0.0, 4.0],
        }
    )
    pd.testing.assert_frame_equal(weekly, expected, check_dtype=False)


def test_recommend_uses_view_totals_and_keeps_current_total_by_default():
    view = SimpleNamespace(
        options=Options(),
        spend=pd.DataFrame(
            {
                "influencer_id": ["a", "a", "b", "z"],
                "campaign": ["c"] * 4,
                "date": pd.to_datetime(["2025-01-06", None, "2025-01-06", "2025-01-06"]),
                "basis": ["post"] * 4,
                "spend": [60.0, 40.0, 100.0, 0.0],
            }
        ),
        credited=pd.DataFrame(
            {
                "influencer_id": ["a", "b", "b", "y"],
                "date": pd.to_datetime(["2025-01-07"] * 4),
                "revenue": [300.0, 50.0, 50.0, 70.0],
            }
        ),
    )
    plan = recommend(view)
    # a: spend 60 + 40 (undated counts when there is no date filter), revenue 300; b: 100 and 100.
    assert plan.fit is not None and not plan.fit.identified and plan.b == PRIOR_EXPONENT
    assert plan.table["influencer_id"].tolist() == ["a", "b"]
    assert plan.excluded == ("y", "z")
    assert plan.current_spend == 200.0
    assert plan.recommended_spend == pytest.approx(200.0, rel=1e-12)
    assert plan.table["predicted_revenue_current"].tolist() == [300.0, 100.0]
    # b = 0.6: unbounded, s_a / s_b = (a_a / a_b)^(1 / 0.4) = 3^2.5 ≈ 15.6 (about 188 and 12); b's lower
    # bound of 50 binds, so a gets the other 150 (within its upper bound of 200).
    assert plan.table["recommended_spend"].tolist() == pytest.approx([150.0, 50.0], rel=1e-12)


def small_dataset(make_dataset):
    """A: post basis 100 over two Monday posts; B: order basis 200 over its one conversion.

    u1 clicks A on Sunday 5 Jan and converts through B on 7 Jan (300); u2 converts through A on 8 Jan
    (100). Last touch: A 100, B 300. First touch would give A 400 and B 0. C is paid nothing and brings
    u3's order of 50 on 9 Jan.
    """
    return make_dataset(
        influencers=[{"influencer_id": "A"}, {"influencer_id": "B"}, {"influencer_id": "C"}],
        posts=[
            {"influencer_id": "A", "date": "2025-01-06"},
            {"influencer_id": "A", "date": "2025-01-13"},
        ],
        tracking=[
            {"influencer_id": "A", "campaign": "launch", "user_id": "u1", "date": "2025-01-05"},
            {
                "influencer_id": "B",
                "campaign": "launch",
                "user_id": "u1",
                "date": "2025-01-07",
                "orders": 1,
                "revenue": 300.0,
            },
            {
                "influencer_id": "A",
                "campaign": "launch",
                "user_id": "u2",
                "date": "2025-01-08",
                "orders": 1,
                "revenue": 100.0,
            },
            {
                "influencer_id": "C",
                "campaign": "launch",
                "user_id": "u3",
                "date": "2025-01-09",
                "orders": 1,
                "revenue": 50.0,
            },
        ],
        payouts=[
            {"influencer_id": "A", "basis": "post", "total_payout": 100.0},
            {"influencer_id": "B", "basis": "order", "total_payout": 200.0},
            {"influencer_id": "C", "basis": "post", "total_payout": 0.0},
        ],
    )


def test_recommend_on_a_view_uses_last_touch_revenue_whatever_the_model(make_dataset):
    from metrics.view import View

    dataset = small_dataset(make_dataset)
    plan = recommend(View(dataset, options=Options(model="first_touch")))
    assert plan.table["influencer_id"].tolist() == ["A", "B"]
    assert plan.table["current_spend"].tolist() == pytest.approx([100.0, 200.0])
    assert plan.table["predicted_revenue_current"].tolist() == pytest.approx([100.0, 300.0])
    assert plan.excluded == ("C",)
    # b = 0.6 (the prior: A's revenue all follows its first post). Unbounded, s_A / s_B = ((100 / 100^0.6) / (300 / 200^0.6))^2.5 ≈ 0.18, so A
    # would get about 46 of 300: its lower bound of 50 binds and B takes 250.
    assert not plan.fit.identified and plan.b == 0.6
    assert plan.table["recommended_spend"].tolist() == pytest.approx([50.0, 250.0], rel=1e-12)
    assert plan.predicted_revenue_recommended == pytest.approx(100 * 0.5**0.6 + 300 * 1.25**0.6)


def test_weekly_frame_of_a_view(make_dataset):
    from metrics.view import View

    weekly = weekly_spend_revenue(View(small_dataset(make_dataset)))
    expected = pd.DataFrame(
        {
            "influencer_id": ["A", "A", "B", "C"],
            "week": pd.to_datetime(["2025-01-06", "2025-01-13", "2025-01-06", "2025-01-06"]),
            "spend": [50.0, 50.0, 200.0, 0.0],
            "revenue": [100.0, 0.0, 300.0, 50.0],
        }
    )
    pd.testing.assert_frame_equal(weekly, expected, check_dtype=False)


def test_recommend_respects_the_date_filter(make_dataset):
    from metrics.filters import Filters
    from metrics.view import View

    # From 9 Jan only A's second post (50) is in range, and no revenue: A has spend without revenue.
    plan = recommend(View(small_dataset(make_dataset), Filters.make(start="2025-01-09")), total=80.0)
    assert plan.table["influencer_id"].tolist() == ["A"]
    assert plan.excluded == ("C",)
    assert plan.table["predicted_revenue_current"].tolist() == [0.0]
    assert plan.table["recommended_spend"].tolist() == pytest.approx([80.0])
    assert plan.predicted_change == 0.0


def test_export_writes_budget_csv_only_when_a_budget_is_given(make_dataset):
    from metrics.export import COLUMNS, build_tables

    dataset = small_dataset(make_dataset)
    assert "budget.csv" not in build_tables(dataset)
    files = build_tables(dataset, budget=450.0)
    assert COLUMNS["budget"] == BUDGET_COLUMNS
    names = list(files)
    assert names.index("budget.csv") + 1 == names.index("budget_fit.csv") == names.index("trends.csv") - 1
    budget = files["budget.csv"]
    assert list(budget.columns) == BUDGET_COLUMNS
    # 450 = 1.5x today's 300, enough that no bound binds: s_A / s_B = r = (a_A / a_B)^(1 / (1 - 0.6)).
    ratio = ((100 / 100**0.6) / (300 / 200**0.6)) ** 2.5
    assert budget["influencer_id"].tolist() == ["A", "B"]
    assert budget["recommended_spend"].tolist() == pytest.approx(
        [450 * ratio / (1 + ratio), 450 / (1 + ratio)], rel=1e-12
    )
    assert 50 < 450 * ratio / (1 + ratio) < 200 and 100 < 450 / (1 + ratio) < 400

    fit = files["budget_fit.csv"]
    assert list(fit.columns) == FIT_COLUMNS == COLUMNS["budget_fit"]
    assert len(fit) == 1
    row = fit.iloc[0]
    # A's two posts (6 and 13 Jan) share the period 6-19 Jan, B is paid per order: no point to fit on,
    # so the prior 0.6 with no interval.
    assert (row["b"], row["points"], bool(row["identified"])) == (0.6, 0, False)
    assert np.isnan(row["b_low"]) and np.isnan(row["b_high"])
    assert (row["budget_requested"], row["budget_used"]) == (450.0, pytest.approx(450.0, rel=1e-12))
    # Predicted revenue at current spend is the actual last-touch revenue: A 100 + B 300.
    assert row["predicted_revenue_current"] == 400.0
    assert row["predicted_revenue_recommended"] == pytest.approx(
        100 * (450 * ratio / (1 + ratio) / 100) ** 0.6 + 300 * (450 / (1 + ratio) / 200) ** 0.6, rel=1e-12
    )


def test_cli_export_with_budget_writes_budget_csv(make_dataset, write_csvs, tmp_path, capsys):
    pytest.importorskip("metrics.ingest")
    from metrics.__main__ import main
    from metrics.view import View

    data = write_csvs(small_dataset(make_dataset), tmp_path / "data")
    out = tmp_path / "out"
    assert main(["export", "--data", str(data), "--out", str(out), "--budget", "1000000"]) == 0
    # Clipped, not refused: the dashboard's words on stderr, exit 0.
    message = (
        "The budget ₹10,00,000 is above the largest total the bounds allow (₹600, every influencer at its "
        "upper bound): the plan uses ₹600."
    )
    assert capsys.readouterr().err == message + "\n"
    assert recommend(View(small_dataset(make_dataset)), 1e6).message == message
    fit = pd.read_csv(out / "budget_fit.csv")
    assert fit[["budget_requested", "budget_used"]].values.tolist() == [[1e6, 600.0]]
    budget = pd.read_csv(out / "budget.csv")
    assert list(budget.columns) == BUDGET_COLUMNS
    # Far above what the bounds allow (2 x 300): every influencer at its upper bound.
    assert budget["recommended_spend"].tolist() == pytest.approx([200.0, 400.0], rel=1e-12)
    assert budget["predicted_revenue_recommended"].tolist() == pytest.approx([100 * 2**0.6, 300 * 2**0.6])

    assert main(["export", "--data", str(data), "--out", str(tmp_path / "plain")]) == 0
    assert not (tmp_path / "plain" / "budget.csv").exists()
    assert not (tmp_path / "plain" / "budget_fit.csv").exists()

    # Below what the bounds allow (half of 300), and inside the range: the second says nothing.
    assert main(["export", "--data", str(data), "--out", str(tmp_path / "low"), "--budget", "100"]) == 0
    assert capsys.readouterr().err == (
        "The budget ₹100 is below the smallest total the bounds allow (₹150, every influencer at its lower "
        "bound): the plan uses ₹150.\n"
    )
    assert main(["export", "--data", str(data), "--out", str(tmp_path / "in"), "--budget", "300"]) == 0
    assert capsys.readouterr().err == ""


def namespace_view(weeks: pd.DataFrame, basis: str) -> SimpleNamespace:
    """A view whose spend and revenue fall on the Monday of each given week."""
    spend = weeks.assign(date=weeks["week"], campaign="c", basis=basis)
    return SimpleNamespace(
        options=Options(),
        spend=spend[["influencer_id", "campaign", "date", "basis", "spend"]],
        credited=weeks.assign(date=weeks["week"])[["influencer_id", "date", "revenue"]],
    )


def test_exponent_is_fitted_on_post_basis_spend_only():
    # Commission spend is 10% of revenue every week: a slope of exactly 1 that says nothing about response.
    commission = synthetic_periods(b=0.6, n_influencers=4, n_periods=20).rename(columns={"period": "week"})
    commission = commission.assign(influencer_id="o-" + commission["influencer_id"])
    commission["spend"] = 0.1 * commission["revenue"]
    posts = synthetic_periods(b=0.4, n_influencers=5, n_periods=8, seed=4).rename(columns={"period": "week"})
    order_view, post_view = namespace_view(commission, "order"), namespace_view(posts, "post")
    view = SimpleNamespace(
        options=Options(),
        spend=pd.concat([order_view.spend, post_view.spend], ignore_index=True),
        credited=pd.concat([order_view.credited, post_view.credited], ignore_index=True),
    )
    every_basis = weekly_spend_revenue(view).rename(columns={"week": "period"})
    assert fit_exponent(every_basis).estimate > 0.5  # commission weeks drag the slope towards 1
    weekly = weekly_spend_revenue(view, basis="post")
    assert set(weekly["influencer_id"]) == set(posts["influencer_id"])
    plan = recommend(view)
    # Spend and revenue fall on the same day, 14 days apart: each pair is one point of the fit.
    assert (plan.fit.points, plan.fit.identified, plan.b) == (40, True, pytest.approx(0.4))
    assert set(paired_spend_revenue(view)["influencer_id"]) == set(posts["influencer_id"])
    assert len(plan.table) == 9  # commission influencers are still planned

    only_commission = recommend(order_view)
    assert not only_commission.fit.identified and only_commission.b == DEFAULT_EXPONENT
