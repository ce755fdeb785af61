"""The data-driven (Markov) model: paths, the absorbing chain, removal effects and its credit."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from metrics.attribution import MARKOV_COLUMNS, credit, journey_pairs, markov_table
from metrics.filters import Filters, Options
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


def test_two_channel_credit_and_table():
    dataset = two_channel_dataset()
    frame = credit(dataset.tracking, Options(model="markov"), attributes=dataset.influencers)
    got = {(c, t): w for c, t, w in frame.itertuples(index=False)}
    # u1's journey is A alone; u2's is A, B: split 0.6 / 0.4 by the groups' shares.
    assert got == pytest.approx({(0, 0): 1.0, (2, 1): 0.6, (2, 2): 0.4})

    table = markov_table(View(dataset))
    assert table.columns.tolist() == MARKOV_COLUMNS
    assert table["grouping"].tolist() == ["platform", "platform"]
    assert table["group"].tolist() == ["Instagram", "YouTube"]
    assert table["removal_effect"].tolist() == pytest.approx([0.75, 0.5])
    assert table["attributed_revenue"].tolist() == pytest.approx([10 + 12.0, 8.0])
    assert table["attributed_orders"].tolist() == pytest.approx([1.6, 0.4])


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
    assert credit(dataset.tracking, Options(model="markov", markov_by="influencer")).empty


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


def test_markov_weights_sum_to_one_and_follow_group_shares():
    dataset = path_dataset()
    tracking = dataset.tracking
    pairs = journey_pairs(tracking, 30)
    fit = fit_markov(tracking, dataset.influencers, "platform", 30, pairs=pairs)
    shares = dict(zip(fit.labels[fit.groups], fit.share, strict=True))
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
    instagram = shares["Instagram"] / (shares["Instagram"] + shares["YouTube"])
    assert u1 == pytest.approx({0: instagram / 2, 1: instagram / 2, 2: 1 - instagram})


def test_markov_total_credit_equals_last_touch():
    dataset = path_dataset()
    markov = View(dataset, options=Options(model="markov")).credited
    last = View(dataset).credited
    assert markov["revenue"].sum() == pytest.approx(last["revenue"].sum()) == pytest.approx(150.0)
    assert markov["orders"].sum() == pytest.approx(2.0)
