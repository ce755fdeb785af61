"""The demo-data generator (docs/demo-data.md), the bundled demo files and the benchmark harness."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import benchmarks
from benchmarks import Budget, Measurement, Unavailable, Workload
from benchmarks.__main__ import main as benchmarks_main
from benchmarks.measurements import MEASUREMENTS
from data import generate as gen
from metrics.dataset import OPTIONAL, REQUIRED

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
COLUMNS = {
    "influencers": [
        "influencer_id",
        "name",
        "category",
        "gender",
        "follower_count",
        "platform",
        "handle",
        "city",
    ],
    "posts": [
        "post_id",
        "influencer_id",
        "platform",
        "date",
        "campaign",
        "url",
        "caption",
        "reach",
        "likes",
        "comments",
    ],
    "tracking": [
        "source",
        "campaign",
        "influencer_id",
        "user_id",
        "product",
        "date",
        "orders",
        "revenue",
        "brand",
        "order_id",
    ],
    "payouts": ["influencer_id", "basis", "rate", "total_payout"],
}


@pytest.fixture(scope="module")
def tiny() -> dict[str, pd.DataFrame]:
    return gen.generate("XS", seed=3)


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return gen.generate("S", seed=7)


def touches(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    tracking = frames["tracking"]
    return tracking[tracking["influencer_id"].notna()]


# --- determinism, sizes, columns ----------------------------------------------------------------------


def test_same_seed_gives_identical_frames(tiny):
    again = gen.generate("XS", seed=3)
    for name in gen.FILES:
        pd.testing.assert_frame_equal(again[name], tiny[name])


def test_different_seed_gives_different_data(tiny):
    other = gen.generate("XS", seed=4)
    assert other["influencers"]["name"].tolist() != tiny["influencers"]["name"].tolist()
    assert other["tracking"]["revenue"].sum() != tiny["tracking"]["revenue"].sum()
    assert other["posts"]["url"].tolist() != tiny["posts"]["url"].tolist()


@pytest.mark.parametrize("size", ["XS", "S"])
def test_row_counts_follow_the_size(size, tiny, demo):
    frames = tiny if size == "XS" else demo
    expected = gen.SIZES[size]
    assert len(frames["influencers"]) == expected.influencers
    assert len(frames["posts"]) == expected.posts
    assert len(frames["tracking"]) == expected.tracking
    # 1% of influencers (at least 2) have no payout row: S has 300, so 3 are missing.
    missing = {"XS": 2, "S": 3}[size]
    assert len(frames["payouts"]) == expected.influencers - missing


def test_sizes_are_the_documented_workloads():
    assert gen.SIZES["S"] == gen.Size(300, 3_000, 50_000)
    assert gen.SIZES["M"] == gen.Size(2_000, 20_000, 1_000_000)
    assert gen.SIZES["L"] == gen.Size(10_000, 100_000, 5_000_000)


def test_unknown_size_is_refused():
    with pytest.raises(ValueError, match="unknown size 'XL'"):
        gen.generate("XL")


def test_columns_are_canonical(tiny):
    for name, frame in tiny.items():
        assert list(frame.columns) == COLUMNS[name]
        assert set(REQUIRED[name]) <= set(frame.columns)
    for name in ("posts", "tracking", "payouts"):
        assert set(tiny[name].columns) <= set(REQUIRED[name]) | set(OPTIONAL[name])


def test_frames_have_the_contract_dtypes(tiny):
    assert tiny["tracking"]["date"].dtype == "datetime64[ns]"
    assert tiny["tracking"]["user_id"].dtype == pd.StringDtype("pyarrow")
    assert tiny["tracking"]["orders"].dtype == "int64"
    assert tiny["tracking"]["revenue"].dtype == "float64"
    assert tiny["posts"]["reach"].dtype == "int64"
    assert tiny["influencers"]["follower_count"].dtype == "int64"


# --- referential sanity and clean values --------------------------------------------------------------


def test_every_id_refers_to_a_known_influencer(demo):
    known = set(demo["influencers"]["influencer_id"])
    assert demo["influencers"]["influencer_id"].is_unique
    assert set(touches(demo)["influencer_id"]) <= known
    assert set(demo["posts"]["influencer_id"]) <= known
    assert set(demo["payouts"]["influencer_id"]) <= known
    assert demo["payouts"]["influencer_id"].is_unique


def test_a_post_is_on_its_influencers_platform(demo):
    platform = demo["influencers"].set_index("influencer_id")["platform"]
    posts = demo["posts"]
    assert (posts["platform"] == posts["influencer_id"].map(platform)).all()
    expected_prefix = {
        "Instagram": "https://www.instagram.com/p/",
        "YouTube": "https://youtu.be/",
        "X": "https://x.com/",
    }
    for name, prefix in expected_prefix.items():
        assert posts.loc[posts["platform"] == name, "url"].str.startswith(prefix).all()
    assert posts["url"].is_unique


def test_sources_fill_the_influencer_and_campaign_cells_as_documented(demo):
    tracking = demo["tracking"]
    assert set(tracking["source"]) == {"influencer", "organic", "paid_ads"}
    influencer = tracking["source"] == "influencer"
    assert tracking.loc[influencer, ["influencer_id", "campaign"]].notna().all().all()
    assert tracking.loc[~influencer, "influencer_id"].isna().all()
    assert tracking.loc[tracking["source"] == "organic", "campaign"].isna().all()
    assert tracking.loc[tracking["source"] == "paid_ads", "campaign"].notna().all()


def test_values_are_within_the_contract(demo):
    tracking, posts = demo["tracking"], demo["posts"]
    assert (tracking["orders"] >= 0).all()
    assert ((tracking["revenue"] > 0) == (tracking["orders"] > 0)).all()
    assert tracking["order_id"].notna().eq(tracking["orders"] > 0).all()
    assert tracking.loc[tracking["orders"] > 0, "order_id"].is_unique
    assert (posts["likes"] + posts["comments"] <= posts["reach"]).all()
    assert (demo["influencers"]["follower_count"] > 0).all()
    for frame in (tracking, posts):
        assert frame["date"].min() >= pd.Timestamp("2025-04-01")
        assert frame["date"].max() <= pd.Timestamp("2025-09-30")
    assert tracking["date"].is_monotonic_increasing  # file order is time order


def test_prices_are_realistic_rupees():
    assert gen.PRODUCT_PRICE.min() == 299
    assert gen.PRODUCT_PRICE.max() == 4999
    assert set(gen.BRANDS[gen.PRODUCT_BRAND]) == {"MuscleBlaze", "HKVitals", "Gritzo", "TrueBasics"}


def test_campaign_posts_fall_inside_their_campaign_dates(demo):
    posts = demo["posts"]
    for campaign in gen.CAMPAIGNS:
        dates = posts.loc[posts["campaign"] == campaign.name, "date"]
        assert len(dates) > 0
        assert dates.min() >= pd.Timestamp(campaign.start)
        assert dates.max() <= pd.Timestamp(campaign.end)


# --- payouts ------------------------------------------------------------------------------------------


def test_payouts_have_both_bases_rates_and_a_few_mismatches(demo):
    payouts = demo["payouts"]
    assert set(payouts["basis"]) == {"post", "order"}
    assert 0.6 <= (payouts["basis"] == "post").mean() <= 0.8
    assert payouts["rate"].gt(0).all()

    posts_per_influencer = demo["posts"]["influencer_id"].value_counts()
    conversions = touches(demo)[touches(demo)["orders"] > 0]
    coded_orders = conversions.groupby("influencer_id")["orders"].sum()
    units = np.where(
        payouts["basis"] == "post",
        payouts["influencer_id"].map(posts_per_influencer),
        payouts["influencer_id"].map(coded_orders),
    )
    assert (units > 0).all()  # no payout without units: the ledger shows no "no_units" rows
    computed = payouts["rate"] * units
    mismatched = (payouts["total_payout"] - computed).abs() > 0.01 * computed
    # 3% of 300 influencers are invoiced off by 15-25%; every other row is exactly rate x units.
    assert mismatched.sum() == 9
    assert (payouts.loc[~mismatched, "total_payout"] == computed[~mismatched]).all()


# --- journeys, null paths, control group, incrementality ----------------------------------------------


def test_influencer_rows_hold_clicks_and_coded_orders(demo):
    touch = touches(demo)
    clicks, conversions = (touch["orders"] == 0).sum(), (touch["orders"] > 0).sum()
    assert clicks > 2 * conversions > 0


def test_many_users_click_and_never_buy(demo):
    touch = touches(demo)
    touched = touch["user_id"].nunique()
    converting = touch.loc[touch["orders"] > 0, "user_id"].nunique()
    assert touched - converting > 0.3 * touched


def test_journeys_cross_influencers_within_the_lookback(demo):
    touch = touches(demo).reset_index(names="row")
    conversions = touch[touch["orders"] > 0]
    pairs = conversions.merge(touch, on="user_id", suffixes=("", "_touch"))
    days_before = (pairs["date"] - pairs["date_touch"]).dt.days
    earlier_other = (
        (pairs["row_touch"] < pairs["row"])
        & days_before.between(0, 30)
        & (pairs["influencer_id_touch"] != pairs["influencer_id"])
    )
    multi_influencer = pairs.loc[earlier_other, "row"].nunique()
    assert multi_influencer > 0.25 * len(conversions)


def test_same_day_assists_come_before_their_conversion(demo):
    touch = touches(demo).reset_index(names="row")
    same_day = touch.merge(touch, on=["user_id", "date"], suffixes=("", "_other"))
    conversion_then_click = same_day[
        (same_day["orders"] > 0) & (same_day["orders_other"] == 0) & (same_day["row_other"] > same_day["row"])
    ]
    click_then_conversion = same_day[
        (same_day["orders"] > 0) & (same_day["orders_other"] == 0) & (same_day["row_other"] < same_day["row"])
    ]
    # Clicks after a same-day conversion exist only for users with another journey; assists come first.
    assert len(click_then_conversion) > 5 * len(conversion_then_click)


def test_a_large_control_group_buys_at_a_steady_rate(demo):
    tracking = demo["tracking"]
    touched = set(touches(demo)["user_id"])
    control = tracking[~tracking["user_id"].isin(touched)]
    assert control["user_id"].nunique() > 0.5 * len(touched)
    assert set(control["source"]) == {"organic", "paid_ads"}
    monthly_orders = control.groupby(control["date"].dt.to_period("M"))["orders"].sum()
    assert len(monthly_orders) == 6
    assert monthly_orders.std() / monthly_orders.mean() < 0.1


def eligible_exposures(frames: dict[str, pd.DataFrame], window: int = 14) -> pd.DataFrame:
    """First touch of each (user, influencer) per campaign whose pre and post windows fit in the data."""
    tracking = frames["tracking"]
    first, last = tracking["date"].min(), tracking["date"].max()
    exposures = touches(frames).drop_duplicates(["campaign", "user_id", "influencer_id"])
    fits = (exposures["date"] - pd.Timedelta(days=window) >= first) & (
        exposures["date"] + pd.Timedelta(days=window - 1) <= last
    )
    return exposures[fits]


def test_every_campaign_has_enough_eligible_exposures(demo):
    counts = eligible_exposures(demo)["campaign"].value_counts()
    assert set(counts.index) == set(gen.CAMPAIGN_NAMES)
    assert counts.min() >= 30


def test_organic_buying_changes_after_exposure_by_campaign(demo):
    """Non-influencer revenue after vs before the exposure: a halo for most, a drop for the Protein Week sale."""
    tracking = demo["tracking"]
    exposures = eligible_exposures(demo)[["campaign", "user_id", "date"]].rename(columns={"date": "exposed"})
    exposures = exposures.drop_duplicates(["campaign", "user_id"])
    other = tracking[tracking["influencer_id"].isna()][["user_id", "date", "revenue"]]
    joined = exposures.merge(other, on="user_id")
    offset = (joined["date"] - joined["exposed"]).dt.days
    joined["change"] = np.where(offset.between(0, 13), joined["revenue"], 0) - np.where(
        offset.between(-14, -1), joined["revenue"], 0
    )
    change = joined.groupby("campaign")["change"].sum() / exposures.groupby("campaign").size()
    assert change["Protein Week"] < 0
    assert change["Back to School Gritzo"] > 0
    assert change["Monsoon Immunity"] > 0
    assert change["Protein Week"] < change.drop("Protein Week").min()


# --- what the analytics should find -------------------------------------------------------------------


def test_weekly_revenue_responds_to_spend_with_diminishing_returns(demo):
    """A within-influencer log-log fit of weekly revenue on weekly post-basis spend finds 0.5 < b < 0.8."""
    posts, payouts = demo["posts"], demo["payouts"]
    post_paid = payouts[payouts["basis"] == "post"].set_index("influencer_id")["total_payout"]
    fee = post_paid / posts["influencer_id"].value_counts().reindex(post_paid.index)
    week = posts["date"].dt.to_period("W-SUN")
    spend = posts.assign(week=week, spend=posts["influencer_id"].map(fee)).dropna(subset=["spend"])
    spend = spend.groupby(["influencer_id", "week"])["spend"].sum()
    conversions = touches(demo)[touches(demo)["orders"] > 0]
    revenue = conversions.groupby(["influencer_id", conversions["date"].dt.to_period("W-SUN")])[
        "revenue"
    ].sum()
    revenue.index.names = ["influencer_id", "week"]
    weeks = pd.concat({"spend": spend, "revenue": revenue}, axis=1).dropna()
    weeks = weeks[(weeks["spend"] > 0) & (weeks["revenue"] > 0)]
    logs = np.log(weeks)
    centred = logs - logs.groupby(level="influencer_id").transform("mean")
    b = (centred["spend"] * centred["revenue"]).sum() / (centred["spend"] ** 2).sum()
    assert len(weeks) >= 300
    assert 0.5 < b < 0.8


def test_performance_matrix_has_all_four_quadrants(demo):
    posts = demo["posts"].groupby("influencer_id")[["reach", "likes", "comments"]].sum()
    engagement_rate = (posts["likes"] + posts["comments"]) / posts["reach"]
    conversions = touches(demo)[touches(demo)["orders"] > 0]
    revenue = conversions.groupby("influencer_id")["revenue"].sum()
    spend = demo["payouts"].set_index("influencer_id")["total_payout"]
    roas = revenue.reindex(spend.index, fill_value=0) / spend
    both = pd.DataFrame({"engagement": engagement_rate, "roas": roas}).dropna()
    high_engagement = both["engagement"] >= both["engagement"].median()
    high_roas = both["roas"] >= both["roas"].median()
    quadrants = pd.crosstab(high_engagement, high_roas)
    assert quadrants.shape == (2, 2)
    assert (quadrants.to_numpy() >= 0.15 * len(both)).all()


def test_follower_counts_span_nano_to_a_few_mega(demo):
    followers = demo["influencers"]["follower_count"]
    tiers = pd.cut(followers, [0, 10_000, 100_000, 1_000_000, np.inf], right=False).value_counts()
    assert (tiers > 0).all()
    assert (followers >= 1_000_000).sum() <= 0.02 * len(followers)
    assert followers.between(10_000, 99_999).sum() > followers.ge(100_000).sum()


# --- writing, the bundled demo and the command line ---------------------------------------------------


def test_write_quotes_only_cells_that_need_it(tiny, tmp_path):
    gen.write(tiny, tmp_path)
    header = (tmp_path / "tracking.csv").read_text().splitlines()[0]
    assert header == ",".join(COLUMNS["tracking"])
    assert '"' not in (tmp_path / "tracking.csv").read_text()
    posts = pd.read_csv(tmp_path / "posts.csv")
    assert posts["caption"].tolist() == tiny["posts"]["caption"].tolist()
    assert posts["date"].iloc[0] == tiny["posts"]["date"].iloc[0].date().isoformat()


def test_bundled_demo_is_the_seed_7_small_workload(demo, tmp_path):
    written = gen.write(demo, tmp_path)
    for path in written:
        assert path.read_bytes() == (DEMO / path.name).read_bytes(), path.name


def test_bundled_demo_stays_small():
    total = sum((DEMO / f"{name}.csv").stat().st_size for name in gen.FILES)
    assert total < 6_000_000


def test_bundled_demo_ingests_clean(demo):
    ingest = pytest.importorskip("metrics.ingest")
    dataset = ingest.read_dir(DEMO)
    # The only findings are the three influencers deliberately left without a payout row.
    assert dataset.quality["problem"].tolist() == ["no payout row in payouts.csv"] * 3
    for name in gen.FILES:
        frame = dataset.frame(name)
        # Repeated tracking text is stored as categories (docs/data-contract.md); the values must match.
        categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
        assert categorical == (
            ["source", "campaign", "influencer_id", "product", "brand"] if name == "tracking" else []
        )
        frame = frame.astype(dict.fromkeys(categorical, "string"))
        pd.testing.assert_frame_equal(frame, demo[name][frame.columns])


def test_command_line_writes_four_files(tmp_path, capsys):
    assert gen.main(["--size", "XS", "--seed", "1", "--out", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(f"{name}.csv" for name in gen.FILES)
    assert "5,000 rows" in capsys.readouterr().out
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "payouts.csv"),
        pd.read_csv(gen.write(gen.generate("XS", 1), tmp_path / "again")[3]),
    )


# --- small helpers ------------------------------------------------------------------------------------


def test_codes_are_zero_padded():
    assert gen._codes("U", np.array([7, 123]), 4).tolist() == ["U0007", "U0123"]
    series = gen._code_series("HK", np.array([1, 2, 3]), 3, valid=np.array([True, False, True]))
    assert series.tolist()[0::2] == ["HK001", "HK003"]
    assert pd.isna(series.iloc[1])


def test_choice_by_row_follows_each_rows_probabilities():
    rng = np.random.default_rng(0)
    certain = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert gen._choice_by_row(rng, certain, np.array([0, 1, 2, 0])).tolist() == [1, 0, 2, 1]
    draws = gen._choice_by_row(rng, np.array([[0.25, 0.75]]), np.zeros(20_000, dtype=int))
    assert abs(draws.mean() - 0.75) < 0.02


# --- benchmark harness --------------------------------------------------------------------------------


def test_budget_compares_with_a_limit_or_a_multiple_of_the_baseline():
    assert Budget(2.0, relative=True).allows(1.9, baseline=1.0)
    assert not Budget(2.0, relative=True).allows(2.1, baseline=1.0)
    assert Budget(2.0, relative=True).allows(1.0, baseline=None) is None
    assert Budget(4.0).allows(3.9, baseline=None)
    assert Budget(2.0, relative=True).describe("s") == "<= 2x baseline"
    assert Budget(0.3).describe("s") == "<= 0.3 s"


def test_harness_keeps_the_best_sample_and_judges_it(tmp_path):
    samples = iter([5.0, 3.0, 4.0, 9.0, 7.0, 8.0])  # after a warm-up call each: best 3.0, then 7.0

    def next_sample(workload: Workload) -> float:
        return next(samples)

    def missing(workload: Workload) -> float:
        raise Unavailable("not built")

    measurements = [
        Measurement("base", next_sample, baseline=None),
        Measurement("feature", next_sample, baseline="base", budget=Budget(2.0, relative=True)),
        Measurement("later", missing, budget=Budget(1.0)),
        Measurement("export", lambda workload: 0.5, budget=Budget(4.0), repeats=False),
    ]
    results = benchmarks.run(measurements, Workload("XS", tmp_path), repeat=2, previous={"export": 0.25})
    base, feature, later, export = results
    assert (base.value, base.samples) == (3.0, [3.0, 4.0])
    assert (feature.value, feature.baseline_value, feature.verdict) == (7.0, 3.0, "OVER BUDGET")
    assert later.value is None and later.note == "not available: not built"
    assert (export.value, export.baseline_value, export.verdict) == (0.5, 0.25, "ok")
    table = benchmarks.format_table(results)
    assert table.splitlines()[0].split() == ["measurement", "value", "baseline", "budget", "verdict"]
    assert "not available: not built" in table
    assert "x2.33" in table  # 7.0 against its 3.0 baseline


def test_benchmark_command_reuses_the_workload_and_writes_results(tmp_path, capsys, monkeypatch):
    workloads, results = tmp_path / "workloads", tmp_path / "results-XS.json"
    argv = ["--size", "XS", "--repeat", "1", "--workloads", str(workloads), "--results", str(results)]
    assert benchmarks_main(argv) == 0
    assert "generated in" in capsys.readouterr().out
    document = json.loads(results.read_text())
    names = [row["name"] for row in document["measurements"]]
    assert names == [measurement.name for measurement in MEASUREMENTS]
    assert document["measurements"][0]["value"] > 0
    assert document["size"] == "XS" and document["repeat"] == 1
    # The second run only needs to show the workload is reused, so it times the first row alone.
    monkeypatch.setattr("benchmarks.__main__.MEASUREMENTS", MEASUREMENTS[:1])
    assert benchmarks_main(argv) == 0
    assert "reused" in capsys.readouterr().out
