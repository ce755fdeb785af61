"""Chart labels: every chart titles its axes with units, campaign trends mark partial weeks, and labels keep
clear of one another where that is in the figure's JSON (the browser test measures the drawn ones)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from figures import attribution, budget, campaigns, influencers, overview, payouts, roi
from metrics import budget as budget_model
from metrics import comparison, ingest, personas, scoring, tables
from metrics.filters import Filters, Options
from metrics.view import View
from store import datasets


@pytest.fixture(scope="module")
def demo_view() -> View:
    return View(ingest.read_dir(datasets.DEMO_DIR), Filters(), Options())


def _all_charts(view: View) -> dict:
    """Return every chart builder's figure on the demo, with the unit each titled axis must name."""
    trends = tables.trends(view)
    campaign = tables.campaign_table(view)
    influencer = tables.influencer_table(view)
    scored = scoring.score_influencers(influencer)
    iroas = pd.DataFrame(
        {
            "platform": ["X", "Y"],
            "roas": [3.0, 0.0],
            "spend": [100.0, 50.0],
            "iroas": [1.5, np.nan],
            "iroas_low": [1.0, np.nan],
            "iroas_high": [2.5, np.nan],
            "insufficient_data": [False, True],
        }
    )
    markov = pd.DataFrame(
        {"group": ["A", "B"], "removal_effect": [0.4, 0.2], "attributed_revenue": [10.0, 5.0]}
    )
    weekly = pd.DataFrame(
        {
            "week": pd.to_datetime(["2025-04-07", "2025-04-21"]),
            "spend": [100.0, 50.0],
            "revenue": [300.0, 0.0],
        }
    )
    best = scored[scored["score"].notna()].iloc[0]
    return {
        "overview trend": (overview.revenue_spend_over_time(trends), {"xaxis": "Week", "yaxis": "₹"}),
        "overview bars": (overview.revenue_spend_bars(campaign, "campaign"), {"xaxis": "₹"}),
        "campaign multiples": (campaigns.trends_by_campaign(trends), {"yaxis": "₹", "xaxis4": "Week"}),
        "campaign compare": (
            campaigns.compare_trends(trends, list(campaign["campaign"][:2])),
            {"xaxis": "Week", "yaxis": "₹"},
        ),
        "roas bars": (roi.returns_bars(campaign, "campaign"), {"xaxis": "×"}),
        "spend vs revenue": (roi.spend_revenue_scatter(campaign, "campaign"), {"xaxis": "₹", "yaxis": "₹"}),
        "iroas vs roas": (roi.iroas_vs_roas(iroas, "platform"), {"xaxis": "×"}),
        "credit shift": (
            attribution.credit_shift(comparison.model_comparison(view, "campaign"), "campaign", "linear"),
            {"xaxis": "₹"},
        ),
        "removal effects": (attribution.removal_effects(markov), {"xaxis": "%"}),
        "matrix": (influencers.performance_matrix(scored), {"xaxis": "%", "yaxis": "×"}),
        "score breakdown": (
            influencers.score_breakdown_bars(scoring.score_breakdown(best)),
            {"xaxis": "of 100"},
        ),
        "influencer weeks": (influencers.weekly_trend(weekly), {"xaxis": "Week", "yaxis": "₹"}),
        "personas": (influencers.persona_extremes(personas.rank_personas(influencer)), {"xaxis": "×"}),
        "spend by basis": (
            payouts.spend_bars(payouts.spend_by_basis_platform(view.spend, view.influencers)),
            {"yaxis": "₹", "xaxis": "Platform"},
        ),
        "biggest shifts": (budget.biggest_shifts(budget_model.recommend(view, None).table), {"xaxis": "₹"}),
    }


def test_every_chart_titles_its_value_axes_with_a_unit(demo_view):
    """Each chart's value (and date) axes carry a title naming the unit: ₹, ×, %, points or the period."""
    missing = {
        name: (axis, figure.layout[axis].title.text)
        for name, (figure, units) in _all_charts(demo_view).items()
        for axis, unit in units.items()
        if unit not in (figure.layout[axis].title.text or "")
    }
    assert missing == {}


# --- partial weeks on the Campaigns tab ---------------------------------------------------------------


def _weekly_trends(first: str, last: str) -> pd.DataFrame:
    """Two campaigns with revenue 10 and spend 1 on every day from ``first`` to ``last`` (weekly beyond 92 days)."""
    days = pd.date_range(first, last, freq="D")
    return pd.DataFrame(
        {
            "date": np.tile(days, 2),
            "campaign": ["A"] * len(days) + ["B"] * len(days),
            "revenue": [20.0] * len(days) + [10.0] * len(days),
            "orders": 1.0,
            "spend": 1.0,
        }
    )


def test_small_multiples_mark_a_partial_first_and_last_week():
    """Wed 2 Apr to Tue 15 Jul: week of 31 Mar holds 5 days, week of 14 Jul 2; both lighter and dotted."""
    figure = campaigns.trends_by_campaign(_weekly_trends("2025-04-02", "2025-07-15"))
    notes = [a.text for a in figure.layout.annotations if a.text.startswith("Lighter bar")]
    # On short lines, whole on a 390 px phone.
    assert notes == [
        "Lighter bar, dotted line: partial week<br>(week of 31 Mar: 5 of 7 days,<br>week of 14 Jul: 2 of 7 days)"
    ]
    bars = [t for t in figure.data if t.type == "bar"]
    solid = [t for t in figure.data if t.name == "Revenue"]
    dotted = [t for t in figure.data if t.name == "Revenue (partial)"]
    assert len(bars) == len(solid) == len(dotted) == 2  # one of each per campaign
    weeks = 16  # 31 Mar .. 14 Jul
    for bar, line, dots in zip(bars, solid, dotted, strict=True):
        opacity = list(bar.marker.opacity)
        assert len(opacity) == weeks and opacity[0] == opacity[-1] == overview.PARTIAL_OPACITY
        assert set(opacity[1:-1]) == {1.0}
        assert bar.hovertext[0] == "<br>partial week: 5 of 7 days"
        assert bar.hovertext[-1] == "<br>partial week: 2 of 7 days" and bar.hovertext[1] == ""
        assert "%{hovertext}" in bar.hovertemplate
        y = np.asarray(line.y, dtype=float)
        assert np.isnan(y[0]) and np.isnan(y[-1]) and not np.isnan(y[1:-1]).any()
        assert dots.line.dash == "dot" and dots.xaxis == bar.xaxis and dots.showlegend is False
        hovers = [h for h in dots.hovertemplate if h != "<extra></extra>"]
        assert len(hovers) == 2
        texts = [c for c in dots.customdata if c is not None]
        assert texts[0].endswith("partial week: 5 of 7 days") and texts[1].endswith(
            "partial week: 2 of 7 days"
        )
    # B earns 10 a day: its last (partial) week holds 2 days = ₹20, drawn from the full week before (₹70).
    b = dotted[1]
    assert [v for v in b.y if v is not None][-2:] == [70.0, 20.0]


def test_small_multiples_without_partial_weeks_have_no_note():
    """Mon 31 Mar to Sun 13 Jul: whole weeks only; no lighter bars, no dotted traces, no note, no extra height."""
    trends = _weekly_trends("2025-03-31", "2025-07-13")
    figure = campaigns.trends_by_campaign(trends)
    assert not [a for a in figure.layout.annotations if a.text.startswith("Lighter bar")]
    assert {t.name for t in figure.data} == {"Spend", "Revenue"}
    assert all(t.marker.opacity is None for t in figure.data if t.type == "bar")
    partial = campaigns.trends_by_campaign(_weekly_trends("2025-04-02", "2025-07-15"))
    # Three lines of 15 px, 4 px above the legend, the mode bar's 30 px row above: the top margin grows from
    # 80 to 40 (titles) + 24 (legend) + 4 + 45 + 30 = 143.
    assert partial.layout.height == figure.layout.height + 63
    assert (figure.layout.margin.t, partial.layout.margin.t) == (80, 143)


# --- labels kept apart -------------------------------------------------------------------------------------


def test_origin_labels_are_pushed_apart():
    """Charts whose x and y both start at the bottom-left corner push the x labels below the y axis's "₹0"."""
    trends = _weekly_trends("2025-04-02", "2025-07-15")
    compared = campaigns.compare_trends(trends, ["A", "B"])
    scatter = roi.spend_revenue_scatter(
        pd.DataFrame({"c": ["A"], "spend": [10.0], "revenue": [20.0], "roas": [2.0]}), "c"
    )
    assert compared.layout.xaxis.ticklabelstandoff == overview.ORIGIN_STANDOFF >= 10
    assert scatter.layout.xaxis.ticklabelstandoff == overview.ORIGIN_STANDOFF


def test_matrix_quadrant_names_sit_in_empty_bands():
    """The y range runs below ROAS 0 and above the highest ROAS; the names sit in those bands; ticks from 0×."""
    scored = pd.DataFrame(
        {
            "influencer_id": ["a", "b", "c", "d"],
            "name": ["A", "B", "C", "D"],
            "engagement_rate": [0.01, 0.02, 0.03, 0.04],
            "roas": [0.0, 2.0, 4.0, 10.0],
            "spend": [1.0, 2.0, 3.0, 4.0],
            "revenue": [0.0, 4.0, 12.0, 40.0],
            "score": [10.0, 20.0, 30.0, 40.0],
            "quadrant": ["Underperformers", "Converters", "Engagers", "Stars"],
        }
    )
    figure = influencers.performance_matrix(scored)
    low, high = figure.layout.yaxis.range
    band = influencers.MATRIX_BAND * 10.0
    assert low == pytest.approx(-band) and high == pytest.approx(10.0 + band)
    assert min(figure.layout.yaxis.tickvals) == 0 and figure.layout.yaxis.ticktext[0] == "0×"
    corners = {a.text: (a.y, a.yanchor) for a in figure.layout.annotations}
    assert corners["<b>Stars</b>"] == (1.0, "top") and corners["<b>Underperformers</b>"] == (0.0, "bottom")


def test_compare_chart_names_its_partial_weeks():
    """The running totals name their partial weeks in a note (dotted lines already mean spend there)."""
    compared = campaigns.compare_trends(_weekly_trends("2025-04-02", "2025-07-15"), ["A", "B"])
    assert [a.text for a in compared.layout.annotations] == [
        "Running totals grow less in a partial week<br>(week of 31 Mar: 5 of 7 days,<br>week of 14 Jul: 2 of 7 days)"
    ]
    # Above the plot at its left, below the 30 px row where the mode bar shows: 30 + 3 × 15 + 4.
    assert compared.layout.margin.t == 79 and compared.layout.annotations[0].xanchor == "left"
    whole = campaigns.compare_trends(_weekly_trends("2025-03-31", "2025-07-13"), ["A", "B"])
    assert not whole.layout.annotations
