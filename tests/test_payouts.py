"""Payout ledger: units from the data, derived rates, statuses and their precedence, unknown ids."""

import math

import pandas as pd
import pytest

from metrics.filters import Filters
from metrics.payouts import LEDGER_COLUMNS, NO_RATE_NOTE, STATUSES, payout_ledger
from metrics.view import View

INFLUENCERS = [{"influencer_id": i, "platform": "YouTube" if i == "E" else "Instagram"} for i in "ABCDEFG"]
POSTS = [{"influencer_id": i, "date": "2025-06-01"} for i in ["A", "A", "B", "B", "E", "F", "F", "F", "F"]]
TRACKING = [
    {
        "influencer_id": "C",
        "campaign": "K",
        "user_id": "u1",
        "date": "2025-06-01",
        "orders": 2,
        "revenue": 50.0,
    },
    {
        "influencer_id": "C",
        "campaign": "K",
        "user_id": "u2",
        "date": "2025-06-02",
        "orders": 3,
        "revenue": 80.0,
    },
    {"influencer_id": "C", "campaign": "K", "user_id": "u3", "date": "2025-06-02"},
    {"influencer_id": "D", "campaign": "K", "user_id": "u4", "date": "2025-06-03"},
]
PAYOUTS = [
    # A: 2 posts x 100 = 200, paid 200 -> ok.
    {"influencer_id": "A", "basis": "post", "total_payout": 200.0, "rate": 100.0},
    # B: 2 posts x 100 = 200, paid 203 (1.5% over) -> mismatch.
    {"influencer_id": "B", "basis": "post", "total_payout": 203.0, "rate": 100.0},
    # C: 5 coded orders, no rate -> rate 30 derived from 150 / 5, which cannot be checked -> no_rate.
    {"influencer_id": "C", "basis": "order", "total_payout": 150.0},
    # D: order basis without coded orders (a click only) -> no_units, although its rate disagrees.
    {"influencer_id": "D", "basis": "order", "total_payout": 90.0, "rate": 10.0},
    # E: 1 post x 100 = 100, paid 100.9 (0.9% over) -> ok.
    {"influencer_id": "E", "basis": "post", "total_payout": 100.9, "rate": 100.0},
    # F: two rows, summed 300 + 100 = 400 = 4 posts x 100 -> ok with the first row's rate.
    {"influencer_id": "F", "basis": "post", "total_payout": 300.0, "rate": 100.0},
    {"influencer_id": "F", "basis": "post", "total_payout": 100.0, "rate": 25.0},
    # U: not in influencers.csv.
    {"influencer_id": "U", "basis": "post", "total_payout": 10.0},
]
# G has no payout row -> missing.


@pytest.fixture
def ledger(make_dataset):
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)
    return payout_ledger(View(dataset)).set_index("influencer_id")


def test_ledger_statuses(ledger):
    assert ledger["status"].to_dict() == {
        "A": "ok",
        "B": "mismatch",
        "C": "no_rate",
        "D": "no_units",
        "E": "ok",
        "F": "ok",
        "G": "missing",
        "U": "no_units",
    }


def test_units_rates_and_computed_payouts(ledger):
    assert ledger.loc["A", ["units", "rate", "computed_payout"]].tolist() == [2, 100.0, 200.0]
    assert ledger.loc["B", ["units", "total_payout", "computed_payout"]].tolist() == [2, 203.0, 200.0]
    assert ledger.loc["C", ["basis", "units", "rate", "computed_payout"]].tolist() == [
        "order",
        5,
        30.0,
        150.0,
    ]
    assert ledger.loc["D", "units"] == 0
    assert ledger.loc["D", "computed_payout"] == 0.0
    assert ledger.loc["F", ["units", "rate", "total_payout", "payout_rows"]].tolist() == [4, 100.0, 400.0, 2]
    assert ledger.loc["F", "note"] == "payout rows disagree on rate; the first row's is used"
    assert ledger.loc["C", "note"] == NO_RATE_NOTE == "no rate in payouts.csv: cannot be checked"
    assert ledger.loc["B", "note"] == "paid ₹3 more than the rate × units (₹200 expected, ₹203 paid)"
    assert ledger.loc[["A", "D", "E", "G", "U"], "note"].isna().all()


def test_mismatch_note_says_by_how_much(make_dataset):
    people = [{"influencer_id": i} for i in "HIJKL"]
    posts = [{"influencer_id": i, "date": "2025-06-01"} for i in "HHHHHHHHHIIIJJJKKLL"]
    payouts = [
        # H: 9 posts x 1,200 = 10,800 expected, 12,000 paid -> 1,200 more.
        {"influencer_id": "H", "basis": "post", "total_payout": 12_000.0, "rate": 1_200.0},
        # I: 3 posts x 50,000 = 1,50,000 expected, 1,35,000 paid -> 15,000 less (lakh grouping).
        {"influencer_id": "I", "basis": "post", "total_payout": 135_000.0, "rate": 50_000.0},
        # J: 3 posts x 2.50 = 7.50 expected, 10 paid -> 2.50 more, in paise since 7.50 has paise.
        {"influencer_id": "J", "basis": "post", "total_payout": 10.0, "rate": 2.5},
        # K: two rows of rate 100, 150 + 100 = 250 paid for 2 posts x 100 = 200 -> 50 more, rows summed.
        {"influencer_id": "K", "basis": "post", "total_payout": 150.0, "rate": 100.0},
        {"influencer_id": "K", "basis": "post", "total_payout": 100.0, "rate": 100.0},
        # L: 2 posts x 100 = 200 expected, 201 paid: within 1%, ok, no note.
        {"influencer_id": "L", "basis": "post", "total_payout": 201.0, "rate": 100.0},
    ]
    dataset = make_dataset(influencers=people, posts=posts, payouts=payouts)
    ledger = payout_ledger(View(dataset)).set_index("influencer_id")
    assert ledger["status"].to_dict() == {
        "H": "mismatch",
        "I": "mismatch",
        "J": "mismatch",
        "K": "mismatch",
        "L": "ok",
    }
    assert pd.isna(ledger.loc["L", "note"])
    assert ledger["note"].drop("L").to_dict() == {
        "H": "paid ₹1,200 more than the rate × units (₹10,800 expected, ₹12,000 paid)",
        "I": "paid ₹15,000 less than the rate × units (₹1,50,000 expected, ₹1,35,000 paid)",
        "J": "paid ₹2.50 more than the rate × units (₹7.50 expected, ₹10.00 paid)",
        "K": "paid ₹50 more than the rate × units (₹200 expected, ₹250 paid); several payout rows, totals summed",
    }


def test_missing_payouts_have_empty_basis_rate_and_computed(ledger):
    g = ledger.loc["G"]
    assert (g["total_payout"], g["units"]) == (0.0, 0)
    assert g[["basis", "rate", "computed_payout"]].isna().all()


def test_no_units_without_a_rate_leaves_rate_and_computed_empty(ledger):
    u = ledger.loc["U"]
    assert (u["basis"], u["units"], u["total_payout"]) == ("post", 0, 10.0)
    assert math.isnan(u["rate"]) and math.isnan(u["computed_payout"])


def test_precedence_missing_over_no_units_over_mismatch(make_dataset):
    # H has no payout row and no units: missing, not no_units.
    # D has no units and a total far from rate x units: no_units, not mismatch.
    dataset = make_dataset(
        influencers=[{"influencer_id": "H"}, {"influencer_id": "D"}],
        payouts=[{"influencer_id": "D", "basis": "post", "total_payout": 90.0, "rate": 10.0}],
    )
    ledger = payout_ledger(View(dataset)).set_index("influencer_id")
    assert ledger["status"].to_dict() == {"H": "missing", "D": "no_units"}


def test_ledger_is_not_date_or_campaign_filtered_but_follows_influencer_filters(make_dataset):
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)
    everything = payout_ledger(View(dataset))
    narrowed = payout_ledger(View(dataset, Filters.make(start="2030-01-01", campaigns=["none"])))
    assert narrowed.equals(everything)
    youtube = payout_ledger(View(dataset, Filters.make(platforms=["YouTube"])))
    assert youtube["influencer_id"].tolist() == ["E"]
    # The unknown id U drops out under any influencer filter.
    instagram = payout_ledger(View(dataset, Filters.make(platforms=["Instagram"])))
    assert "U" not in set(instagram["influencer_id"])
    assert list(everything.columns[: len(LEDGER_COLUMNS)]) == LEDGER_COLUMNS


def test_no_rate_status_and_its_precedence(make_dataset):
    # Every influencer has 2 posts (post basis), so rate x units = 2 x 100 = 200 where a rate is given.
    people = ["R", "N", "M", "X", "K", "S"]
    dataset = make_dataset(
        influencers=[{"influencer_id": i} for i in [*people, "Z"]],
        posts=[{"influencer_id": i, "date": "2025-06-01"} for i in people for _ in range(2)],
        payouts=[
            # R: no rate, 2 posts: rate shown as 250 / 2 = 125, but nothing to check it against.
            {"influencer_id": "R", "basis": "post", "total_payout": 250.0},
            # N: no rate and no units (order basis, no coded orders): no_units wins.
            {"influencer_id": "N", "basis": "order", "total_payout": 80.0},
            # X: rate 100, paid 203 = 1.5% over 200 -> mismatch.
            {"influencer_id": "X", "basis": "post", "total_payout": 203.0, "rate": 100.0},
            # K: rate 100, paid 201 = 0.5% over 200 -> ok.
            {"influencer_id": "K", "basis": "post", "total_payout": 201.0, "rate": 100.0},
            # S: two rows, the first without a rate: the first row's rate is the one used -> no_rate
            # (rate shown 200 / 2; a missing rate is not counted as a second, disagreeing rate).
            {"influencer_id": "S", "basis": "post", "total_payout": 150.0},
            {"influencer_id": "S", "basis": "post", "total_payout": 50.0, "rate": 100.0},
            # Z: no rate and no posts -> no_units.
            {"influencer_id": "Z", "basis": "post", "total_payout": 40.0},
        ],
    )
    # M has no payout row -> missing.
    ledger = payout_ledger(View(dataset)).set_index("influencer_id")
    assert ledger["status"].to_dict() == {
        "R": "no_rate",
        "N": "no_units",
        "M": "missing",
        "X": "mismatch",
        "K": "ok",
        "S": "no_rate",
        "Z": "no_units",
    }
    assert ledger.loc["R", ["rate", "units", "total_payout", "computed_payout"]].tolist() == [
        125.0,
        2,
        250.0,
        250.0,
    ]
    assert ledger.loc["R", "note"] == NO_RATE_NOTE
    assert ledger.loc["S", ["rate", "units", "total_payout"]].tolist() == [100.0, 2, 200.0]
    assert ledger.loc["S", "note"] == NO_RATE_NOTE + "; several payout rows, totals summed"
    assert ledger.loc["X", "computed_payout"] == 200.0
    assert ledger.loc["X", "note"] == "paid ₹3 more than the rate × units (₹200 expected, ₹203 paid)"
    assert ledger.loc[["N", "M", "K", "Z"], "note"].isna().all()
    assert STATUSES == ("missing", "no_units", "no_rate", "mismatch", "ok")


def test_a_file_without_a_rate_column_checks_nothing(make_dataset):
    dataset = make_dataset(
        influencers=[{"influencer_id": "A"}],
        posts=[{"influencer_id": "A", "date": "2025-06-01"}],
        payouts=[{"influencer_id": "A", "basis": "post", "total_payout": 100.0}],
    )
    dataset.payouts.drop(columns="rate", inplace=True)
    ledger = payout_ledger(View(dataset))
    assert ledger[["status", "rate", "computed_payout"]].values.tolist() == [["no_rate", 100.0, 100.0]]
