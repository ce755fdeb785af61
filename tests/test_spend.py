"""Spend allocation: post and order basis, campaign split, undated payouts, date filters, exact totals."""

import numpy as np
import pandas as pd
import pytest

from metrics.filters import Filters
from metrics.spend import UNASSIGNED, allocate_spend, payout_findings, payout_totals

# P: post basis 900 over 3 posts; its coded orders are 2 in C1 (01-05) and 1 in C2 (01-15).
# O: order basis 600 over conversions of 1 order (C1, 01-03) and 2 orders (C2, 01-12).
# Q: post basis 100 over 2 posts, no orders, clicks in C1 and C3 -> split equally.
# R: post basis 50 over 1 post (01-30), no touches -> (unassigned).
# N: post basis 70 without posts, 1 coded order in C2 -> undated, C2.
# M: order basis 30 without orders, a click in C1 -> undated, C1.
INFLUENCERS = [{"influencer_id": i} for i in "POQRNM"]
POSTS = [
    {"influencer_id": "P", "date": "2025-01-01"},
    {"influencer_id": "P", "date": "2025-01-10"},
    {"influencer_id": "P", "date": "2025-01-20"},
    {"influencer_id": "Q", "date": "2025-01-02"},
    {"influencer_id": "Q", "date": "2025-01-25"},
    {"influencer_id": "R", "date": "2025-01-30"},
]
TRACKING = [
    {
        "influencer_id": "P",
        "campaign": "C1",
        "user_id": "u1",
        "date": "2025-01-05",
        "orders": 2,
        "revenue": 200.0,
    },
    {
        "influencer_id": "P",
        "campaign": "C2",
        "user_id": "u2",
        "date": "2025-01-15",
        "orders": 1,
        "revenue": 90.0,
    },
    {
        "influencer_id": "O",
        "campaign": "C1",
        "user_id": "u3",
        "date": "2025-01-03",
        "orders": 1,
        "revenue": 50.0,
    },
    {
        "influencer_id": "O",
        "campaign": "C2",
        "user_id": "u4",
        "date": "2025-01-12",
        "orders": 2,
        "revenue": 80.0,
    },
    {"influencer_id": "Q", "campaign": "C1", "user_id": "u5", "date": "2025-01-06"},
    {"influencer_id": "Q", "campaign": "C3", "user_id": "u5", "date": "2025-01-07"},
    {
        "influencer_id": "N",
        "campaign": "C2",
        "user_id": "u6",
        "date": "2025-01-14",
        "orders": 1,
        "revenue": 100.0,
    },
    {"influencer_id": "M", "campaign": "C1", "user_id": "u7", "date": "2025-01-04"},
    {"user_id": "u8", "date": "2025-01-04", "orders": 1, "revenue": 999.0},
]
PAYOUTS = [
    {"influencer_id": "P", "basis": "post", "total_payout": 900.0},
    {"influencer_id": "O", "basis": "order", "total_payout": 600.0},
    {"influencer_id": "Q", "basis": "post", "total_payout": 100.0},
    {"influencer_id": "R", "basis": "post", "total_payout": 50.0},
    {"influencer_id": "N", "basis": "post", "total_payout": 70.0},
    {"influencer_id": "M", "basis": "order", "total_payout": 30.0},
]


@pytest.fixture
def dataset(make_dataset):
    return make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)


def by(spend: pd.DataFrame, *keys: str) -> dict:
    return spend.groupby(list(keys), dropna=False)["spend"].sum().round(9).to_dict()


def test_unfiltered_spend_is_allocated_by_every_rule(dataset):
    spend = allocate_spend(dataset)
    assert by(spend, "influencer_id", "campaign") == {
        ("M", "C1"): 30.0,
        ("N", "C2"): 70.0,
        ("O", "C1"): 200.0,
        ("O", "C2"): 400.0,
        ("P", "C1"): 600.0,
        ("P", "C2"): 300.0,
        ("Q", "C1"): 50.0,
        ("Q", "C3"): 50.0,
        ("R", UNASSIGNED): 50.0,
    }
    assert spend["spend"].sum() == pytest.approx(1750.0, rel=1e-9)


def test_post_basis_spend_is_dated_on_each_post_and_order_basis_on_each_conversion(dataset):
    spend = allocate_spend(dataset)
    post_days = by(spend[spend["influencer_id"] == "P"], "date")
    assert post_days == {
        pd.Timestamp("2025-01-01"): 300.0,
        pd.Timestamp("2025-01-10"): 300.0,
        pd.Timestamp("2025-01-20"): 300.0,
    }
    order_days = by(spend[spend["influencer_id"] == "O"], "date", "campaign", "basis")
    assert order_days == {
        (pd.Timestamp("2025-01-03"), "C1", "order"): 200.0,
        (pd.Timestamp("2025-01-12"), "C2", "order"): 400.0,
    }


def test_payouts_without_units_are_undated(dataset):
    spend = allocate_spend(dataset)
    undated = spend[spend["date"].isna()]
    assert by(undated, "influencer_id", "campaign", "basis") == {
        ("M", "C1", "order"): 30.0,
        ("N", "C2", "post"): 70.0,
    }


def test_a_date_filter_keeps_dated_shares_and_splits_posts_by_orders_in_the_period(dataset):
    spend = allocate_spend(dataset, Filters.make(start="2025-01-01", end="2025-01-10"))
    # P's two posts in the period (600) all go to C1: its only coded orders in the period are in C1.
    assert by(spend, "influencer_id", "campaign") == {
        ("O", "C1"): 200.0,
        ("P", "C1"): 600.0,
        ("Q", "C1"): 25.0,
        ("Q", "C3"): 25.0,
    }
    assert spend["date"].notna().all()


def test_one_sided_date_ranges_are_open_on_the_other_side(dataset):
    later = allocate_spend(dataset, Filters.make(start="2025-01-11"))
    assert by(later, "influencer_id", "campaign") == {
        ("O", "C2"): 400.0,
        ("P", "C2"): 300.0,
        ("Q", "C1"): 25.0,
        ("Q", "C3"): 25.0,
        ("R", UNASSIGNED): 50.0,
    }
    earlier = allocate_spend(dataset, Filters.make(end="2025-01-10"))
    assert earlier["spend"].sum() == pytest.approx(850.0)
    # Undated payouts count only without a date filter, so the two halves miss exactly them.
    assert later["spend"].sum() + earlier["spend"].sum() == pytest.approx(1750.0 - 100.0)


def test_several_payout_rows_of_one_influencer_are_summed(make_dataset):
    split = [
        {"influencer_id": "P", "basis": "post", "total_payout": 400.0, "rate": 130.0},
        {"influencer_id": "P", "basis": "order", "total_payout": 500.0, "rate": 200.0},
    ]
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=split)
    totals = payout_totals(dataset.payouts).set_index("influencer_id")
    assert totals.loc["P", "total_payout"] == 900.0
    assert totals.loc["P", "basis"] == "post"
    assert totals.loc["P", "rate"] == 130.0
    assert by(allocate_spend(dataset), "influencer_id", "campaign") == {
        ("P", "C1"): 600.0,
        ("P", "C2"): 300.0,
    }


def test_an_influencer_without_orders_or_touches_in_the_period_uses_all_its_touches(make_dataset):
    dataset = make_dataset(
        influencers=[{"influencer_id": "A"}],
        posts=[{"influencer_id": "A", "date": "2025-02-01"}],
        tracking=[
            {"influencer_id": "A", "campaign": "C1", "user_id": "u", "date": "2025-01-01", "orders": 1},
            {"influencer_id": "A", "campaign": "C2", "user_id": "u", "date": "2025-01-02"},
        ],
        payouts=[{"influencer_id": "A", "basis": "post", "total_payout": 10.0}],
    )
    spend = allocate_spend(dataset, Filters.make(start="2025-02-01"))
    assert by(spend, "campaign") == {"C1": 5.0, "C2": 5.0}


def test_findings_list_payouts_without_units_and_repeated_rows(make_dataset):
    payouts = [*PAYOUTS, {"influencer_id": "P", "basis": "order", "total_payout": 1.0}]
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=payouts)
    findings = payout_findings(dataset)
    assert list(findings.columns) == ["file", "row", "column", "value", "problem", "action"]
    problems = dict(zip(findings["value"], findings["problem"], strict=True))
    assert problems == {
        "N": "payout without units: no posts in posts.csv",
        "M": "payout without units: no coded orders in tracking",
        "P": "2 payout rows for one influencer; bases disagree, the first row's basis is used",
    }
    assert findings["row"].isna().all()


def test_no_payouts_gives_an_empty_typed_frame(make_dataset):
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING)
    spend = allocate_spend(dataset)
    assert spend.empty
    assert list(spend.columns) == ["influencer_id", "campaign", "date", "basis", "spend"]


@pytest.mark.parametrize("seed", range(5))
def test_unfiltered_spend_equals_the_total_payout_on_random_data(make_dataset, seed):
    rng = np.random.default_rng(seed)
    ids = [f"i{k}" for k in range(40)]
    days = pd.date_range("2025-01-01", periods=60).strftime("%Y-%m-%d")
    posts = [{"influencer_id": rng.choice(ids), "date": rng.choice(days)} for _ in range(80)]
    tracking = [
        {
            "influencer_id": rng.choice(ids),
            "campaign": rng.choice(["C1", "C2", "C3"]),
            "user_id": f"u{rng.integers(30)}",
            "date": rng.choice(days),
            "orders": int(rng.integers(0, 3)),
            "revenue": float(rng.integers(0, 500)),
        }
        for _ in range(150)
    ]
    payouts = [
        {
            "influencer_id": rng.choice([*ids, "ghost"]),
            "basis": rng.choice(["post", "order"]),
            "total_payout": float(rng.uniform(0, 10_000)),
        }
        for _ in range(50)
    ]
    dataset = make_dataset(
        influencers=[{"influencer_id": i} for i in ids], posts=posts, tracking=tracking, payouts=payouts
    )
    total = dataset.payouts["total_payout"].sum()
    assert allocate_spend(dataset)["spend"].sum() == pytest.approx(total, rel=1e-6)
