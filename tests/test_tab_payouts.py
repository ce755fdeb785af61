"""The Payouts tab's plain update_* functions, on a dataset whose ledger and budget plan are worked out by hand.

* a and b are paid ₹100 per post for one post each; a's buyer spends ₹400, b's ₹100 (last touch);
* c is owed rate ₹100 x 2 posts = ₹200 but was paid ₹0: a mismatch, and no spend for the optimizer;
* a and b each have one 14-day period of spend: no point to fit the curve on, so the exponent is the
  prior b = 0.6, and the panel says so. Marginal returns are
  equal when s_a / s_b = 4^(1 / 0.4) = 32, so b falls to its lower bound ₹50 and a takes ₹150 of ₹200;
  predicted revenue a 400 x 1.5^0.6, b 100 x 0.5^0.6, marginal ROAS 0.6 x predicted / spend.
"""

from __future__ import annotations

import base64

import pytest
from dash import html, no_update

from callbacks import payouts as tab
from callbacks import session, sidebar
from layouts import ids
from layouts import payouts as payouts_layout
from layouts.common import HIDDEN, SHOWN
from layouts.payouts import FIT_TOOLTIP, LEDGER_ROW_STYLE
from metrics.__main__ import main as cli_main
from store import results

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
    {"influencer_id": "a", "basis": "post", "total_payout": 100.0, "rate": 100.0},
    {"influencer_id": "b", "basis": "post", "total_payout": 100.0, "rate": 100.0},
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
    """Return the component with id ``wanted`` in a layout tree (a list of components or one)."""
    return next(c for c in html.Div(tree)._traverse() if getattr(c, "id", None) == wanted)


def plan(*args) -> dict:
    """Return ``update_budget``'s outputs by name (shown: the plan's style is not hidden)."""
    names = ("note", "style", "summary", "still", "shifts_style", "figure", "height", "rows", "lock_options")
    return dict(zip(names, tab.update_budget(*args), strict=True))


def plan_rows(result: dict) -> dict:
    assert result["style"] == SHOWN
    return {row["influencer_id"]: row for row in result["rows"]}


def test_ledger_flags_the_mismatch(store):
    """c's ₹0 against rate x units ₹200 is a mismatch: counted in the summary and styled by status."""
    note, style, summary, ledger = tab.update_payouts(store)
    rows = {row["influencer_id"]: row for row in ledger}
    assert note is None and style == SHOWN
    assert {i: r["status"] for i, r in rows.items()} == {"a": "ok", "b": "ok", "c": "mismatch"}
    assert rows["c"]["computed_payout"] == 200.0
    assert summary == "3 influencers: 1 mismatch (highlighted)."
    assert component(payouts_layout.layout(), ids.PAYOUT_TABLE).getRowStyle == LEDGER_ROW_STYLE
    chart_note, chart_style, figure, height = tab.update_spend_chart(store)
    assert chart_note is None and chart_style == SHOWN and height == {"height": "320px"}
    assert "Per post" in str(figure) and figure.layout.uirevision is not None  # keeps the user's zoom


def test_a_payout_without_a_rate_is_flagged_as_unchecked(make_dataset, write_csvs, tmp_path, upload_folder):
    """a's row gives no rate: shown as 100 / 1 post but flagged no_rate, with the note, never ok."""
    payouts = [{**PAYOUTS[0], "rate": None}, *PAYOUTS[1:]]
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=payouts)
    loaded = upload_folder(write_csvs(dataset, tmp_path / "no-rate"))
    store = session.update_session(loaded, None, None, "linear", *[None] * len(sidebar.LIST_FILTERS))
    _, _, summary, ledger = tab.update_payouts(store)
    rows = {row["influencer_id"]: row for row in ledger}
    assert {i: r["status"] for i, r in rows.items()} == {"a": "no_rate", "b": "ok", "c": "mismatch"}
    assert (rows["a"]["rate"], rows["a"]["computed_payout"]) == (100.0, 100.0)
    assert rows["a"]["note"] == "no rate in payouts.csv: cannot be checked"
    assert summary == "3 influencers: 1 mismatch, 1 without a rate (cannot be checked) (highlighted)."
    grid = component(payouts_layout.layout(), ids.PAYOUT_TABLE)
    styled = [c["condition"] for c in grid.getRowStyle["styleConditions"]]
    assert "params.data.status === 'no_rate'" in styled


def test_budget_plan_matches_hand_computation(store):
    """₹200 over a and b: a ₹150, b ₹50 (its lower bound), with the predicted revenues and b = 0.6."""
    body = plan(store, 200, 0.5, 2.0, [])
    rows = plan_rows(body)
    assert rows["a"]["recommended_spend"] == pytest.approx(150.0)
    assert rows["b"]["recommended_spend"] == pytest.approx(50.0)
    assert rows["a"]["predicted_revenue_recommended"] == pytest.approx(400 * 1.5**0.6)
    assert rows["b"]["predicted_revenue_recommended"] == pytest.approx(100 * 0.5**0.6)
    assert rows["a"]["marginal_roas"] == pytest.approx(0.6 * 400 * 1.5**0.6 / 150)
    assert rows["a"]["predicted_revenue_current"] == 400.0
    assert "c" not in rows
    fit = component(body["summary"], ids.BUDGET_FIT)
    assert fit.children == (
        "Each extra rupee is taken to earn a little less than the one before, at the usual rate: the "
        "history holds too few influencer-periods to measure it (0, 30 needed)."
    )
    assert fit.title == (
        FIT_TOOLTIP
        + " Here: too few points to fit the curve (0 influencer-periods, 30 needed): using the usual 0.6."
    )
    # The maths stays in the tooltip: the panel's text speaks of rupees, not of spend^b or an exponent.
    shown = str(body["summary"]).replace(fit.title, "")
    assert not any(word in shown for word in ("spend^b", "Exponent", "exponent", "clipped"))
    assert [o["value"] for o in body["lock_options"]] == ["a", "b"]
    assert body["shifts_style"] == SHOWN and body["still"] == ""
    # Biggest shifts: b down ₹50 to its lower bound, a up ₹50.
    assert list(body["figure"].data[0].x) == pytest.approx([-50.0, 50.0])


def test_locked_influencer_keeps_its_spend(store):
    """Locking a at ₹100 leaves ₹100 for b: nobody moves, and the result says so."""
    body = plan(store, 200, 0.5, 2.0, ["a"])
    rows = plan_rows(body)
    assert rows["a"]["recommended_spend"] == 100.0 and rows["b"]["recommended_spend"] == pytest.approx(100.0)
    assert "keeps every influencer at today's spend" in body["still"]
    assert body["shifts_style"] == HIDDEN


def test_budget_above_the_bounds_is_clipped_with_a_message(store, small, tmp_path, capsys):
    """₹1,000 exceeds the ₹400 that 2x bounds allow: the plan uses ₹400, the panel and the CLI say so."""
    body = plan(store, 1000, 0.5, 2.0, [])
    assert sum(r["recommended_spend"] for r in plan_rows(body).values()) == pytest.approx(400.0)
    message = (
        "The budget ₹1,000 is above the largest total the bounds allow (₹400, every influencer at its "
        "upper bound): the plan uses ₹400."
    )
    assert component(body["summary"], "budget-message").children == message
    assert cli_main(["export", "--data", str(small), "--out", str(tmp_path / "out"), "--budget", "1000"]) == 0
    assert capsys.readouterr().err == message + "\n"


def test_inverted_bounds_are_refused(store):
    """A lower bound above the upper one shows what to fix instead of a plan."""
    body = plan(store, None, 3, 2, [])
    assert "is above the upper bound" in str(body["note"])
    assert body["style"] == HIDDEN and body["rows"] is no_update and body["lock_options"] is no_update


def test_budget_download_equals_cli(store, small, tmp_path):
    """export-budget (default bounds, nothing locked) sends the CLI's budget.csv for --budget 200."""
    assert cli_main(["export", "--data", str(small), "--out", str(tmp_path / "out"), "--budget", "200"]) == 0
    sent = tab.update_budget_download(1, store, 200, 0.5, 2.0, [])
    assert sent["filename"] == "budget_2025-04-01_2025-04-03.csv"  # the data's first and last day
    assert base64.b64decode(sent["content"]) == (tmp_path / "out" / "budget.csv").read_bytes()


def test_budget_fit_download_equals_cli(store, small, tmp_path):
    """export-budget_fit (default bounds, nothing locked) sends the CLI's budget_fit.csv for --budget 200."""
    assert cli_main(["export", "--data", str(small), "--out", str(tmp_path / "out"), "--budget", "200"]) == 0
    sent = tab.update_budget_fit_download(1, store, 200, 0.5, 2.0, [])
    assert sent["filename"] == "budget_fit_2025-04-01_2025-04-03.csv"  # the data's first and last day
    written = (tmp_path / "out" / "budget_fit.csv").read_bytes()
    assert base64.b64decode(sent["content"]) == written
    # The prior, no interval (empty cells), 0 points; ₹200 asked and used; revenue now 400 + 100.
    predicted = 400 * 1.5**0.6 + 100 * 0.5**0.6
    header, line = written.decode().splitlines()
    assert header == (
        "b,b_low,b_high,points,identified,budget_requested,budget_used,predicted_revenue_current,"
        "predicted_revenue_recommended"
    )
    row = line.split(",")
    assert row[:6] == ["0.6", "", "", "0", "False", "200.0"]
    assert float(row[6]) == pytest.approx(200.0, rel=1e-12)
    assert row[7] == "500.0"
    assert float(row[8]) == pytest.approx(predicted, rel=1e-12)


# Four post-paid influencers over ten 14-day periods from Monday 6 Jan 2025 (periods are counted from a
# Monday in 1970, so that day starts one): in a period with k posts at ₹100 each, one order on the first
# post's day brings scale x (100 k)^0.5. Every point lies on its curve, so the fit is exactly b = 0.5
# and every bootstrap sample agrees: 40 influencer-periods, interval 0.50-0.50.
POSTS_PER_PERIOD = {"p": [1, 2, 3, 4, 1, 2, 3, 4, 1, 2], "q": [2, 1, 4, 3, 2, 1, 4, 3, 2, 1]}
POSTS_PER_PERIOD |= {"r": POSTS_PER_PERIOD["p"][::-1], "s": POSTS_PER_PERIOD["q"][::-1]}
SCALE = {"p": 10.0, "q": 20.0, "r": 30.0, "s": 40.0}


@pytest.fixture
def curve_store(make_dataset, write_csvs, tmp_path, upload_folder):
    """Return the session store of the four-influencer dataset whose exponent is exactly 0.5."""
    import pandas as pd

    posts, tracking, payouts = [], [], []
    for influencer, counts in POSTS_PER_PERIOD.items():
        for period, k in enumerate(counts):
            start = pd.Timestamp("2025-01-06") + pd.Timedelta(days=14 * period)
            posts += [
                {"influencer_id": influencer, "date": (start + pd.Timedelta(days=d)).strftime("%Y-%m-%d")}
                for d in range(k)
            ]
            tracking.append(
                {
                    "influencer_id": influencer,
                    "campaign": "Spring",
                    "user_id": f"{influencer}{period}",
                    "date": start.strftime("%Y-%m-%d"),
                    "orders": 1,
                    "revenue": SCALE[influencer] * (100.0 * k) ** 0.5,
                }
            )
        payouts.append(
            {"influencer_id": influencer, "basis": "post", "rate": 100.0, "total_payout": 100.0 * sum(counts)}
        )
    dataset = make_dataset(
        influencers=[{"influencer_id": i, "name": f"Name {i}"} for i in POSTS_PER_PERIOD],
        posts=posts,
        tracking=tracking,
        payouts=payouts,
    )
    loaded = upload_folder(write_csvs(dataset, tmp_path / "curve"))
    return session.update_session(loaded, None, None, "last_touch", *[None] * len(sidebar.LIST_FILTERS))


def test_fitted_exponent_is_shown_in_plain_words(curve_store):
    """Identified: the panel gives b, its interval and the number of points, and uses the fitted b."""
    body = plan(curve_store, None, 0.5, 2.0, [])
    fit = component(body["summary"], ids.BUDGET_FIT)
    assert fit.children == (
        "Each extra rupee earns a little less than the one before; fitted from 40 influencer-periods "
        "(14 days of an influencer's spend and the sales that followed)."
    )
    assert fit.title.endswith("Here: b = 0.50, 95% interval 0.50–0.50, from 40 influencer-periods.")
    _, totals = results.budget_plan(curve_store["key"], *tab_state(curve_store))
    assert totals["b"] == pytest.approx(0.5, abs=1e-12) and totals["identified"]


def tab_state(store):
    state = session.SessionState.from_store(store)
    return state.filters, state.options


def test_no_data_shows_a_note():
    """Without a dataset every panel shows the note, not numbers."""
    ledger, style, _, rows = tab.update_payouts(None)
    body = plan(None, None, 0.5, 2.0, [])
    assert isinstance(ledger, html.P) and style == HIDDEN and rows == []
    assert body["lock_options"] == [] and body["rows"] == [] and body["style"] == HIDDEN
    assert "load data" in str(body["note"])
    chart_note, chart_style, figure, _ = tab.update_spend_chart(None)
    assert "load data" in str(chart_note) and chart_style == HIDDEN and figure is no_update
