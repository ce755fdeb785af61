"""The data-driven (Markov) model: paths, the absorbing chain, removal effects and its credit."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from metrics import tables
from metrics.attribution import MARKOV_COLUMNS, MARKOV_CREDIT_COLUMNS, credit, journey_pairs, markov_table
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


def weights_of(frame: pd.DataFrame, column: str) -> dict[tuple[int, int], float]:
    return dict(
        zip(zip(frame["conversion_row"], frame["touch_row"], strict=True), frame[column], strict=True)
    )


def test_two_channel_credit_and_table():
    dataset = two_channel_dataset()
    frame = credit(dataset.tracking, Options(model="markov"), attributes=dataset.influencers)
    assert frame.columns.tolist() == MARKOV_CREDIT_COLUMNS
    # u1's journey is A alone; u2's is A, B: split 0.6 / 0.4 by the groups' shares.
    assert weights_of(frame, "weight") == pytest.approx({(0, 0): 1.0, (2, 1): 0.6, (2, 2): 0.4})
    # That split gives Instagram 10 + 0.6 x 20 = 22 of revenue 30 and YouTube 8; the shares ask for 18
    # and 12, so Instagram's touches are scaled by 18/22 and YouTube's by 12/8.
    assert weights_of(frame, "revenue_weight") == pytest.approx(
        {(0, 0): 18 / 22, (2, 1): 0.6 * 18 / 22, (2, 2): 0.4 * 1.5}
    )
    # Orders: Instagram holds 1 + 0.6 = 1.6 of 2 and should get 1.2 (x 0.75); YouTube 0.4 -> 0.8 (x 2).
    assert weights_of(frame, "orders_weight") == pytest.approx({(0, 0): 0.75, (2, 1): 0.45, (2, 2): 0.8})

    table = markov_table(View(dataset))
    assert table.columns.tolist() == MARKOV_COLUMNS
    assert table["grouping"].tolist() == ["platform", "platform"]
    assert table["group"].tolist() == ["Instagram", "YouTube"]
    assert table["removal_effect"].tolist() == pytest.approx([0.75, 0.5])
    assert table["attributed_revenue"].tolist() == pytest.approx([0.6 * 30, 0.4 * 30], rel=1e-12)
    assert table["attributed_orders"].tolist() == pytest.approx([0.6 * 2, 0.4 * 2], rel=1e-12)


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
    assert frame.empty and frame.columns.tolist() == MARKOV_CREDIT_COLUMNS
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


# --- exact group totals ----------------------------------------------------------------------------


def test_group_totals_are_exactly_share_times_total():
    dataset = path_dataset()
    view = View(dataset, options=Options(model="markov"))
    result = markov_attribution(dataset.tracking, dataset.influencers, "platform", 30).set_index("group")
    table = markov_table(view).set_index("group")
    last_touch = View(dataset).credited
    total_revenue, total_orders = last_touch["revenue"].sum(), last_touch["orders"].sum()
    assert (total_revenue, total_orders) == (150.0, 2.0)
    shares = result["share"].reindex(table.index)
    np.testing.assert_allclose(table["attributed_revenue"], shares * total_revenue, rtol=1e-9)
    np.testing.assert_allclose(table["attributed_orders"], shares * total_orders, rtol=1e-9)
    # The View credits exactly the same amounts per group.
    credited = view.credited.groupby("platform")[["orders", "revenue"]].sum()
    np.testing.assert_allclose(credited.loc[table.index, "revenue"], table["attributed_revenue"], rtol=1e-12)
    assert view.credited["revenue"].sum() == pytest.approx(total_revenue, rel=1e-12)
    assert view.credited["orders"].sum() == pytest.approx(total_orders, rel=1e-12)


def test_a_group_only_on_null_paths_gets_no_share_even_with_a_removal_effect():
    # In path_dataset, X appears only on u1's null path X -> Instagram -> null: it leads to a group that
    # converts (removal effect > 0) but no conversion has an X touch, so its share is 0 and the shares of
    # Instagram and YouTube are their removal effects over their own sum.
    dataset = path_dataset()
    result = markov_attribution(dataset.tracking, dataset.influencers, "platform", 30).set_index("group")
    assert result.loc["X", "removal_effect"] > 0
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
    # 1/2); without Y: 0 (effect 1). Shares 1/3 and 2/3 of revenue 100 and orders 2.
    table = markov_table(View(dataset)).set_index("group")
    assert table.index.tolist() == ["YouTube", "Instagram"]
    assert table["attributed_revenue"].tolist() == pytest.approx([200 / 3, 100 / 3], rel=1e-12)
    assert table["attributed_orders"].tolist() == pytest.approx([4 / 3, 2 / 3], rel=1e-12)


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
    np.testing.assert_allclose(frame["orders_weight"], frame["weight"], rtol=1e-12)
    np.testing.assert_allclose(frame["revenue_weight"], frame["weight"], rtol=1e-12)
    # Instagram, Instagram collapses to one state with two touches: each gets half of u1's conversion.
    assert weights_of(frame, "weight") == pytest.approx({(1, 0): 0.5, (1, 1): 0.5, (2, 2): 1.0})
    table = markov_table(View(dataset))
    assert table.values.tolist() == [["platform", "Instagram", 1.0, 3.0, 100.0]]


def test_a_group_whose_conversions_carry_no_revenue_leaves_the_revenue_to_the_others():
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


def test_conversions_outside_the_fit_keep_their_journey_weights():
    dataset = path_dataset()
    frame = credit(
        dataset.tracking,
        Options(model="markov"),
        Filters.make(products=["Creatine"]),
        attributes=dataset.influencers,
    )
    # u1's Whey order: its journey's groups are Instagram (share 1 in this fit) and YouTube (share 0).
    outside = frame[frame["conversion_row"] == 2]
    assert weights_of(outside, "weight") == pytest.approx({(2, 0): 0.5, (2, 1): 0.5})
    np.testing.assert_allclose(outside["orders_weight"], outside["weight"])
    np.testing.assert_allclose(outside["revenue_weight"], outside["weight"])
    # The fit holds only u3's Creatine order (Instagram alone): all 50 to Instagram.
    inside = frame[frame["conversion_row"] == 8]
    assert inside["revenue_weight"].tolist() == pytest.approx([1.0])


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


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("by", ["platform", "category", "campaign", "influencer"])
@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters.make(start="2025-05-20", end="2025-06-20"), Filters.make(products=["Whey"])],
    ids=["none", "dates", "product"],
)
def test_the_markov_file_is_share_times_total_and_the_tables_add_up_to_it(seed, by, filters):
    dataset = random_paths_dataset(seed)
    options = Options(model="markov", lookback=14, markov_by=by)
    view = View(dataset, filters, options)
    table = markov_table(view).set_index("group")
    result = markov_attribution(dataset.tracking, view.influencers, by, 14, filters).set_index("group")
    last_touch = View(dataset, filters, options.with_model("last_touch")).credited
    total_revenue, total_orders = last_touch["revenue"].sum(), last_touch["orders"].sum()
    assert total_orders > 0

    expected = result[result["share"] > 0]
    assert sorted(table.index) == sorted(expected.index)
    shares = expected["share"].reindex(table.index).to_numpy()
    np.testing.assert_allclose(table["attributed_revenue"], shares * total_revenue, rtol=1e-9)
    np.testing.assert_allclose(table["attributed_orders"], shares * total_orders, rtol=1e-9)
    assert view.credited["revenue"].sum() == pytest.approx(total_revenue, rel=1e-9)
    assert view.credited["orders"].sum() == pytest.approx(total_orders, rel=1e-9)

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
