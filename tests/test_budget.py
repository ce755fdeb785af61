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
    fit_exponent,
    optimize,
    recommend,
    weekly_spend_revenue,
)
from metrics.filters import Options


def frame(spend, revenue, ids=None, **extra) -> pd.DataFrame:
    ids = ids or [f"i{n}" for n in range(len(spend))]
    return pd.DataFrame({"influencer_id": ids, "spend": spend, "revenue": revenue, **extra})


def synthetic_weeks(b: float, n_influencers: int, n_weeks: int, noise: float = 0.0, seed: int = 1):
    """Weekly spend/revenue on curves revenue = exp(c_i) * spend^b, with intercepts tied to spend level."""
    rng = np.random.default_rng(seed)
    ids = np.repeat([f"i{n}" for n in range(n_influencers)], n_weeks)
    level = np.repeat(rng.uniform(3, 8, n_influencers), n_weeks)
    # High-spend influencers have low intercepts: a pooled regression across influencers is biased.
    intercept = np.repeat(np.linspace(6, 0, n_influencers), n_weeks)
    log_spend = level + rng.normal(0, 0.5, len(ids))
    log_revenue = intercept + b * log_spend + rng.normal(0, noise, len(ids))
    weeks = np.tile(pd.date_range("2025-01-06", periods=n_weeks, freq="7D"), n_influencers)
    return pd.DataFrame(
        {"influencer_id": ids, "week": weeks, "spend": np.exp(log_spend), "revenue": np.exp(log_revenue)}
    )


def test_fit_recovers_known_exponent_with_influencer_intercepts():
    weekly = synthetic_weeks(b=0.7, n_influencers=8, n_weeks=10)
    fit = fit_exponent(weekly)
    assert fit.b == pytest.approx(0.7, abs=1e-12)
    assert (fit.n_weeks, fit.n_influencers, fit.fallback, fit.clipped) == (80, 8, False, False)
    pooled_slope = np.polyfit(np.log(weekly["spend"]), np.log(weekly["revenue"]), 1)[0]
    assert abs(pooled_slope - 0.7) > 0.1  # the per-influencer demeaning is what recovers b


def test_fit_with_noise_is_close_and_ignores_weeks_without_spend_or_revenue():
    weekly = synthetic_weeks(b=0.5, n_influencers=40, n_weeks=26, noise=0.1)
    padding = pd.DataFrame(
        {
            "influencer_id": ["i0", "i1", "i2"],
            "week": pd.to_datetime(["2030-01-07"] * 3),
            "spend": [0.0, 5.0, 1e9],
            "revenue": [1e9, 0.0, 0.0],
        }
    )
    fit = fit_exponent(pd.concat([weekly, padding], ignore_index=True))
    assert fit.b == pytest.approx(0.5, abs=0.03)
    assert fit.n_weeks == 40 * 26


def test_fit_falls_back_under_thirty_weeks():
    fit = fit_exponent(synthetic_weeks(b=0.8, n_influencers=1, n_weeks=29))
    assert (fit.b, fit.n_weeks, fit.fallback) == (DEFAULT_EXPONENT, 29, True)
    assert np.isnan(fit.estimate)
    assert fit_exponent(synthetic_weeks(b=0.8, n_influencers=1, n_weeks=30)).b == pytest.approx(0.8)


def test_fit_counts_only_influencers_with_two_or_more_weeks():
    # 29 informative weeks plus 10 influencers seen in a single week: those carry no within-influencer
    # variation, so the fit still falls back.
    singles = synthetic_weeks(b=0.8, n_influencers=10, n_weeks=1, seed=2)
    singles["influencer_id"] = "single-" + singles["influencer_id"]
    fit = fit_exponent(pd.concat([synthetic_weeks(b=0.8, n_influencers=1, n_weeks=29), singles]))
    assert (fit.n_weeks, fit.fallback) == (29, True)


def test_fit_falls_back_when_spend_never_varies_within_an_influencer():
    weekly = pd.DataFrame(
        {
            "influencer_id": np.repeat(["a", "b", "c"], 12),
            "week": np.tile(np.arange(12), 3),
            "spend": np.repeat([0.1, 7.0, 300.0], 12),
            "revenue": np.arange(1.0, 37.0),
        }
    )
    fit = fit_exponent(weekly)
    assert (fit.b, fit.n_weeks, fit.fallback) == (DEFAULT_EXPONENT, 36, True)


@pytest.mark.parametrize(("true_b", "expected"), [(1.3, 0.95), (0.1, 0.2)])
def test_fit_is_clipped_to_range(true_b, expected):
    fit = fit_exponent(synthetic_weeks(b=true_b, n_influencers=5, n_weeks=8))
    assert (fit.b, fit.clipped, fit.fallback) == (expected, True, False)
    assert fit.estimate == pytest.approx(true_b)
    assert "clipped" in fit.summary


def test_fit_sums_repeated_influencer_weeks_before_selecting_them():
    # Each week arrives as a spend-only row and a revenue-only row: together they are one usable week.
    one = synthetic_weeks(b=0.6, n_influencers=3, n_weeks=12)
    spend_rows = one.assign(revenue=0.0)
    revenue_rows = one.assign(spend=0.0)
    fit = fit_exponent(pd.concat([spend_rows, revenue_rows]))
    assert (fit.n_weeks, fit.fallback, fit.b) == (36, False, pytest.approx(0.6))


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


@pytest.mark.parametrize(("total", "used", "word"), [(50.0, 150.0, "below"), (1e6, 1200.0, "above")])
def test_budget_outside_feasible_range_is_clipped_with_message(total, used, word):
    plan = optimize(frame([100.0, 200.0], [300.0, 300.0]), b=0.5, total=total, lower=0.5, upper=4.0)
    assert plan.recommended_spend == pytest.approx(used, rel=1e-12)
    assert plan.requested_total == total
    assert word in plan.message
    assert f"{used:,.2f}" in plan.message


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
    assert plan.fit is not None and plan.fit.fallback and plan.b == DEFAULT_EXPONENT
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
    # b = 0.6 (3 weeks only). Unbounded, s_A / s_B = ((100 / 100^0.6) / (300 / 200^0.6))^2.5 ≈ 0.18, so A
    # would get about 46 of 300: its lower bound of 50 binds and B takes 250.
    assert plan.fit.fallback and plan.b == 0.6
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
    assert list(files).index("budget.csv") == list(files).index("trends.csv") - 1
    budget = files["budget.csv"]
    assert list(budget.columns) == BUDGET_COLUMNS
    # 450 = 1.5x today's 300, enough that no bound binds: s_A / s_B = r = (a_A / a_B)^(1 / (1 - 0.6)).
    ratio = ((100 / 100**0.6) / (300 / 200**0.6)) ** 2.5
    assert budget["influencer_id"].tolist() == ["A", "B"]
    assert budget["recommended_spend"].tolist() == pytest.approx(
        [450 * ratio / (1 + ratio), 450 / (1 + ratio)], rel=1e-12
    )
    assert 50 < 450 * ratio / (1 + ratio) < 200 and 100 < 450 / (1 + ratio) < 400


def test_cli_export_with_budget_writes_budget_csv(make_dataset, write_csvs, tmp_path):
    pytest.importorskip("metrics.ingest")
    from metrics.__main__ import main

    data = write_csvs(small_dataset(make_dataset), tmp_path / "data")
    out = tmp_path / "out"
    assert main(["export", "--data", str(data), "--out", str(out), "--budget", "1000000"]) == 0
    budget = pd.read_csv(out / "budget.csv")
    assert list(budget.columns) == BUDGET_COLUMNS
    # Far above what the bounds allow (2 x 300): every influencer at its upper bound.
    assert budget["recommended_spend"].tolist() == pytest.approx([200.0, 400.0], rel=1e-12)
    assert budget["predicted_revenue_recommended"].tolist() == pytest.approx([100 * 2**0.6, 300 * 2**0.6])

    assert main(["export", "--data", str(data), "--out", str(tmp_path / "plain")]) == 0
    assert not (tmp_path / "plain" / "budget.csv").exists()


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
    commission = synthetic_weeks(b=0.6, n_influencers=4, n_weeks=20)
    commission = commission.assign(influencer_id="o-" + commission["influencer_id"])
    commission["spend"] = 0.1 * commission["revenue"]
    posts = synthetic_weeks(b=0.4, n_influencers=5, n_weeks=8, seed=4)
    order_view, post_view = namespace_view(commission, "order"), namespace_view(posts, "post")
    view = SimpleNamespace(
        options=Options(),
        spend=pd.concat([order_view.spend, post_view.spend], ignore_index=True),
        credited=pd.concat([order_view.credited, post_view.credited], ignore_index=True),
    )
    assert fit_exponent(weekly_spend_revenue(view)).b > 0.5  # commission weeks drag the slope towards 1
    weekly = weekly_spend_revenue(view, basis="post")
    assert set(weekly["influencer_id"]) == set(posts["influencer_id"])
    plan = recommend(view)
    assert (plan.fit.n_weeks, plan.b) == (40, pytest.approx(0.4))
    assert len(plan.table) == 9  # commission influencers are still planned

    only_commission = recommend(order_view)
    assert only_commission.fit.fallback and only_commission.b == DEFAULT_EXPONENT
