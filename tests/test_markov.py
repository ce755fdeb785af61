"""The data-driven (Markov) model: paths, the absorbing chain, removal effects and its credit."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from metrics import tables
from metrics.attribution import CREDIT_COLUMNS, credit
from metrics.comparison import MARKOV_COLUMNS, markov_table
from metrics.filters import Filters, Options
from metrics.journeys import journey_pairs
from metrics.markov import (
    INFLUENCER_LIMIT,
    UNKNOWN_GROUP,
    absorption,
    fit_markov,
    markov_attribution,
    markov_weights,
    transition_counts,
)
from metrics.view import View
from tests.conftest import build_dataset

ATTRIBUTES = pd.DataFrame(
    {
        "influencer_id": ["a", "a2", "b", "x"],
        "platform": ["Instagram", "Instagram", "YouTube", "X"],
        "category": ["Fitness", "Fitness", "Yoga", "Yoga"],
    }
)


def touch(user, date, influencer, orders=0, revenue=0.0, **extra) -> dict:
    return {
        "user_id": user,
        "date": date,
        "influencer_id": influencer,
        "orders": orders,
        "revenue": revenue,
        **extra,
    }


def two_channel_dataset():
    """Paths A -> conversion, A -> B -> conversion, B -> null (A on Instagram, B on YouTube)."""
    return build_dataset(
        influencers=[
            {"influencer_id": "a", "platform": "Instagram"},
            {"influencer_id": "b", "platform": "YouTube"},
        ],
        tracking=[
            touch("u1", "2025-05-01", "a", orders=1, revenue=10.0),
            touch("u2", "2025-05-01", "a"),
            touch("u2", "2025-05-02", "b", orders=1, revenue=20.0),
            touch("u3", "2025-05-01", "b"),
        ],
    )


def test_two_channel_chain_solved_by_hand():
    # start -> A 2/3, B 1/3; A -> conversion 1/2, A -> B 1/2; B -> conversion 1/2, B -> null 1/2.
    # x_B = 1/2, x_A = 1/2 + 1/2 x_B = 3/4, P = 2/3 x_A + 1/3 x_B = 2/3.
    # Without A: P = 1/3 x_B = 1/6 -> effect 1 - (1/6)/(2/3) = 3/4.
    # Without B: x_A = 1/2, P = 1/3 -> effect 1 - (1/3)/(2/3) = 1/2. Shares 0.6 and 0.4.
    dataset = two_channel_dataset()
    fit = fit_markov(dataset.tracking, dataset.influencers, "platform", 30)
    assert fit.conversion_probability == pytest.approx(2 / 3)
    result = markov_attribution(dataset.tracking, dataset.influencers, "platform", 30)
    assert result.columns.tolist() == ["group", "removal_effect", "share"]
    assert result["group"].tolist() == ["Instagram", "YouTube"]
    assert result["removal_effect"].tolist() == pytest.approx([0.75, 0.5])
    assert result["share"].tolist() == pytest.approx([0.6, 0.4])
    np.testing.assert_allclose(fit.effect_by_code(), [0.75, 0.5])


def weights_of(frame: pd.DataFrame, column: str) -> dict[tuple[int, int], float]:
    return dict(
        zip(zip(frame["conversion_row"], frame["touch_row"], strict=True), frame[column], strict=True)
    )


def test_two_channel_credit_and_table():
    dataset = two_channel_dataset()
    frame = credit(dataset.tracking, Options(model="markov"), attributes=dataset.influencers)
    assert frame.columns.tolist() == CREDIT_COLUMNS
    # u1's journey is A alone; u2's is A, B: split by removal effects 0.75 / (0.75 + 0.5) = 0.6 and 0.4.
    assert weights_of(frame, "weight") == pytest.approx({(0, 0): 1.0, (2, 1): 0.6, (2, 2): 0.4})

    table = markov_table(View(dataset))
    assert table.columns.tolist() == MARKOV_COLUMNS
    assert table["grouping"].tolist() == ["platform", "platform"]
    assert table["group"].tolist() == ["Instagram", "YouTube"]
    assert table["removal_effect"].tolist() == pytest.approx([0.75, 0.5])
    # Instagram: all of u1's 10 and 0.6 of u2's 20; YouTube: 0.4 of u2's 20. Each conversion hands out
    # exactly its own value (the old global share rule gave 0.6 x 30 = 18 and 12 instead).
    assert table["attributed_revenue"].tolist() == pytest.approx([10 + 0.6 * 20, 0.4 * 20], rel=1e-12)
    assert table["attributed_orders"].tolist() == pytest.approx([1 + 0.6, 0.4], rel=1e-12)


def three_conversion_dataset():
    """Three conversions over two platforms, one journey with two touches of Instagram.

    u1: a (Instagram), b (YouTube), a2 (Instagram) converts: 1 order, 90 -> path I, Y, I, conversion
    u2: b (YouTube) converts: 2 orders, 40 -> path Y, conversion
    u3: a (Instagram), never buys -> path I, null
    u4: a (Instagram) converts: 1 order, 30 -> path I, conversion
    """
    return build_dataset(
        influencers=ATTRIBUTES.to_dict("records"),
        tracking=[
            touch("u1", "2025-05-01", "a"),
            touch("u1", "2025-05-02", "b"),
            touch("u1", "2025-05-03", "a2", orders=1, revenue=90.0),
            touch("u2", "2025-05-01", "b", orders=2, revenue=40.0),
            touch("u3", "2025-05-01", "a"),
            touch("u4", "2025-05-04", "a", orders=1, revenue=30.0),
        ],
    )


def test_three_conversions_split_per_journey_by_hand():
    # Counts: start -> I 3, start -> Y 1; I -> Y 1, I -> conversion 2, I -> null 1; Y -> I 1,
    # Y -> conversion 1. So x_I = 1/2 + 1/4 x_Y and x_Y = 1/2 + 1/2 x_I: x_I = 5/7, x_Y = 6/7, and
    # P = 3/4 x_I + 1/4 x_Y = 3/4. Without I: x_Y = 1/2, P = 1/8, effect 1 - (1/8)/(3/4) = 5/6.
    # Without Y: x_I = 1/2, P = 3/8, effect 1/2.
    dataset = three_conversion_dataset()
    fit = fit_markov(dataset.tracking, dataset.influencers, "platform", 30)
    assert fit.conversion_probability == pytest.approx(3 / 4)
    assert dict(zip(fit.labels[fit.groups], fit.removal_effect, strict=True)) == pytest.approx(
        {"Instagram": 5 / 6, "YouTube": 1 / 2}
    )
    # u1's journey: Instagram (5/6) / (5/6 + 1/2) = 5/8, halved over its two touches; YouTube 3/8.
    frame = credit(dataset.tracking, Options(model="markov"), attributes=dataset.influencers)
    assert weights_of(frame, "weight") == pytest.approx(
        {(2, 0): 5 / 16, (2, 1): 3 / 8, (2, 2): 5 / 16, (3, 3): 1.0, (5, 5): 1.0}
    )
    table = markov_table(View(dataset)).set_index("group")
    # Instagram: 5/8 of u1's 90 plus u4's 30; YouTube: 3/8 of 90 plus u2's 40 (2 orders).
    assert table["attributed_revenue"].to_dict() == pytest.approx(
        {"Instagram": 5 / 8 * 90 + 30, "YouTube": 3 / 8 * 90 + 40}, rel=1e-12
    )
    assert table["attributed_orders"].to_dict() == pytest.approx(
        {"Instagram": 5 / 8 + 1, "YouTube": 3 / 8 + 2}, rel=1e-12
    )
    # Each platform's AOV is that of the journeys it is part of (the old rule gave both 160 / 4 = 40).
    credited = View(dataset, options=Options(model="markov")).credited
    per_conversion = credited.groupby("conversion_row")[["orders", "revenue"]].sum()
    assert per_conversion.index.tolist() == [2, 3, 5]
    np.testing.assert_allclose(per_conversion["orders"], [1.0, 2.0, 1.0], rtol=1e-12)
    np.testing.assert_allclose(per_conversion["revenue"], [90.0, 40.0, 30.0], rtol=1e-12)
    last_touch = View(dataset).credited
    assert credited["revenue"].sum() == pytest.approx(last_touch["revenue"].sum()) == pytest.approx(160.0)
    assert credited["orders"].sum() == pytest.approx(last_touch["orders"].sum()) == pytest.approx(4.0)


def path_dataset():
    """Paths chosen to exercise collapsing, null paths and the lookback.

    u1: Instagram, Instagram, YouTube (converts 05-03), then X, Instagram clicks -> converting
        I -> Y -> conversion (repeat collapsed) and null X -> I -> null
    u2: YouTube, YouTube, never converts -> null Y -> null
    u3: Instagram click 04-01, Instagram converts 05-31 (60 days later: the click is outside the lookback
        and before the last conversion, so in no path) -> converting I -> conversion
    """
    return build_dataset(
        influencers=ATTRIBUTES.to_dict("records"),
        tracking=[
            touch("u1", "2025-05-01", "a"),
            touch("u1", "2025-05-02", "a2"),
            touch("u1", "2025-05-03", "b", orders=1, revenue=100.0, product="Whey"),
            touch("u1", "2025-05-10", "x"),
            touch("u1", "2025-05-11", "a"),
            touch("u2", "2025-05-01", "b"),
            touch("u2", "2025-05-05", "b"),
            touch("u3", "2025-04-01", "a"),
            touch("u3", "2025-05-31", "a", orders=1, revenue=50.0, product="Creatine"),
        ],
    )


def counts_as_dict(fit) -> dict[tuple[str, str], int]:
    names = [*fit.labels[fit.groups], "start", "conversion", "null"]
    return {(names[i], names[j]): int(fit.counts[i, j]) for i, j in zip(*np.nonzero(fit.counts), strict=True)}


def test_paths_collapse_repeats_and_end_in_null_after_the_last_conversion():
    dataset = path_dataset()
    fit = fit_markov(dataset.tracking, dataset.influencers, "platform", 30)
    assert counts_as_dict(fit) == {
        ("start", "Instagram"): 2,
        ("start", "X"): 1,
        ("start", "YouTube"): 1,
        ("Instagram", "YouTube"): 1,
        ("YouTube", "conversion"): 1,
        ("Instagram", "conversion"): 1,
        ("X", "Instagram"): 1,
        ("Instagram", "null"): 1,
        ("YouTube", "null"): 1,
    }


def test_the_date_filter_selects_conversions_and_null_path_touches():
    dataset = path_dataset()
    fit = fit_markov(dataset.tracking, dataset.influencers, "platform", 30, Filters.make(start="2025-05-06"))
    # u1's conversion (05-03) and u2's clicks fall before the start; u1's X, I tail and u3 remain.
    assert counts_as_dict(fit) == {
        ("start", "Instagram"): 1,
        ("start", "X"): 1,
        ("X", "Instagram"): 1,
        ("Instagram", "null"): 1,
        ("Instagram", "conversion"): 1,
    }


def test_product_filter_selects_converting_paths_only():
    dataset = path_dataset()
    fit = fit_markov(
        dataset.tracking, dataset.influencers, "platform", 30, Filters.make(products=["Creatine"])
    )
    # Only u3's conversion is a Creatine order; the null paths do not depend on the product.
    assert counts_as_dict(fit) == {
        ("start", "Instagram"): 1,
        ("start", "X"): 1,
        ("start", "YouTube"): 1,
        ("Instagram", "conversion"): 1,
        ("X", "Instagram"): 1,
        ("Instagram", "null"): 1,
        ("YouTube", "null"): 1,
    }


def test_grouping_by_campaign_and_unknown_attributes():
    dataset = build_dataset(
        influencers=[{"influencer_id": "a", "platform": "Instagram"}],
        tracking=[
            touch("u1", "2025-05-01", "a", campaign="Summer"),
            touch("u1", "2025-05-02", "ghost", orders=1, revenue=10.0),
        ],
    )
    by_campaign = markov_attribution(dataset.tracking, None, "campaign", 30)
    assert sorted(by_campaign["group"]) == sorted(["Summer", UNKNOWN_GROUP])
    by_platform = markov_attribution(dataset.tracking, dataset.influencers, "platform", 30)
    # Both groups lie on the only converting path: removing either loses every conversion.
    assert by_platform.set_index("group")["removal_effect"].to_dict() == {
        "Instagram": 1.0,
        UNKNOWN_GROUP: 1.0,
    }
    with pytest.raises(ValueError, match="needs the influencers' platform"):
        markov_attribution(dataset.tracking, None, "platform", 30)


def test_more_than_500_influencers_are_refused_with_a_coarser_suggestion():
    def dataset(n):
        return build_dataset(
            tracking=[
                touch(f"u{i}", "2025-05-01", f"i{i}", orders=i % 2, revenue=10.0 * (i % 2)) for i in range(n)
            ]
        )

    at_limit = dataset(INFLUENCER_LIMIT)
    assert len(markov_attribution(at_limit.tracking, None, "influencer", 30)) == INFLUENCER_LIMIT
    over = dataset(INFLUENCER_LIMIT + 1)
    with pytest.raises(ValueError, match=r"at most 500 influencers.*platform, category or campaign"):
        markov_attribution(over.tracking, None, "influencer", 30)
    with pytest.raises(ValueError, match="at most 500"):
        markov_table(View(over, options=Options(markov_by="influencer")))


def test_no_conversion_gives_no_credit_and_undefined_effects():
    dataset = build_dataset(tracking=[touch("u1", "2025-05-01", "a"), touch("u2", "2025-05-02", "b")])
    result = markov_attribution(dataset.tracking, None, "influencer", 30)
    assert result["removal_effect"].isna().all() and result["share"].isna().all()
    frame = credit(dataset.tracking, Options(model="markov", markov_by="influencer"))
    assert frame.empty and frame.columns.tolist() == CREDIT_COLUMNS
    view = View(dataset, options=Options(model="markov", markov_by="influencer"))
    assert view.credited.empty
    assert markov_table(view).empty and markov_table(view).columns.tolist() == MARKOV_COLUMNS


def test_transition_counts_collapse_within_paths_only():
    # Paths 7: A A B ; 8: B (separate path, so B -> B across paths is no repeat).
    counts = transition_counts(np.array([7, 7, 7, 8]), np.array([0, 0, 1, 1]), 2, 4)
    assert counts[2].tolist() == [1, 1, 0, 0, 0]  # start -> A, start -> B
    assert counts[0].tolist() == [0, 1, 0, 0, 0]  # A -> B
    assert counts[1].tolist() == [0, 0, 0, 0, 2]  # B -> null twice


# --- an independent dense computation of the same chain --------------------------------------------


def dense_absorption(counts: np.ndarray, removed: int | None = None) -> float:
    """Run the full chain (transient, start, conversion, null) forward until it is absorbed."""
    k = counts.shape[0] - 3
    start, conversion, null = k, k + 1, k + 2
    chain = counts.astype(float).copy()
    chain[conversion, conversion] = chain[null, null] = 1.0
    if removed is not None:
        chain[removed] = 0.0
        chain[removed, null] = 1.0
    chain /= chain.sum(axis=1, keepdims=True)
    state = np.zeros(k + 3)
    state[start] = 1.0
    for _ in range(5000):
        state = state @ chain
    return float(state[conversion])


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_removal_effects_match_a_dense_forward_run(seed):
    rng = np.random.default_rng(seed)
    k = 6
    counts = rng.integers(0, 5, size=(k + 3, k + 3))
    counts[:, k] = 0  # nothing returns to start
    counts[k, k + 1 :] = 0  # every path has at least one touch
    counts[k + 1 :] = 0  # conversion and null are absorbing
    np.fill_diagonal(counts[:k, :k], 0)  # repeats are collapsed
    counts[:k, k + 1] += 1  # every state can convert
    counts[:k, k + 2] += 1
    counts[k, :k] += 1  # every state is entered
    probability, effects = absorption(counts)
    expected = dense_absorption(counts)
    assert probability == pytest.approx(expected, rel=1e-9)
    for g in range(k):
        assert effects[g] == pytest.approx(1 - dense_absorption(counts, g) / expected, rel=1e-9, abs=1e-12)


def python_paths(tracking: pd.DataFrame, group: dict, lookback: int) -> list[list[str]]:
    """Build every path literally: converting journeys (+ "conversion") and null tails (+ "null")."""
    records = list(tracking.itertuples(index=False))
    touches = [(r.user_id, r.date, i) for i, r in enumerate(records) if pd.notna(r.influencer_id)]
    paths = []
    for user in {u for u, _, _ in touches}:
        ordered = sorted((d, i) for u, d, i in touches if u == user)
        conversion_positions = [p for p, (_, i) in enumerate(ordered) if records[i].orders > 0]
        for p in conversion_positions:
            day = ordered[p][0]
            members = [i for d, i in ordered[: p + 1] if (day - d).days <= lookback]
            paths.append([group[records[i].influencer_id] for i in members] + ["conversion"])
        tail = ordered[conversion_positions[-1] + 1 :] if conversion_positions else ordered
        if tail:
            paths.append([group[records[i].influencer_id] for _, i in tail] + ["null"])
    return paths


def collapse(path: list[str]) -> list[str]:
    return [s for i, s in enumerate(path) if i == 0 or s != path[i - 1]]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_matches_a_literal_path_count_and_dense_chain(seed):
    rng = np.random.default_rng(seed)
    n = 80
    influencers = ["a", "a2", "b", "x"]
    dataset = build_dataset(
        influencers=ATTRIBUTES.to_dict("records"),
        tracking=[
            touch(
                f"u{rng.integers(0, 12)}",
                (pd.Timestamp("2025-05-01") + pd.Timedelta(days=int(rng.integers(0, 60)))).date(),
                influencers[rng.integers(0, 4)],
                orders=int(rng.random() < 0.3),
                revenue=100.0,
            )
            for _ in range(n)
        ],
    )
    group = dict(zip(ATTRIBUTES["influencer_id"], ATTRIBUTES["platform"], strict=True))
    fit = fit_markov(dataset.tracking, dataset.influencers, "platform", 14)
    names = [*fit.labels[fit.groups], "start", "conversion", "null"]
    expected = np.zeros_like(fit.counts)
    for path in python_paths(dataset.tracking, group, 14):
        states = ["start", *collapse(path)]
        for a, b in itertools.pairwise(states):
            expected[names.index(a), names.index(b)] += 1
    np.testing.assert_array_equal(fit.counts, expected)
    probability = dense_absorption(expected)
    assert fit.conversion_probability == pytest.approx(probability, rel=1e-9)
    for index in range(len(fit.groups)):
        removed = dense_absorption(expected, index)
        assert fit.removal_effect[index] == pytest.approx(1 - removed / probability, rel=1e-9, abs=1e-12)


# --- spreading the credit --------------------------------------------------------------------------


def test_markov_weights_sum_to_one_and_follow_removal_effects():
    dataset = path_dataset()
    tracking = dataset.tracking
    pairs = journey_pairs(tracking, 30)
    fit = fit_markov(tracking, dataset.influencers, "platform", 30, pairs=pairs)
    # Path counts (see test_paths_collapse_repeats_and_end_in_null_after_the_last_conversion): start -> I
    # 1/2, X 1/4, Y 1/4; I -> Y, conversion, null 1/3 each; Y -> conversion, null 1/2 each; X -> I.
    # x_Y = 1/2, x_I = 1/3 + 1/3 x_Y = 1/2, x_X = 1/2, P = 1/2. Without I: P = 1/4 x_Y = 1/8 (effect
    # 3/4); without Y: x_I = x_X = 1/3, P = 1/4 (effect 1/2); without X: P = 3/8 (effect 1/4).
    assert dict(zip(fit.labels[fit.groups], fit.removal_effect, strict=True)) == pytest.approx(
        {"Instagram": 3 / 4, "X": 1 / 4, "YouTube": 1 / 2}
    )
    weights = markov_weights(fit, pairs)
    per_conversion = pd.Series(weights).groupby(pairs["conversion_row"].to_numpy()).sum()
    np.testing.assert_allclose(per_conversion.to_numpy(), 1.0)
    # u1's journey: a, a2 (Instagram), b (YouTube): Instagram's part is halved over its two touches.
    u1 = dict(
        zip(
            pairs["touch_row"][pairs["conversion_row"] == 2],
            weights[pairs["conversion_row"] == 2],
            strict=True,
        )
    )
    # Instagram (3/4) / (3/4 + 1/2) = 3/5, halved over its two touches; YouTube 2/5.
    assert u1 == pytest.approx({0: 3 / 10, 1: 3 / 10, 2: 2 / 5})


def test_markov_total_credit_equals_last_touch():
    dataset = path_dataset()
    markov = View(dataset, options=Options(model="markov")).credited
    last = View(dataset).credited
    assert markov["revenue"].sum() == pytest.approx(last["revenue"].sum()) == pytest.approx(150.0)
    assert markov["orders"].sum() == pytest.approx(2.0)


# --- group totals ----------------------------------------------------------------------------------


def test_group_totals_are_sums_of_the_per_journey_credit():
    dataset = path_dataset()
    view = View(dataset, options=Options(model="markov"))
    table = markov_table(view).set_index("group")
    # Removal effects I 3/4, Y 1/2 (test above). u1's 100 (1 order): Instagram 3/5, YouTube 2/5; u3's
    # 50 (1 order): its journey is Instagram alone (the 04-01 click is outside the lookback).
    assert table["attributed_revenue"].to_dict() == pytest.approx(
        {"Instagram": 60.0 + 50.0, "YouTube": 40.0}, rel=1e-12
    )
    assert table["attributed_orders"].to_dict() == pytest.approx(
        {"Instagram": 1.6, "YouTube": 0.4}, rel=1e-12
    )
    # The View credits exactly the same amounts per group, and the same total as last touch.
    credited = view.credited.groupby("platform")[["orders", "revenue"]].sum()
    np.testing.assert_allclose(credited.loc[table.index, "revenue"], table["attributed_revenue"], rtol=1e-12)
    last_touch = View(dataset).credited
    assert (
        view.credited["revenue"].sum() == pytest.approx(last_touch["revenue"].sum()) == pytest.approx(150.0)
    )
    assert view.credited["orders"].sum() == pytest.approx(last_touch["orders"].sum()) == pytest.approx(2.0)


def test_a_group_only_on_null_paths_gets_no_share_even_with_a_removal_effect():
    # In path_dataset, X appears only on u1's null path X -> Instagram -> null: it leads to a group that
    # converts (removal effect > 0) but no conversion has an X touch, so its share is 0 and the shares of
    # Instagram and YouTube are their removal effects over their own sum.
    dataset = path_dataset()
    result = markov_attribution(dataset.tracking, dataset.influencers, "platform", 30).set_index("group")
    assert result.loc["X", "removal_effect"] == pytest.approx(1 / 4)
    assert result.loc["X", "share"] == 0
    effects = result.loc[["Instagram", "YouTube"], "removal_effect"]
    np.testing.assert_allclose(result.loc[["Instagram", "YouTube"], "share"], effects / effects.sum())
    table = markov_table(View(dataset))
    assert table["group"].tolist() == ["Instagram", "YouTube"]
    assert table["attributed_revenue"].sum() == pytest.approx(150.0, rel=1e-12)


def test_a_group_with_zero_removal_effect_gets_nothing():
    # u3 only ever touches X and never buys: X -> null. Removing X loses no conversion.
    dataset = build_dataset(
        influencers=ATTRIBUTES.to_dict("records"),
        tracking=[
            touch("u1", "2025-05-01", "a"),
            touch("u1", "2025-05-02", "b", orders=1, revenue=40.0),
            touch("u2", "2025-05-01", "b", orders=1, revenue=60.0),
            touch("u3", "2025-05-01", "x"),
        ],
    )
    result = markov_attribution(dataset.tracking, dataset.influencers, "platform", 30).set_index("group")
    assert result.loc["X", "removal_effect"] == 0 and result.loc["X", "share"] == 0
    # start -> I 1/3, Y 1/3, X 1/3; I -> Y; Y -> conversion; X -> null. P = 2/3; without I: 1/3 (effect
    # 1/2); without Y: 0 (effect 1). u1's 40 (I, Y): Instagram 1/3, YouTube 2/3; u2's 60: YouTube.
    table = markov_table(View(dataset)).set_index("group")
    assert table.index.tolist() == ["YouTube", "Instagram"]
    assert table["attributed_revenue"].tolist() == pytest.approx([80 / 3 + 60, 40 / 3], rel=1e-12)
    assert table["attributed_orders"].tolist() == pytest.approx([2 / 3 + 1, 1 / 3], rel=1e-12)


def test_a_single_group_gets_every_conversion_and_keeps_the_journey_weights():
    dataset = build_dataset(
        influencers=ATTRIBUTES.to_dict("records"),
        tracking=[
            touch("u1", "2025-05-01", "a"),
            touch("u1", "2025-05-03", "a2", orders=2, revenue=80.0),
            touch("u2", "2025-05-02", "a", orders=1, revenue=20.0),
        ],
    )
    frame = credit(dataset.tracking, Options(model="markov"), attributes=dataset.influencers)
    # Instagram, Instagram collapses to one state with two touches: each gets half of u1's conversion.
    assert weights_of(frame, "weight") == pytest.approx({(1, 0): 0.5, (1, 1): 0.5, (2, 2): 1.0})
    table = markov_table(View(dataset))
    assert table.values.tolist() == [["platform", "Instagram", 1.0, 3.0, 100.0]]


def test_a_conversion_without_revenue_gives_its_groups_orders_but_no_revenue():
    # Paths A -> conversion (10), B -> conversion (1 order, revenue 0), B -> null: effects 1/2 and 1/2.
    dataset = build_dataset(
        influencers=[
            {"influencer_id": "a", "platform": "Instagram"},
            {"influencer_id": "b", "platform": "YouTube"},
        ],
        tracking=[
            touch("u1", "2025-05-01", "a", orders=1, revenue=10.0),
            touch("u2", "2025-05-01", "b", orders=1, revenue=0.0),
            touch("u3", "2025-05-01", "b"),
        ],
    )
    table = markov_table(View(dataset)).set_index("group")
    assert table["removal_effect"].tolist() == pytest.approx([0.5, 0.5])
    assert table["attributed_orders"].to_dict() == pytest.approx({"Instagram": 1.0, "YouTube": 1.0})
    # YouTube's only conversion is worth nothing, so no revenue can be credited to it.
    assert table["attributed_revenue"].to_dict() == pytest.approx({"Instagram": 10.0, "YouTube": 0.0})


def test_conversions_outside_the_fit_are_split_by_the_same_removal_effects():
    dataset = path_dataset()
    frame = credit(
        dataset.tracking,
        Options(model="markov"),
        Filters.make(products=["Creatine"]),
        attributes=dataset.influencers,
    )
    # The fit (test_product_filter_selects_converting_paths_only): start -> I, X, Y 1/3 each; I ->
    # conversion, null 1/2 each; X -> I; Y -> null. P = 1/3; without I nothing converts (effect 1),
    # without Y nothing changes (effect 0). u1's Whey order (I, I, Y): Instagram all, halved.
    outside = frame[frame["conversion_row"] == 2]
    assert weights_of(outside, "weight") == pytest.approx({(2, 0): 0.5, (2, 1): 0.5})
    # The fit holds only u3's Creatine order (Instagram alone): all of it to Instagram.
    inside = frame[frame["conversion_row"] == 8]
    assert inside["weight"].tolist() == pytest.approx([1.0])


def test_a_journey_whose_groups_all_have_removal_effect_0_is_split_equally():
    # Fitted on Creatine orders only: u1's Instagram path. u2's Whey order (YouTube, X, X) has groups
    # on no path, so removal effect 0 each: half to YouTube, half to X shared by its two touches.
    dataset = build_dataset(
        influencers=ATTRIBUTES.to_dict("records"),
        tracking=[
            touch("u1", "2025-05-01", "a", orders=1, revenue=10.0, product="Creatine"),
            touch("u2", "2025-05-01", "b"),
            touch("u2", "2025-05-02", "x"),
            touch("u2", "2025-05-03", "x", orders=1, revenue=30.0, product="Whey"),
        ],
    )
    filters = Filters.make(products=["Creatine"])
    fit = fit_markov(dataset.tracking, dataset.influencers, "platform", 30, filters)
    assert fit.labels[fit.groups].tolist() == ["Instagram"]
    np.testing.assert_allclose(fit.effect_by_code(), [1.0, 0.0, 0.0])  # Instagram, X, YouTube
    frame = credit(dataset.tracking, Options(model="markov"), filters, attributes=dataset.influencers)
    assert weights_of(frame, "weight") == pytest.approx(
        {(0, 0): 1.0, (3, 1): 0.5, (3, 2): 0.25, (3, 3): 0.25}
    )

    # No conversion selected at all: every removal effect is undefined, every journey split equally.
    nothing = Filters.make(products=["Protein bar"])
    fit = fit_markov(dataset.tracking, dataset.influencers, "platform", 30, nothing)
    assert fit.conversion_probability == 0 and np.isnan(fit.removal_effect).all()
    frame = credit(dataset.tracking, Options(model="markov"), nothing, attributes=dataset.influencers)
    assert weights_of(frame, "weight") == pytest.approx(
        {(0, 0): 1.0, (3, 1): 0.5, (3, 2): 0.25, (3, 3): 0.25}
    )
    assert View(dataset, nothing, Options(model="markov")).credited.empty


def random_paths_dataset(seed: int):
    rng = np.random.default_rng(seed)
    ids = ["a", "a2", "b", "x", "ghost"]
    rows = []
    for _ in range(250):
        orders = int(rng.integers(1, 4)) if rng.random() < 0.3 else 0
        rows.append(
            touch(
                f"u{rng.integers(0, 30)}",
                (pd.Timestamp("2025-05-01") + pd.Timedelta(days=int(rng.integers(0, 60)))).date(),
                ids[rng.integers(0, len(ids))],
                orders=orders,
                revenue=float(orders * rng.integers(50, 500)),
                campaign=["Summer", "Monsoon", "Diwali"][rng.integers(0, 3)],
                product=["Whey", "Creatine"][rng.integers(0, 2)],
            )
        )
    return build_dataset(influencers=ATTRIBUTES.to_dict("records"), tracking=rows)


def literal_markov_credit(dataset, by: str, lookback: int, filters: Filters, effects: dict) -> pd.DataFrame:
    """Credit every selected conversion by the written rule, one conversion at a time.

    Each conversion's journey (the user's touches at or before it within ``lookback`` days) is split over
    its distinct groups by their removal effects (``effects``; equally when they sum to 0), and a group's
    part equally over its touches. Returns orders and revenue per group.
    """
    records = list(dataset.tracking.itertuples(index=False))
    people = dataset.influencers.set_index("influencer_id")

    def group_of(record) -> str:
        if by == "influencer":
            return record.influencer_id
        if by == "campaign":
            return record.campaign if isinstance(record.campaign, str) else UNKNOWN_GROUP
        value = people[by].get(record.influencer_id)
        return value if isinstance(value, str) and value else UNKNOWN_GROUP

    credited: dict[str, list[float]] = {}
    touches = [(i, r) for i, r in enumerate(records) if isinstance(r.influencer_id, str)]
    for index, conversion in touches:
        day = conversion.date.date()
        if (
            conversion.orders <= 0
            or (filters.start and day < filters.start)
            or (filters.end and day > filters.end)
        ):
            continue
        if filters.products and conversion.product not in filters.products:
            continue
        journey = [
            r
            for i, r in touches
            if r.user_id == conversion.user_id
            and (r.date, i) <= (conversion.date, index)
            and (conversion.date - r.date).days <= lookback
        ]
        groups = [group_of(r) for r in journey]
        distinct = sorted(set(groups))
        total_effect = sum(effects.get(g, 0.0) for g in distinct)
        for g in distinct:
            part = effects.get(g, 0.0) / total_effect if total_effect > 0 else 1 / len(distinct)
            sums = credited.setdefault(g, [0.0, 0.0])
            sums[0] += part * conversion.orders
            sums[1] += part * conversion.revenue
    frame = pd.DataFrame.from_dict(credited, orient="index", columns=["orders", "revenue"])
    return frame[frame["orders"] > 0]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("by", ["platform", "category", "campaign", "influencer"])
@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters.make(start="2025-05-20", end="2025-06-20"), Filters.make(products=["Whey"])],
    ids=["none", "dates", "product"],
)
def test_the_markov_file_is_the_per_journey_credit_and_the_tables_add_up_to_it(seed, by, filters):
    dataset = random_paths_dataset(seed)
    options = Options(model="markov", lookback=14, markov_by=by)
    view = View(dataset, filters, options)
    table = markov_table(view).set_index("group")
    result = markov_attribution(dataset.tracking, view.influencers, by, 14, filters).set_index("group")
    effects = result["removal_effect"].fillna(0.0).to_dict()
    expected = literal_markov_credit(dataset, by, 14, filters, effects)
    assert sorted(table.index) == sorted(expected.index)
    np.testing.assert_allclose(
        table["attributed_revenue"], expected["revenue"].reindex(table.index), rtol=1e-9
    )
    np.testing.assert_allclose(table["attributed_orders"], expected["orders"].reindex(table.index), rtol=1e-9)
    np.testing.assert_allclose(table["removal_effect"], result["removal_effect"].reindex(table.index))

    # Every conversion hands out exactly its own orders and revenue, so the total is last touch's.
    credited = view.credited
    per_conversion = credited.groupby("conversion_row")[["orders", "revenue"]].sum()
    rows = per_conversion.index.to_numpy()
    np.testing.assert_allclose(
        per_conversion["orders"], dataset.tracking["orders"].to_numpy()[rows], rtol=1e-9
    )
    np.testing.assert_allclose(
        per_conversion["revenue"], dataset.tracking["revenue"].to_numpy()[rows], rtol=1e-9
    )
    last_touch = View(dataset, filters, options.with_model("last_touch")).credited
    assert last_touch["orders"].sum() > 0
    assert credited["revenue"].sum() == pytest.approx(last_touch["revenue"].sum(), rel=1e-9)
    assert credited["orders"].sum() == pytest.approx(last_touch["orders"].sum(), rel=1e-9)

    # The dashboard's tables under the model add up to the file's group totals.
    if by == "campaign":
        rows = tables.campaign_table(view)
        group = rows["campaign"]
    else:
        rows = tables.influencer_table(view)
        group = rows["influencer_id" if by == "influencer" else by].astype("string").fillna(UNKNOWN_GROUP)
    per_group = rows.groupby(group.to_numpy())["revenue"].sum()
    per_group = per_group[per_group != 0]
    assert sorted(per_group.index) == sorted(table.index)
    np.testing.assert_allclose(
        per_group.reindex(table.index).to_numpy(), table["attributed_revenue"].to_numpy(), rtol=1e-9
    )
