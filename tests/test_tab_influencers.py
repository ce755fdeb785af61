"""The Influencers tab's plain update_* functions, on a dataset whose scores are worked out by hand.

* A (post basis ₹500, one post: reach 1,000, 50 likes + 10 comments) converts u1: ₹1,000;
* B (order basis ₹1,500, posts of reach 2,000 with 120 engagements, and a reach-0 post whose URL is a
  ``javascript:`` link) converts u2: 2 orders, ₹3,000;
* so both are scored. Shrunk ROAS: k = median spend 1,000, pooled ROAS 2 -> A (1,000 + 2,000) / 1,500 = 2,
  B (3,000 + 2,000) / 2,500 = 2: a tie, percentile 0.75 each; engagement rate 0.06 each and conversion
  rate 1 each: ties too; revenue A 0.5, B 1; CPE A 500/60, B 1,500/120: lower is better, A 1, B 0.5;
* default weights: A = 100 x (0.3 x .75 + 0.2 x .75 + 0.2 x .75 + 0.2 x .5 + 0.1 x 1) = 72.5, B = 77.5;
  all weight on CPE: A 100, B 50.
"""

from __future__ import annotations

import base64

import pytest
from dash import no_update

from callbacks import export, session, sidebar
from callbacks import influencers as tab
from callbacks.weights import DEFAULT_PERCENTS, normalised_percents, weighted_options
from layouts import ids
from layouts.common import GRAPH_HIDDEN, HIDDEN, SHOWN
from layouts.influencers import DETAIL_HINT
from metrics import export as metrics_export
from metrics import ingest
from metrics.filters import Options
from metrics.view import View

INFLUENCERS = [
    {"influencer_id": "A", "name": "Asha", "follower_count": 50_000},
    {"influencer_id": "B", "name": "Bala", "platform": "YouTube", "follower_count": 5_000},
]
POSTS = [
    {
        "influencer_id": "A",
        "date": "2025-04-02",
        "reach": 1_000,
        "likes": 50,
        "comments": 10,
        "url": "https://www.instagram.com/p/asha1",
    },
    {"influencer_id": "B", "date": "2025-04-03", "reach": 2_000, "likes": 100, "comments": 20},
    {"influencer_id": "B", "date": "2025-04-04", "reach": 0, "url": "javascript:alert(1)"},
]
TRACKING = [
    {
        "influencer_id": "A",
        "campaign": "Spring",
        "user_id": "u1",
        "date": "2025-04-02",
        "orders": 1,
        "revenue": 1_000.0,
    },
    {
        "influencer_id": "B",
        "campaign": "Summer",
        "user_id": "u2",
        "date": "2025-04-05",
        "orders": 2,
        "revenue": 3_000.0,
    },
]
PAYOUTS = [
    {"influencer_id": "A", "basis": "post", "total_payout": 500.0},
    {"influencer_id": "B", "basis": "order", "total_payout": 1_500.0},
]
ALL_ON_CPE = {"roas": 0, "engagement_rate": 0, "conversion_rate": 0, "revenue": 0, "cpe": 100}


@pytest.fixture
def small(make_dataset, write_csvs, tmp_path):
    """Write the hand-worked dataset as the four input CSVs and return the folder."""
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)
    return write_csvs(dataset, tmp_path / "csv")


@pytest.fixture
def store(upload_folder, small):
    """Return the session store of the small dataset loaded by upload, no filters, last touch."""
    loaded = upload_folder(small)
    return session.update_session(loaded, None, None, "last_touch", *[None] * len(sidebar.LIST_FILTERS))


def scores(rows: list[dict]) -> dict:
    return {row["influencer_id"]: row["score"] for row in rows}


def test_default_scores_match_hand_computation(store):
    """The grid holds the hand-computed scores, both influencers are Stars, and the grid is visible."""
    caption, rows, style = tab.update_influencers(store, None)
    assert scores(rows) == pytest.approx({"A": 72.5, "B": 77.5})
    assert {row["quadrant"] for row in rows} == {"Stars"}
    assert style == SHOWN
    assert "Last touch" in str(caption) and "ROAS 30 %" in str(caption)
    empty, matrix_style, figure, graph_style, matrix_caption = tab.update_matrix(store, None)
    assert empty is None and matrix_style == SHOWN and graph_style == {"height": "420px"}
    assert sorted(x for trace in figure.data for x in trace.x) == pytest.approx([0.06, 0.06])
    assert "Last touch" in matrix_caption and "Dashed lines at the medians" in matrix_caption
    # A constant uirevision: the next figure (other filters, weights or model) keeps the user's zoom.
    assert figure.layout.uirevision == tab.update_matrix(store, ALL_ON_CPE)[2].layout.uirevision is not None


def test_weights_store_changes_the_score(store):
    """All weight on CPE scores A (cheaper engagements) 100 and B 50."""
    caption, rows, _ = tab.update_influencers(store, ALL_ON_CPE)
    assert scores(rows) == pytest.approx({"A": 100.0, "B": 50.0})
    assert "CPE 100 %" in str(caption)


def test_weights_that_do_not_sum_to_100_are_refused(store):
    """A slider move to a sum of 110 % keeps the stored weights and says why; the table keeps them."""
    stored = dict(ALL_ON_CPE)
    moved = [10, 0, 0, 0, 100]
    *values, total, message, store_out = tab.update_weights(ids.SCORE_WEIGHT["roas"], moved, stored)
    assert values == moved and store_out is no_update
    assert total == "⚠ Sum: 110 %"
    assert "add up to 110 %, not 100 %" in str(message) and "CPE 100 %" in str(message)
    _, rows, _ = tab.update_influencers(store, stored)
    assert scores(rows) == pytest.approx({"A": 100.0, "B": 50.0})


def test_normalise_reset_and_redraw():
    """Normalise scales to whole percents summing to 100; reset restores the defaults; a redraw shows the store."""
    *values, total, _, store_out = tab.update_weights(ids.SCORE_WEIGHTS_NORMALISE, [1, 1, 1, 0, 0], None)
    assert values == [34, 33, 33, 0, 0] and store_out == dict(zip(DEFAULT_PERCENTS, values, strict=True))
    assert total == "✓ Sum: 100 %"
    *values, _, _, store_out = tab.update_weights(ids.SCORE_WEIGHTS_RESET, [1, 1, 1, 0, 0], ALL_ON_CPE)
    assert values == [30, 20, 20, 20, 10] and store_out == DEFAULT_PERCENTS
    *values, _, _, store_out = tab.update_weights(None, [30, 20, 20, 20, 10], ALL_ON_CPE)
    assert values == [0, 0, 0, 0, 100] and store_out is no_update
    assert normalised_percents(dict.fromkeys(DEFAULT_PERCENTS, 0)) is None


def test_weighted_options_keep_the_default_memo_key():
    """The default percents give exactly the default Options, so they share its cache entries."""
    assert weighted_options(Options(model="linear"), DEFAULT_PERCENTS) == Options(model="linear")
    assert dict(weighted_options(Options(), ALL_ON_CPE).score_weights)["cpe"] == 1.0


def test_influencers_download_uses_the_weights(store, small):
    """export-influencers with weights equals influencers.csv of a view with those score weights."""
    sent = export.update_download("influencers", 1, store, ALL_ON_CPE)
    dataset = ingest.read_dir(small)
    options = Options(score_weights=tuple((c, w / 100) for c, w in ALL_ON_CPE.items()))
    expected = metrics_export.to_csv_bytes(
        metrics_export.build_table("influencers", View(dataset, None, options))
    )
    assert base64.b64decode(sent["content"]) == expected
    assert b"A,Asha" in expected and b",100.0," in expected


def test_detail_links_only_http_urls_safely(store):
    """Post links open in a new tab without opener; a javascript: URL is shown as text, never as a link."""
    detail = tab.update_detail([{"influencer_id": "A"}], store, None)
    links = [c for c in detail._traverse() if type(c).__name__ == "A"]
    assert [(a.href, a.target, a.rel) for a in links] == [
        ("https://www.instagram.com/p/asha1", "_blank", "noopener noreferrer")
    ]
    detail = tab.update_detail([{"influencer_id": "B"}], store, None)
    assert [a.href for a in detail._traverse() if type(a).__name__ == "A"] == [
        "https://www.instagram.com/p/B1"
    ]
    assert "javascript:alert(1)" in str(detail)
    assert "77.5" in str(detail)


def test_detail_without_selection_says_what_to_do(store):
    """With no row selected the panel invites a click."""
    assert DETAIL_HINT in str(tab.update_detail([], store, None))
    assert DETAIL_HINT in str(tab.update_detail([{"influencer_id": "A"}], None, None))


def test_personas_unranked_are_listed_with_a_note(store):
    """Two one-influencer personas: none is ranked, both are listed, and the note says why."""
    empty, style, note, title, chart_note, figure, chart_style, rows = tab.update_personas(store)
    assert empty is None and style == SHOWN
    assert [row["rank"] for row in rows] == [None, None]
    assert "No persona has 3 or more influencers" in chart_note and title == "Ranked personas"
    assert figure is no_update and chart_style == GRAPH_HIDDEN
    assert "2 with fewer are listed below as “not ranked”" in note


def test_no_data_hides_the_grid():
    """Without a dataset the tab shows a note, not an empty grid."""
    body, rows, style = tab.update_influencers(None, None)
    assert rows == [] and style == HIDDEN
    assert "load data" in str(body)
    note, matrix_style, figure, _, _ = tab.update_matrix(None, None)
    assert matrix_style == HIDDEN and figure is no_update and "load data" in str(note)
