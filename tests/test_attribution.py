"""Journeys and the rule-based attribution models, worked out by hand (docs/attribution.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import attribution
from metrics.__main__ import main
from metrics.attribution import credit, heuristic_weights
from metrics.comparison import (
    ATTRIBUTION_COLUMNS,
    MARKOV_COLUMNS,
    attribution_table,
    markov_table,
    model_comparison,
)
from metrics.filters import HEURISTIC_MODELS, MODELS, Filters, Options
from metrics.journeys import PAIR_COLUMNS, journey_pairs, sort_touches
from metrics.markov import UNKNOWN_GROUP, markov_attribution
from metrics.view import View
from tests.conftest import build_dataset
from tests.test_markov import literal_markov_credit


def tracking_of(*rows: dict) -> pd.DataFrame:
    """Build a typed tracking frame; each row needs user_id and date, touches an influencer_id."""
    return build_dataset(tracking=rows).tracking


def weights_by_touch(tracking: pd.DataFrame, model: str, **options) -> dict[tuple[int, int], float]:
    frame = credit(tracking, Options(model=model, **options))
    return {(c, t): w for c, t, w in frame.itertuples(index=False)}


def touch(user: str, date: str, influencer: str | None = "a", orders: int = 0, revenue: float = 0.0) -> dict:
    return {"user_id": user, "date": date, "influencer_id": influencer, "orders": orders, "revenue": revenue}


# --- journeys --------------------------------------------------------------------------------------


def test_single_touch_gets_everything_under_every_model():
    tracking = tracking_of(touch("u", "2025-05-01", "a", orders=1, revenue=500.0))
    for model in HEURISTIC_MODELS:
        assert weights_by_touch(tracking, model) == {(0, 0): 1.0}, model


def test_two_touches_split_by_model():
    tracking = tracking_of(
        touch("u", "2025-05-01", "a"),
        touch("u", "2025-05-08", "b", orders=1, revenue=100.0),
    )
    assert weights_by_touch(tracking, "last_touch") == {(1, 1): 1.0}
    assert weights_by_touch(tracking, "first_touch") == {(1, 0): 1.0}
    assert weights_by_touch(tracking, "linear") == {(1, 0): 0.5, (1, 1): 0.5}
    assert weights_by_touch(tracking, "position_based") == {(1, 0): 0.5, (1, 1): 0.5}
    # Δ = 7 and 0 days with half-life 7: raw 1/2 and 1, normalised 1/3 and 2/3.
    decay = weights_by_touch(tracking, "time_decay", half_life=7)
    assert decay == pytest.approx({(1, 0): 1 / 3, (1, 1): 2 / 3})


def test_three_touches_with_known_dates():
    tracking = tracking_of(
        touch("u", "2025-05-01", "a"),
        touch("u", "2025-05-08", "b"),
        touch("u", "2025-05-15", "c", orders=2, revenue=700.0),
    )
    pairs = journey_pairs(tracking, 30)
    assert pairs["touch_row"].tolist() == [0, 1, 2]
    assert pairs["position"].tolist() == [0, 1, 2]
    assert pairs["n"].tolist() == [3, 3, 3]
    assert pairs["days_before"].tolist() == [14, 7, 0]
    # 2^-2 : 2^-1 : 2^0 = 1 : 2 : 4 out of 7.
    decay = weights_by_touch(tracking, "time_decay", half_life=7)
    assert decay == pytest.approx({(2, 0): 1 / 7, (2, 1): 2 / 7, (2, 2): 4 / 7})
    assert weights_by_touch(tracking, "position_based") == pytest.approx(
        {(2, 0): 0.4, (2, 1): 0.2, (2, 2): 0.4}
    )
    assert weights_by_touch(tracking, "linear") == pytest.approx(
        {(2, 0): 1 / 3, (2, 1): 1 / 3, (2, 2): 1 / 3}
    )


def test_position_based_splits_twenty_percent_over_the_middle():
    pairs = pd.DataFrame(
        {"conversion_row": [9] * 5, "touch_row": range(5), "position": range(5), "n": [5] * 5}
    )
    assert heuristic_weights(pairs, "position_based").tolist() == pytest.approx(
        [0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4]
    )


def test_lookback_is_inclusive_at_the_edge():
    tracking = tracking_of(
        touch("u", "2025-04-30", "a"),  # 31 days before: outside
        touch("u", "2025-05-01", "b"),  # exactly 30 days before: inside
        touch("u", "2025-05-31", "c", orders=1, revenue=100.0),
    )
    pairs = journey_pairs(tracking, 30)
    assert pairs["touch_row"].tolist() == [1, 2]
    assert pairs["days_before"].tolist() == [30, 0]
    assert journey_pairs(tracking, 29)["touch_row"].tolist() == [2]
    assert weights_by_touch(tracking, "first_touch", lookback=31) == {(2, 0): 1.0}


def test_same_day_touch_later_in_the_file_is_not_in_the_journey():
    tracking = tracking_of(
        touch("u", "2025-05-10", "a"),  # same day, earlier in the file: in
        touch("u", "2025-05-10", "b", orders=1, revenue=100.0),
        touch("u", "2025-05-10", "c"),  # same day, later in the file: out
    )
    pairs = journey_pairs(tracking, 30)
    assert pairs["touch_row"].tolist() == [0, 1]
    assert weights_by_touch(tracking, "first_touch") == {(1, 0): 1.0}


def test_file_order_breaks_same_day_ties_even_when_earlier_dates_come_later_in_the_file():
    tracking = tracking_of(
        touch("u", "2025-05-10", "c", orders=1, revenue=100.0),
        touch("u", "2025-05-03", "a"),
        touch("u", "2025-05-10", "b"),
    )
    pairs = journey_pairs(tracking, 30)
    assert pairs["touch_row"].tolist() == [1, 0]
    assert pairs["days_before"].tolist() == [7, 0]


def test_organic_orders_are_never_credited_nor_touches():
    tracking = tracking_of(
        touch("u", "2025-05-01", None, orders=3, revenue=900.0),  # organic order
        touch("u", "2025-05-02", "a", orders=1, revenue=100.0),
    )
    for model in HEURISTIC_MODELS:
        assert weights_by_touch(tracking, model) == {(1, 1): 1.0}, model


def test_other_users_touches_are_not_in_the_journey():
    tracking = tracking_of(
        touch("v", "2025-05-01", "a"),
        touch("u", "2025-05-02", "b", orders=1, revenue=100.0),
        touch(None, "2025-05-01", "c"),
        touch(None, "2025-05-02", "d", orders=1, revenue=50.0),
    )
    pairs = journey_pairs(tracking, 30)
    assert list(zip(pairs["conversion_row"], pairs["touch_row"], strict=True)) == [(1, 1), (3, 3)]


def test_a_second_conversion_includes_the_first_as_a_touch():
    tracking = tracking_of(
        touch("u", "2025-05-01", "a"),
        touch("u", "2025-05-05", "b", orders=1, revenue=100.0),
        touch("u", "2025-05-09", "c", orders=2, revenue=300.0),
    )
    pairs = journey_pairs(tracking, 30)
    assert pairs[["conversion_row", "touch_row", "position", "n"]].values.tolist() == [
        [1, 0, 0, 2],
        [1, 1, 1, 2],
        [2, 0, 0, 3],
        [2, 1, 1, 3],
        [2, 2, 2, 3],
    ]
    linear = weights_by_touch(tracking, "linear")
    assert linear == pytest.approx({(1, 0): 0.5, (1, 1): 0.5, (2, 0): 1 / 3, (2, 1): 1 / 3, (2, 2): 1 / 3})


def test_unknown_model_is_refused():
    tracking = tracking_of(touch("u", "2025-05-01", "a", orders=1, revenue=1.0))
    pairs = journey_pairs(tracking, 30)
    with pytest.raises(ValueError, match="unknown rule-based model"):
        heuristic_weights(pairs, "markov")


def test_no_conversions_give_empty_frames():
    tracking = tracking_of(touch("u", "2025-05-01", "a"))
    assert journey_pairs(tracking, 30).columns.tolist() == PAIR_COLUMNS
    assert journey_pairs(tracking, 30).empty
    for model in HEURISTIC_MODELS:
        frame = credit(tracking, Options(model=model))
        assert frame.empty and frame.columns.tolist() == attribution.CREDIT_COLUMNS


# --- journeys against a brute-force reading of the definition -------------------------------------


def brute_force_journeys(tracking: pd.DataFrame, lookback: int) -> dict[int, list[int]]:
    """Apply the journey definition literally, one conversion at a time."""
    journeys = {}
    records = list(tracking.itertuples(index=False))
    for i, conversion in enumerate(records):
        if pd.isna(conversion.influencer_id) or conversion.orders <= 0:
            continue
        members = [
            j
            for j, other in enumerate(records)
            if pd.notna(other.influencer_id)
            and pd.notna(conversion.user_id)
            and pd.notna(other.user_id)
            and other.user_id == conversion.user_id
            and (other.date, j) <= (conversion.date, i)
            and (conversion.date - other.date).days <= lookback
        ]
        if pd.isna(conversion.user_id):
            members = [i]
        journeys[i] = sorted(members, key=lambda j: (records[j].date, j))
    return journeys


row_strategy = st.fixed_dictionaries(
    {
        "user_id": st.sampled_from(["u1", "u2", "u3", None]),
        "influencer_id": st.sampled_from(["a", "b", "c", None]),
        "date": st.integers(0, 40).map(lambda d: (pd.Timestamp("2025-05-01") + pd.Timedelta(days=d)).date()),
        "orders": st.integers(0, 2),
        "revenue": st.sampled_from([0.0, 100.0, 250.0]),
    }
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(row_strategy, max_size=25), lookback=st.integers(0, 20), half_life=st.floats(0.5, 30))
def test_journeys_and_weights_match_the_definition(rows, lookback, half_life):
    tracking = tracking_of(*rows)
    pairs = journey_pairs(tracking, lookback)
    expected = brute_force_journeys(tracking, lookback)
    got = pairs.groupby("conversion_row", sort=True)["touch_row"].agg(list).to_dict()
    assert got == expected
    # User codes of the whole column (as a View holds them) give the very same pairs.
    codes = pd.factorize(tracking["user_id"])[0]
    touches = sort_touches(tracking, lookback, user_codes=codes)
    pd.testing.assert_frame_equal(journey_pairs(tracking, lookback, touches=touches), pairs)
    assert pairs["conversion_row"].is_monotonic_increasing
    for model in HEURISTIC_MODELS:
        weights = heuristic_weights(pairs, model, half_life)
        assert (weights >= 0).all()
        sums = pd.Series(weights).groupby(pairs["conversion_row"].to_numpy()).sum()
        np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)


# --- tables on a view ------------------------------------------------------------------------------


def journeys_dataset():
    """Two users, three influencers on two platforms, one organic order.

    u1: a (05-01, Instagram), b (05-08, YouTube), c converts (05-15, Instagram, 2 orders, 700)
    u2: b converts (05-10, 1 order, 300)
    u3: organic order (05-12, 5 orders, 1000): never credited
    """
    return build_dataset(
        influencers=[
            {"influencer_id": "a", "platform": "Instagram", "category": "Fitness"},
            {"influencer_id": "b", "platform": "YouTube", "category": "Yoga"},
            {"influencer_id": "c", "platform": "Instagram", "category": "Yoga"},
        ],
        tracking=[
            {**touch("u1", "2025-05-01", "a"), "campaign": "Summer"},
            {**touch("u1", "2025-05-08", "b"), "campaign": "Summer"},
            {**touch("u1", "2025-05-15", "c", orders=2, revenue=700.0), "campaign": "Monsoon"},
            {**touch("u2", "2025-05-10", "b", orders=1, revenue=300.0), "campaign": "Summer"},
            touch("u3", "2025-05-12", None, orders=5, revenue=1000.0),
        ],
    )


def test_attribution_table_blocks_by_hand():
    table = attribution_table(View(journeys_dataset()))
    assert table.columns.tolist() == ATTRIBUTION_COLUMNS
    assert table["model"].unique().tolist() == list(HEURISTIC_MODELS)
    got = {(m, i): (o, r) for m, i, o, r in table.itertuples(index=False)}
    expected = {
        ("last_touch", "b"): (1.0, 300.0),
        ("last_touch", "c"): (2.0, 700.0),
        ("first_touch", "a"): (2.0, 700.0),
        ("first_touch", "b"): (1.0, 300.0),
        ("linear", "a"): (2 / 3, 700 / 3),
        ("linear", "b"): (1 + 2 / 3, 300 + 700 / 3),
        ("linear", "c"): (2 / 3, 700 / 3),
        ("time_decay", "a"): (2 / 7, 100.0),
        ("time_decay", "b"): (1 + 4 / 7, 300 + 200.0),
        ("time_decay", "c"): (8 / 7, 400.0),
        ("position_based", "a"): (0.8, 280.0),
        ("position_based", "b"): (1.4, 300 + 140.0),
        ("position_based", "c"): (0.8, 280.0),
    }
    assert got.keys() == expected.keys()  # only non-zero credit: no last-touch row for a
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key


def test_total_credited_revenue_is_the_same_under_every_model():
    dataset = journeys_dataset()
    view = View(dataset)
    table = attribution_table(view)
    totals = table.groupby("model")[["attributed_orders", "attributed_revenue"]].sum()
    np.testing.assert_allclose(totals["attributed_revenue"], 1000.0)  # 700 + 300, organic 1000 left out
    np.testing.assert_allclose(totals["attributed_orders"], 3.0)
    for model in MODELS:
        credited = View(dataset, options=Options(model=model)).credited
        assert credited["revenue"].sum() == pytest.approx(1000.0), model
        assert credited["orders"].sum() == pytest.approx(3.0), model


def test_attribution_table_keeps_the_view_filters():
    # A campaign filter keeps the credit that lands on Summer touches: a and b, never c (Monsoon).
    view = View(journeys_dataset(), Filters.make(campaigns=["Summer"]))
    table = attribution_table(view)
    linear = table[table["model"] == "linear"].set_index("influencer_id")["attributed_revenue"]
    assert linear.to_dict() == pytest.approx({"a": 700 / 3, "b": 300 + 700 / 3})
    assert set(table.loc[table["model"] == "last_touch", "influencer_id"]) == {"b"}


def test_model_comparison_by_platform_by_hand():
    table = model_comparison(View(journeys_dataset()), "platform")
    assert table.columns.tolist() == [
        "platform",
        *MODELS,
        *[f"{m}_shift_vs_last_touch" for m in MODELS[1:]],
    ]
    rows = table.set_index("platform")
    # Last touch: c (Instagram) 700, b (YouTube) 300. Linear: Instagram a + c = 1400/3.
    assert rows.loc["Instagram", "last_touch"] == pytest.approx(700.0)
    assert rows.loc["YouTube", "linear"] == pytest.approx(300 + 700 / 3)
    assert rows.loc["Instagram", "linear_shift_vs_last_touch"] == pytest.approx(1400 / 3 - 700)
    assert table["platform"].tolist() == ["Instagram", "YouTube"]  # largest last-touch revenue first
    for model in MODELS:
        assert table[model].sum() == pytest.approx(1000.0), model
    for model in MODELS[1:]:
        assert table[f"{model}_shift_vs_last_touch"].sum() == pytest.approx(0.0, abs=1e-9)


def test_model_comparison_rejects_an_unknown_grouping():
    with pytest.raises(ValueError, match="unknown comparison grouping"):
        model_comparison(View(journeys_dataset()), "gender")


# --- export files and the command line -------------------------------------------------------------


def cli_dataset():
    base = journeys_dataset()
    return build_dataset(
        influencers=base.influencers,
        posts=[{"influencer_id": "a", "date": "2025-05-01"}, {"influencer_id": "c", "date": "2025-05-02"}],
        tracking=base.tracking,
        payouts=[
            {"influencer_id": "a", "basis": "post", "total_payout": 100.0},
            {"influencer_id": "b", "basis": "order", "total_payout": 50.0},
            {"influencer_id": "c", "basis": "post", "total_payout": 80.0},
        ],
    )


def run_cli(tmp_path, write_csvs, dataset, *options: str) -> tuple[int, Path]:
    data = write_csvs(dataset, tmp_path / "data")
    out = tmp_path / "out"
    status = main(["export", "--data", str(data), "--out", str(out), *options])
    return status, out


@pytest.mark.parametrize("model", MODELS)
def test_cli_writes_both_attribution_files_under_every_model(tmp_path, write_csvs, model):
    status, out = run_cli(tmp_path, write_csvs, cli_dataset(), "--model", model, "--lookback", "10")
    assert status == 0
    table = pd.read_csv(out / "attribution.csv")
    assert table.columns.tolist() == ATTRIBUTION_COLUMNS
    # Lookback 10: a's touch (14 days before c's conversion) drops out of u1's journey: b, c.
    linear = table[table["model"] == "linear"].set_index("influencer_id")["attributed_revenue"]
    assert linear.to_dict() == pytest.approx({"b": 350 + 300.0, "c": 350.0})
    decay = table[table["model"] == "time_decay"].set_index("influencer_id")["attributed_orders"]
    assert decay.to_dict() == pytest.approx({"b": 2 / 3 + 1, "c": 4 / 3})
    markov = pd.read_csv(out / "attribution_markov.csv")
    assert markov.columns.tolist() == MARKOV_COLUMNS
    assert markov.to_dict("list") == {
        "grouping": ["platform", "platform"],
        "group": ["YouTube", "Instagram"],
        # Paths Y -> I -> conversion and Y -> conversion: without YouTube nothing converts (effect 1);
        # without Instagram half the paths still do (effect 1/2). u1's 700 (2 orders) is split 2/3
        # YouTube, 1/3 Instagram; u2's 300 (1 order) is YouTube's alone.
        "removal_effect": [1.0, 0.5],
        "attributed_orders": pytest.approx([2 / 3 * 2 + 1, 1 / 3 * 2], rel=1e-12),
        "attributed_revenue": pytest.approx([2 / 3 * 700 + 300, 1 / 3 * 700], rel=1e-12),
    }


@pytest.mark.parametrize("by", ["platform", "campaign"])
def test_cli_markov_file_is_the_per_journey_credit(tmp_path, write_csvs, by):
    dataset = random_dataset(seed=11)
    start = "2025-05-10"
    status, out = run_cli(
        tmp_path, write_csvs, dataset, "--start", start, "--markov-by", by, "--lookback", "10"
    )
    assert status == 0
    markov = pd.read_csv(out / "attribution_markov.csv").set_index("group")
    filters = Filters.make(start=start)
    effects = markov_attribution(dataset.tracking, View(dataset).influencers, by, 10, filters).set_index(
        "group"
    )["removal_effect"]
    expected = literal_markov_credit(dataset, by, 10, filters, effects.fillna(0.0).to_dict())
    assert markov.index.sort_values().tolist() == expected.index.sort_values().tolist()
    np.testing.assert_allclose(markov["attributed_revenue"], expected["revenue"][markov.index], rtol=1e-9)
    np.testing.assert_allclose(markov["attributed_orders"], expected["orders"][markov.index], rtol=1e-9)
    np.testing.assert_allclose(markov["removal_effect"], effects[markov.index], rtol=1e-12)
    last_touch = View(dataset, filters).credited
    assert markov["attributed_revenue"].sum() == pytest.approx(last_touch["revenue"].sum(), rel=1e-9)
    assert markov["attributed_orders"].sum() == pytest.approx(last_touch["orders"].sum(), rel=1e-9)


def test_cli_markov_by_category(tmp_path, write_csvs):
    status, out = run_cli(tmp_path, write_csvs, cli_dataset(), "--lookback", "10", "--markov-by", "category")
    assert status == 0
    # b and c are both Yoga: every path is Yoga -> conversion.
    markov = pd.read_csv(out / "attribution_markov.csv")
    assert markov.values.tolist() == [["category", "Yoga", 1.0, 3.0, 1000.0]]


def test_cli_refuses_markov_by_influencer_beyond_the_limit(tmp_path, write_csvs, capsys):
    many = build_dataset(
        influencers=[{"influencer_id": f"i{i}"} for i in range(501)],
        tracking=[touch(f"u{i}", "2025-05-01", f"i{i}", orders=1, revenue=10.0) for i in range(501)],
        payouts=[{"influencer_id": "i0", "total_payout": 1.0}],
    )
    status, _ = run_cli(tmp_path, write_csvs, many, "--markov-by", "influencer")
    assert status == 2
    stderr = capsys.readouterr().err.strip().splitlines()
    assert len(stderr) == 1
    assert "at most 500 influencers" in stderr[0] and "platform, category or campaign" in stderr[0]


# --- the tables agree with the View under every model and filter ----------------------------------


def random_dataset(seed: int = 5, rows: int = 300):
    rng = np.random.default_rng(seed)
    influencers = [
        {"influencer_id": f"i{k}", "platform": p, "category": c, "gender": g}
        for k, (p, c, g) in enumerate(
            [
                ("Instagram", "Fitness", "Female"),
                ("Instagram", "Yoga", "Male"),
                ("YouTube", "Fitness", "Female"),
                ("YouTube", "Yoga", "Male"),
                ("X", "Fitness", "Other"),
            ]
        )
    ]
    ids = [*(f"i{k}" for k in range(5)), "ghost", None]  # an unknown id and organic rows
    tracking = []
    for _ in range(rows):
        influencer = ids[rng.integers(0, len(ids))]
        orders = int(rng.integers(1, 3)) if rng.random() < 0.3 else 0
        tracking.append(
            {
                "user_id": f"u{rng.integers(0, 40)}",
                "date": (pd.Timestamp("2025-05-01") + pd.Timedelta(days=int(rng.integers(0, 50)))).date(),
                "influencer_id": influencer,
                "campaign": None if influencer is None else ["Summer", "Monsoon"][rng.integers(0, 2)],
                "product": ["Whey", "Creatine"][rng.integers(0, 2)],
                "orders": orders,
                "revenue": float(orders * rng.integers(100, 1000)),
            }
        )
    return build_dataset(influencers=influencers, tracking=tracking)


VIEW_FILTERS = [
    Filters(),
    Filters.make(campaigns=["Summer"]),
    Filters.make(platforms=["Instagram"], genders=["Female"]),
    Filters.make(start="2025-05-15", end="2025-06-05"),
    Filters.make(products=["Creatine"], start="2025-05-20"),
]


def view_sums(dataset, filters, options, by):
    credited = View(dataset, filters, options).credited
    group = credited[by].astype("string")
    return credited.groupby(group, dropna=False)[["orders", "revenue"]].sum()


@pytest.mark.parametrize(
    "filters", VIEW_FILTERS, ids=["none", "campaign", "influencer", "dates", "product-and-start"]
)
def test_tables_match_the_view_credit_under_every_model(filters):
    dataset = random_dataset()
    view = View(dataset, filters, Options(lookback=10, half_life=3, markov_by="category"))
    table = attribution_table(view)
    for model in HEURISTIC_MODELS:
        expected = view_sums(dataset, filters, view.options.with_model(model), "influencer_id")
        expected = expected[expected["orders"] > 0]
        got = table[table["model"] == model].set_index("influencer_id")
        assert got.index.tolist() == expected.index.tolist(), model
        np.testing.assert_allclose(got["attributed_revenue"], expected["revenue"], rtol=1e-12)
        np.testing.assert_allclose(got["attributed_orders"], expected["orders"], rtol=1e-12)

    for by in ("platform", "campaign"):
        comparison = model_comparison(view, by).set_index(by)
        for model in MODELS:
            options = view.options.with_model(model)
            if model == "markov":
                options = Options(model="markov", lookback=10, markov_by=by)
            expected = view_sums(dataset, filters, options, by)["revenue"]
            got = comparison[model]
            np.testing.assert_allclose(
                got.reindex(expected.index).to_numpy(), expected.to_numpy(), rtol=1e-12
            )
            assert got.drop(expected.index).eq(0).all()

    markov = markov_table(view).set_index("group")
    expected = view_sums(dataset, filters, view.options.with_model("markov"), "category")
    expected.index = expected.index.fillna(UNKNOWN_GROUP)
    np.testing.assert_allclose(
        markov["attributed_revenue"].to_numpy(), expected["revenue"].reindex(markov.index).to_numpy()
    )
    assert markov["attributed_revenue"].sum() == pytest.approx(expected["revenue"].sum())


def test_empty_filter_result_gives_well_formed_empty_tables():
    view = View(random_dataset(), Filters.make(campaigns=["No such campaign"]))
    assert attribution_table(view).empty
    assert attribution_table(view).columns.tolist() == ATTRIBUTION_COLUMNS
    assert markov_table(view).empty
    assert markov_table(view).columns.tolist() == MARKOV_COLUMNS
    comparison = model_comparison(view, "campaign")
    assert comparison.empty and comparison.columns[:7].tolist() == ["campaign", *MODELS]
