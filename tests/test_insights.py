"""Insights: plain sentences naming the right subject with the right number, in a fixed order."""

import numpy as np
import pandas as pd
import pytest

from metrics.insights import Insight, insights

KPIS = pd.DataFrame({"revenue": [1_000_000.0], "spend": [250_000.0]})


@pytest.fixture
def campaigns():
    return pd.DataFrame(
        {
            "campaign": ["Summer Shred", "Monsoon Detox", "Diwali Gifting", "Launch"],
            "revenue": [600_000.0, 100_000.0, 300_000.0, 0.0],
            "spend": [150_000.0, 80_000.0, 20_000.0, 0.0],
            "roas": [4.0, 1.25, 15.0, np.nan],
            "iroas": [1.5, -0.2, np.nan, np.nan],
            "insufficient_data": [False, False, True, True],
        }
    )


@pytest.fixture
def influencers():
    return pd.DataFrame(
        {
            "influencer_id": ["I1", "I2", "I3", "I4", "I5"],
            "name": ["Asha Rao", "Bela", "Chen", "Dev", ""],
            "revenue": [50_000.0, 80_000.0, 1_000.0, 2_000.0, 0.0],
            "spend": [10_000.0, 20_000.0, 40_000.0, 5_000.0, 0.0],
            "roas": [5.0, 4.0, 0.025, 0.4, np.nan],
            "engagement_rate": [0.06, 0.05, 0.01, 0.02, np.nan],
            "score": [88.0, 91.5, 12.0, 20.0, np.nan],
            "quadrant": ["Stars", "Stars", "Underperformers", "Underperformers", pd.NA],
        }
    )


def test_findings_come_in_a_fixed_order_and_stop_at_five(campaigns, influencers):
    found = insights(KPIS, campaigns, influencers)
    assert [i.kind for i in found] == ["best_campaign", "best_incremental", "scale_up", "review", "thin_data"]
    assert all(isinstance(i, Insight) for i in found)
    assert found == insights(KPIS, campaigns, influencers)


def test_best_campaign_by_roas_names_it_with_its_numbers(campaigns, influencers):
    best = insights(KPIS, campaigns, influencers)[0]
    assert (best.subject, best.value) == ("Diwali Gifting", 15.0)
    assert "Diwali Gifting" in best.text
    assert "15.00×" in best.text
    assert "₹3,00,000" in best.text and "₹20,000" in best.text
    assert "best of 3 campaigns" in best.text  # Launch has no spend


def test_best_campaign_by_iroas_only_among_measured_campaigns(campaigns, influencers):
    best = insights(KPIS, campaigns, influencers)[1]
    assert (best.subject, best.value) == ("Summer Shred", 1.5)
    assert "₹1.50 of sales that would not have happened otherwise" in best.text
    assert "1.50×" in best.text


def test_scale_up_the_highest_scored_star_and_review_the_costliest_underperformer(campaigns, influencers):
    found = {i.kind: i for i in insights(KPIS, campaigns, influencers)}
    assert (found["scale_up"].subject, found["scale_up"].value) == ("I2", 91.5)
    assert "Bela" in found["scale_up"].text and "92/100" in found["scale_up"].text
    assert (found["review"].subject, found["review"].value) == ("I3", 40_000.0)
    assert "Chen" in found["review"].text and "₹40,000" in found["review"].text
    assert "1.0%" in found["review"].text


def test_thin_data_counts_the_campaigns_too_small_to_measure(campaigns, influencers):
    thin = insights(KPIS, campaigns, influencers)[4]
    assert thin.value == 2.0
    assert thin.text.startswith("2 campaigns have too few exposures to measure incrementality")
    assert "Diwali Gifting, Launch" in thin.text


def test_later_findings_appear_when_earlier_ones_have_no_data(campaigns):
    no_scores = pd.DataFrame({"influencer_id": ["I1"], "spend": [10.0]})
    personas = pd.DataFrame(
        {
            "category": ["Yoga", "Fitness"],
            "gender": ["Female", "Male"],
            "platform": ["YouTube", "Instagram"],
            "tier": ["micro", "nano"],
            "influencers": [4, 2],
            "revenue": [10_000.0, 90_000.0],
            "spend": [2_000.0, 1_000.0],
            "roas": [5.0, 90.0],
            "engagement_rate": [0.031, 0.05],
            "ranked": [True, False],
        }
    )
    found = insights(KPIS, campaigns, no_scores, personas)
    assert [i.kind for i in found] == [
        "best_campaign",
        "best_incremental",
        "thin_data",
        "worst_campaign",
        "worst_incremental",
    ]
    worst = found[3]
    assert (worst.subject, worst.value) == ("Monsoon Detox", 1.25)
    assert "1.25×" in worst.text
    assert "no more than comparable untouched customers" in found[4].text

    one_campaign = campaigns.iloc[[0]].assign(insufficient_data=False)
    found = insights(KPIS, one_campaign, no_scores, personas)
    assert [i.kind for i in found] == ["best_campaign", "best_incremental", "best_persona"]
    persona = found[-1]
    assert persona.value == 5.0  # the unranked two-influencer persona is not the best one
    assert persona.subject == "micro Female Yoga creators on YouTube"
    assert "4 of them" in persona.text and "3.1%" in persona.text


def test_an_empty_view_gives_a_single_no_data_insight():
    empty = pd.DataFrame(columns=["campaign", "revenue", "spend", "roas"])
    found = insights({"revenue": 0.0, "spend": 0.0}, empty, pd.DataFrame())
    assert [i.kind for i in found] == ["no_data"]
    assert "No data for these filters" in found[0].text
