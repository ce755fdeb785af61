"""The Payouts tab's plain update_* functions, on a dataset whose ledger and budget plan are worked out by hand.

* a and b are paid ₹100 per post for one post each; a's buyer spends ₹400, b's ₹100 (last touch);
* c is owed rate ₹100 x 2 posts = ₹200 but was paid ₹0: a mismatch, and no spend for the optimizer;
* with fewer than 30 influencer-weeks the curve exponent is the default b = 0.6. Marginal returns are
  equal when s_a / s_b = 4^(1 / 0.4) = 32, so b falls to its lower bound ₹50 and a takes ₹150 of ₹200;
  predicted revenue a 400 x 1.5^0.6, b 100 x 0.5^0.6, marginal ROAS 0.6 x predicted / spend.
"""

from __future__ import annotations

import base64

import pytest
from dash import html

from callbacks import payouts as tab
from callbacks import session, sidebar
from layouts import ids
from metrics.__main__ import main as cli_main

INFLUENCERS = [{"influencer_id": i, "name": f"Name {i}"} for i in ("a", "b", "c")]
POSTS = [
    {"influencer_id": "a", "date": "2025-04-01"},
    {"influencer_id": "b", "date": "2025-04-01"},
    {"influencer_id": "c", "date": "2025-04-01"},
    {"influencer_id": "c", "date": "2025-04-02"},
]
TRACKING = [
    {
        "influencer_id": "a",
        "campaign": "Spring",
        "user_id": "u1",
        "date": "2025-04-03",
        "orders": 1,
        "revenue": 400.0,
    },
    {
        "influencer_id": "b",
        "campaign": "Spring",
        "user_id": "u2",
        "date": "2025-04-03",
        "orders": 1,
        "revenue": 100.0,
    },
]
PAYOUTS = [
    {"influencer_id": "a", "basis": "post", "total_payout": 100.0},
    {"influencer_id": "b", "basis": "post", "total_payout": 100.0},
    {"influencer_id": "c", "basis": "post", "total_payout": 0.0, "rate": 100.0},
]


@pytest.fixture
def small(make_dataset, write_csvs, tmp_path):
    """Write the hand-worked dataset as the four input CSVs and return the folder."""
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)
    return write_csvs(dataset, tmp_path / "csv")


@pytest.fixture
def store(upload_folder, small):
    """Return the session store of the small dataset loaded by upload, no filters, linear model."""
    loaded = upload_folder(small)
    return session.update_session(loaded, None, None, "linear", *[None] * len(sidebar.LIST_FILTERS))


def component(tree, wanted: str):
    """Return the component with id ``wanted`` in a layout tree."""
    return next(c for c in tree._traverse() if getattr(c, "id", None) == wanted)


def plan_rows(body) -> dict:
    return {row["influencer_id"]: row for row in component(body, ids.BUDGET_TABLE).rowData}


def test_ledger_flags_the_mismatch(store):
    """c's ₹0 against rate x units ₹200 is a mismatch: counted in the summary and styled by status."""
    ledger, chart = tab.update_payouts(store)
    rows = {row["influencer_id"]: row for row in component(ledger, ids.PAYOUT_TABLE).rowData}
    assert {i: r["status"] for i, r in rows.items()} == {"a": "ok", "b": "ok", "c": "mismatch"}
    assert rows["c"]["computed_payout"] == 200.0
    assert "3 influencers: 1 mismatch (highlighted)." in str(ledger)
    assert component(ledger, ids.PAYOUT_TABLE).getRowStyle == tab.LEDGER_ROW_STYLE
    assert "Per post" in str(chart.children[0].figure)


def test_budget_plan_matches_hand_computation(store):
    """₹200 over a and b: a ₹150, b ₹50 (its lower bound), with the predicted revenues and b = 0.6."""
    body, lock_options = tab.update_budget(store, 200, 0.5, 2.0, [])
    rows = plan_rows(body)
    assert rows["a"]["recommended_spend"] == pytest.approx(150.0)
    assert rows["b"]["recommended_spend"] == pytest.approx(50.0)
    assert rows["a"]["predicted_revenue_recommended"] == pytest.approx(400 * 1.5**0.6)
    assert rows["b"]["predicted_revenue_recommended"] == pytest.approx(100 * 0.5**0.6)
    assert rows["a"]["marginal_roas"] == pytest.approx(0.6 * 400 * 1.5**0.6 / 150)
    assert rows["a"]["predicted_revenue_current"] == 400.0
    assert "0.600" in str(body) and "c" not in rows
    assert [o["value"] for o in lock_options] == ["a", "b"]


def test_locked_influencer_keeps_its_spend(store):
    """Locking a at ₹100 leaves ₹100 for b: nobody moves, and the result says so."""
    body, _ = tab.update_budget(store, 200, 0.5, 2.0, ["a"])
    rows = plan_rows(body)
    assert rows["a"]["recommended_spend"] == 100.0 and rows["b"]["recommended_spend"] == pytest.approx(100.0)
    assert "keeps every influencer at today's spend" in str(body)


def test_budget_above_the_bounds_is_clipped_with_a_message(store):
    """₹1,000 exceeds the ₹400 that 2x bounds allow: the plan uses ₹400 and a warning says so."""
    body, _ = tab.update_budget(store, 1000, 0.5, 2.0, [])
    assert sum(r["recommended_spend"] for r in plan_rows(body).values()) == pytest.approx(400.0)
    assert "above the largest total the bounds allow" in str(body)


def test_inverted_bounds_are_refused(store):
    """A lower bound above the upper one shows what to fix instead of a plan."""
    body, _ = tab.update_budget(store, None, 3, 2, [])
    assert "is above the upper bound" in str(body)
    assert not [c for c in body._traverse() if getattr(c, "id", None) == ids.BUDGET_TABLE]


def test_budget_download_equals_cli(store, small, tmp_path):
    """export-budget (default bounds, nothing locked) sends the CLI's budget.csv for --budget 200."""
    assert cli_main(["export", "--data", str(small), "--out", str(tmp_path / "out"), "--budget", "200"]) == 0
    sent = tab.update_budget_download(1, store, 200, 0.5, 2.0, [])
    assert sent["filename"] == "budget.csv"
    assert base64.b64decode(sent["content"]) == (tmp_path / "out" / "budget.csv").read_bytes()


def test_no_data_shows_a_note():
    """Without a dataset every panel shows the note, not numbers."""
    ledger, _ = tab.update_payouts(None)
    body, options = tab.update_budget(None, None, 0.5, 2.0, [])
    assert isinstance(ledger, html.P) and options == []
    assert "load data" in str(body)
