"""Insights: plain sentences naming the right subject with the right number, in a fixed order.

Every expectation below is read off the hand-built frames and the definitions in docs/scoring.md
("Insights"), never copied from output.
"""

import math

import numpy as np
import pandas as pd
import pytest

from metrics.insights import (
    INSIGHT_COLUMNS,
    KINDS,
    MAX_INSIGHTS,
    Insight,
    display_value,
    insight_table,
    insights,
)

KPIS = pd.DataFrame({"revenue": [1_000_000.0], "spend": [250_000.0]})


@pytest.fixture
def campaigns():
    """
    Four real campaigns and ``(unassigned)``.

    Largest incremental revenue: Summer Shred (₹3,00,000); highest iROAS: Diwali Gifting (4.5 on ₹90,000),
    so the two readings of "most extra sales" name different campaigns. ``(unassigned)`` has the largest
    ROAS and incremental revenue of all and must never be named.
    """
    return pd.DataFrame(
        {
            "campaign": ["Summer Shred", "Monsoon Detox", "Diwali Gifting", "Launch", "(unassigned)"],
            "revenue": [600_000.0, 100_000.0, 300_000.0, 0.0, 9_000_000.0],
            "spend": [150_000.0, 80_000.0, 20_000.0, 0.0, 100_000.0],
            "roas": [4.0, 1.25, 15.0, np.nan, 90.0],
            "incremental_revenue": [300_000.0, -16_000.0, 90_000.0, np.nan, 5_000_000.0],
            "iroas": [2.0, -0.2, 4.5, np.nan, 50.0],
            "iroas_low": [1.5, -0.6, 3.0, np.nan, 40.0],
            "iroas_high": [2.5, 0.1, 6.0, np.nan, 60.0],
            "insufficient_data": [False, False, False, True, False],
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


@pytest.fixture
def personas():
    return pd.DataFrame(
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


NO_SCORES = pd.DataFrame({"influencer_id": ["I1"], "spend": [10.0]})


def by_kind(found):
    return {i.kind: i for i in found}


def test_findings_come_in_a_fixed_order_and_stop_at_the_maximum(campaigns, influencers):
    found = insights(KPIS, campaigns, influencers)
    assert MAX_INSIGHTS == 5
    assert [i.kind for i in found] == [
        "top_roas_campaign",
        "top_incremental_campaign",
        "scale_up_influencer",
        "review_influencer",
        "thin_data_campaigns",
    ]
    assert all(isinstance(i, Insight) and i.kind in KINDS for i in found)
    assert found == insights(KPIS, campaigns, influencers)


def test_top_roas_campaign_names_it_with_its_numbers(campaigns, influencers):
    best = by_kind(insights(KPIS, campaigns, influencers))["top_roas_campaign"]
    assert (best.subject, best.metric, best.value) == ("Diwali Gifting", "roas", 15.0)
    assert best.text.startswith("Diwali Gifting earns the most per rupee")
    assert "15.00×" in best.text
    assert "₹3,00,000" in best.text and "₹20,000" in best.text
    # Summer, Monsoon, Diwali: Launch has no spend and (unassigned) is no campaign
    assert "best of 3 campaigns" in best.text


def test_most_extra_sales_is_the_largest_incremental_revenue_not_the_highest_iroas(campaigns, influencers):
    top = by_kind(insights(KPIS, campaigns, influencers))["top_incremental_campaign"]
    assert (top.subject, top.metric, top.value) == ("Summer Shred", "incremental_revenue", 300_000.0)
    assert top.text.startswith("Summer Shred creates the most extra sales: ₹3.0L of sales")
    assert "(iROAS 2.00×, 95% interval 1.50×–2.50×)" in top.text
    assert "Diwali Gifting" not in top.text  # the highest iROAS (4.5), but only ₹90,000 of extra sales


def test_unassigned_is_never_named_even_with_the_largest_values(campaigns, influencers, personas):
    everything = insights(KPIS, campaigns, NO_SCORES, personas)
    assert [i.kind for i in everything] == [
        "top_roas_campaign",
        "top_incremental_campaign",
        "thin_data_campaigns",
        "lowest_roas_campaign",
        "lowest_incremental_campaign",
    ]
    for found in (everything, insights(KPIS, campaigns, influencers)):
        assert all("(unassigned)" not in i.subject and "(unassigned)" not in i.text for i in found)


def test_unassigned_is_not_the_lowest_campaign_nor_counted_as_thin(personas):
    frame = pd.DataFrame(
        {
            "campaign": ["A", "B", "(unassigned)"],
            "revenue": [500.0, 200.0, 0.0],
            "spend": [100.0, 100.0, 1_000.0],
            "roas": [5.0, 2.0, 0.0],
            "incremental_revenue": [400.0, 100.0, np.nan],
            "iroas": [4.0, 1.0, np.nan],
            "insufficient_data": [False, False, True],
        }
    )
    found = by_kind(insights(KPIS, frame, NO_SCORES, personas))
    assert "thin_data_campaigns" not in found  # only (unassigned) is unmeasured
    assert (found["lowest_roas_campaign"].subject, found["lowest_roas_campaign"].value) == ("B", 2.0)
    assert found["lowest_incremental_campaign"].subject == "B"
    assert found["lowest_incremental_campaign"].value == 100.0
    assert "creates the fewest extra sales: ₹100 of sales" in found["lowest_incremental_campaign"].text


def test_lowest_campaigns_and_a_negative_estimate_read_as_no_extra_sales(campaigns, personas):
    found = by_kind(insights(KPIS, campaigns, NO_SCORES, personas))
    worst = found["lowest_roas_campaign"]
    assert (worst.subject, worst.metric, worst.value) == ("Monsoon Detox", "roas", 1.25)
    assert "₹1,00,000 in revenue on ₹80,000 spent, a ROAS of 1.25×" in worst.text
    least = found["lowest_incremental_campaign"]
    assert (least.subject, least.metric, least.value) == ("Monsoon Detox", "incremental_revenue", -16_000.0)
    assert least.text.startswith("Monsoon Detox shows no extra sales")
    # a negative estimate is never shown without its range
    assert "(-₹16,000 incremental revenue; iROAS -0.20×, 95% interval -0.60×–0.10×)" in least.text


def test_no_campaign_with_extra_sales_says_so():
    frame = pd.DataFrame(
        {
            "campaign": ["A", "B"],
            "revenue": [100.0, 100.0],
            "spend": [50.0, 50.0],
            "roas": [2.0, 2.0],
            "incremental_revenue": [-10.0, -30.0],
            "iroas": [-0.2, -0.6],
            "insufficient_data": [False, False],
        }
    )
    top = by_kind(insights(KPIS, frame, NO_SCORES))["top_incremental_campaign"]
    assert (top.subject, top.value) == ("A", -10.0)
    assert top.text.startswith("No campaign shows extra sales beyond what customers would have bought anyway")
    assert "(iROAS -0.20×)" in top.text  # no interval columns: none is quoted


def test_scale_up_the_highest_scored_star_and_review_the_costliest_underperformer(campaigns, influencers):
    found = by_kind(insights(KPIS, campaigns, influencers))
    scale = found["scale_up_influencer"]
    assert (scale.subject, scale.metric, scale.value) == ("I2", "score", 91.5)
    assert "Bela" in scale.text and "92/100" in scale.text
    review = found["review_influencer"]
    assert (review.subject, review.metric, review.value) == ("I3", "spend", 40_000.0)
    assert "Chen" in review.text and "₹40,000" in review.text
    assert "1.0%" in review.text


def test_an_influencer_without_a_name_is_named_by_id():
    frame = pd.DataFrame(
        {
            "influencer_id": ["I9"],
            "name": [""],
            "revenue": [10.0],
            "spend": [5.0],
            "roas": [2.0],
            "engagement_rate": [0.1],
            "score": [50.0],
            "quadrant": ["Stars"],
        }
    )
    found = by_kind(insights(KPIS, pd.DataFrame(), frame))
    assert found["scale_up_influencer"].text.startswith("Scale up I9:")


def test_thin_data_counts_the_campaigns_too_small_to_measure(campaigns, influencers):
    thin = by_kind(insights(KPIS, campaigns, influencers))["thin_data_campaigns"]
    assert (thin.subject, thin.metric, thin.value) == ("", "campaigns", 1.0)
    assert thin.text.startswith("1 campaign has too few exposures to measure incrementality")
    assert "(fewer than 30 measurable exposures)" in thin.text
    assert thin.text.endswith(": Launch.")


def test_campaigns_csv_without_the_flag_reads_an_empty_estimate_as_thin(campaigns, influencers):
    exported = campaigns.drop(columns="insufficient_data")  # campaigns.csv's columns
    assert insights(KPIS, exported, influencers) == insights(KPIS, campaigns, influencers)


def test_top_persona_only_among_ranked_personas(campaigns, personas):
    one_campaign = campaigns.iloc[[0]]
    found = insights(KPIS, one_campaign, NO_SCORES, personas)
    assert [i.kind for i in found] == ["top_roas_campaign", "top_incremental_campaign", "top_persona"]
    persona = found[-1]
    assert (persona.metric, persona.value) == ("roas", 5.0)  # the unranked two-influencer one is not it
    assert persona.subject == "micro Female Yoga creators on YouTube"
    assert "4 of them" in persona.text and "3.1%" in persona.text
    # personas.csv has no "ranked" column: at least 3 influencers ranks a persona
    assert insights(KPIS, one_campaign, NO_SCORES, personas.drop(columns="ranked"))[-1] == persona


def test_zero_spend_campaigns_are_not_ranked_by_roas():
    frame = pd.DataFrame(
        {"campaign": ["A", "B"], "revenue": [100.0, 50.0], "spend": [0.0, 0.0], "roas": [np.nan, np.nan]}
    )
    assert insights(KPIS, frame, NO_SCORES) == []


def test_an_empty_view_gives_a_single_no_data_insight():
    empty = pd.DataFrame(columns=["campaign", "revenue", "spend", "roas"])
    found = insights({"revenue": 0.0, "spend": 0.0}, empty, pd.DataFrame())
    assert [(i.kind, i.subject, i.metric) for i in found] == [("no_data", "", "")]
    assert math.isnan(found[0].value)
    assert "No data for these filters" in found[0].text


def test_the_table_holds_the_findings_in_order_at_full_precision(campaigns, influencers):
    found = insights(KPIS, campaigns.assign(roas=campaigns["roas"] + 1 / 3), influencers)
    table = insight_table(found)
    assert list(table.columns) == INSIGHT_COLUMNS == ["kind", "subject", "metric", "value", "sentence"]
    assert table["kind"].tolist() == [i.kind for i in found]
    assert table["sentence"].tolist() == [i.text for i in found]
    assert table["value"].iloc[0] == 15.0 + 1 / 3
    assert list(insight_table([]).columns) == INSIGHT_COLUMNS


def test_display_values_follow_the_app_formats():
    assert display_value("roas", 4.0632) == "4.06×"
    assert display_value("incremental_revenue", 2_430_016.0) == "₹24.3L"
    assert display_value("spend", 12_000_000.0) == "₹1.2Cr"
    assert display_value("spend", 40_000.0) == "₹40,000"
    assert display_value("score", 91.5) == "92/100"
    assert display_value("campaigns", 2.0) == "2"
    assert display_value("", float("nan")) == ""


def test_no_lowest_campaign_when_every_campaign_has_the_same_value():
    frame = pd.DataFrame(
        {
            "campaign": ["A", "B"],
            "revenue": [100.0, 300.0],
            "spend": [50.0, 150.0],
            "roas": [2.0, 2.0],
            "incremental_revenue": [40.0, 40.0],
            "iroas": [0.8, 0.8 / 3],
            "insufficient_data": [False, False],
        }
    )
    found = insights(KPIS, frame, NO_SCORES)
    # B wins both ties on revenue; naming it as the lowest too would contradict the first two findings
    assert [(i.kind, i.subject) for i in found] == [
        ("top_roas_campaign", "B"),
        ("top_incremental_campaign", "B"),
    ]
