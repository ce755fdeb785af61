"""Influencer score, shrunk ROAS, performance matrix and follower tiers, on hand-made tables."""

import numpy as np
import pandas as pd
import pytest

from metrics.scoring import (
    BREAKDOWN_COLUMNS,
    performance_quadrant,
    score_breakdown,
    score_influencers,
    score_weights,
)
from metrics.tiers import follower_tier


@pytest.fixture
def table():
    # A..D are scored (spend > 0 and posts > 0); E has neither and is not.
    return pd.DataFrame(
        {
            "influencer_id": ["A", "B", "C", "D", "E"],
            "name": ["Asha", "Bela", "Chen", "Dev", "Esha"],
            "posts": [2, 1, 3, 1, 0],
            "revenue": [300.0, 100.0, 800.0, 50.0, 0.0],
            "spend": [100.0, 100.0, 200.0, 50.0, 0.0],
            "roas": [3.0, 1.0, 4.0, 1.0, np.nan],
            "engagement_rate": [0.05, 0.02, 0.08, 0.05, np.nan],
            "conversion_rate": [0.10, np.nan, 0.20, 0.05, np.nan],
            "cpe": [2.0, 5.0, np.nan, 1.0, np.nan],
        }
    )


def test_shrunk_roas_uses_the_median_spend_and_pooled_roas(table):
    scored = score_influencers(table).set_index("influencer_id")
    pooled = 1250.0 / 450.0  # Σrevenue / Σspend of A..D
    k = 100.0  # median of 100, 100, 200, 50
    assert scored.loc["A", "roas_shrunk"] == pytest.approx((300 + k * pooled) / (100 + k))
    assert scored.loc["C", "roas_shrunk"] == pytest.approx((800 + k * pooled) / (200 + k))
    assert np.isnan(scored.loc["E", "roas_shrunk"])


def test_percentiles_rank_within_the_scored_set(table):
    scored = score_influencers(table).set_index("influencer_id")
    # Shrunk ROAS order B < D < A < C.
    assert scored["roas_percentile"].loc[["B", "D", "A", "C"]].tolist() == [0.25, 0.5, 0.75, 1.0]
    # A and D tie on engagement rate 0.05: both get the average rank 2.5 of 4.
    assert scored["engagement_rate_percentile"].loc[["B", "A", "D", "C"]].tolist() == [
        0.25,
        0.625,
        0.625,
        1.0,
    ]
    # B's conversion rate is undefined: it ranks 0, the other three share 1/3, 2/3, 1.
    assert scored["conversion_rate_percentile"].loc[["B", "D", "A", "C"]].tolist() == pytest.approx(
        [0.0, 1 / 3, 2 / 3, 1.0]
    )
    # CPE is reversed: the cheapest engagement (D, 1.0) is best; C's undefined CPE ranks 0.
    assert scored["cpe_percentile"].loc[["D", "A", "B", "C"]].tolist() == pytest.approx(
        [1.0, 2 / 3, 1 / 3, 0.0]
    )
    assert scored.loc["E", ["roas_percentile", "cpe_percentile"]].isna().all()


def test_score_is_100_times_the_weighted_percentiles(table):
    scored = score_influencers(table).set_index("influencer_id")
    expected = {
        "A": 0.3 * 0.75 + 0.2 * 0.625 + 0.2 * 2 / 3 + 0.2 * 0.75 + 0.1 * 2 / 3,
        "B": 0.3 * 0.25 + 0.2 * 0.25 + 0.2 * 0.0 + 0.2 * 0.5 + 0.1 * 1 / 3,
        "C": 0.3 * 1.0 + 0.2 * 1.0 + 0.2 * 1.0 + 0.2 * 1.0 + 0.1 * 0.0,
        "D": 0.3 * 0.5 + 0.2 * 0.625 + 0.2 * 1 / 3 + 0.2 * 0.25 + 0.1 * 1.0,
    }
    for influencer, weighted in expected.items():
        assert scored.loc[influencer, "score"] == pytest.approx(100 * weighted)
    assert scored.loc["A", "score"] == pytest.approx(70.0)
    assert np.isnan(scored.loc["E", "score"])


def test_custom_weights_change_the_score_and_are_validated(table):
    by_revenue = score_influencers(table, {"revenue": 1.0}).set_index("influencer_id")
    assert by_revenue["score"].loc[["D", "B", "A", "C"]].tolist() == [25.0, 50.0, 75.0, 100.0]
    with pytest.raises(ValueError, match="sum to 1"):
        score_influencers(table, {"roas": 0.5, "revenue": 0.4})
    with pytest.raises(ValueError, match="unknown score component"):
        score_weights({"followers": 1.0})
    with pytest.raises(ValueError, match="not negative"):
        score_weights({"roas": 1.5, "revenue": -0.5})
    assert score_weights(None) == {
        "roas": 0.3,
        "engagement_rate": 0.2,
        "conversion_rate": 0.2,
        "revenue": 0.2,
        "cpe": 0.1,
    }


def test_shrinkage_pulls_a_one_order_influencer_towards_the_pooled_roas():
    table = pd.DataFrame(
        {
            "influencer_id": ["lucky", "steady", "solid"],
            "posts": [1, 10, 5],
            "revenue": [1_000.0, 20_000.0, 4_000.0],
            "spend": [10.0, 5_000.0, 1_000.0],
            "roas": [100.0, 4.0, 4.0],
            "engagement_rate": [0.05, 0.05, 0.05],
            "conversion_rate": [0.1, 0.1, 0.1],
            "cpe": [1.0, 1.0, 1.0],
        }
    )
    scored = score_influencers(table).set_index("influencer_id")
    pooled = 25_000.0 / 6_010.0
    lucky = scored.loc["lucky", "roas_shrunk"]
    assert lucky == pytest.approx((1_000 + 1_000 * pooled) / (10 + 1_000))
    assert pooled < lucky < 100.0
    assert lucky - pooled < (100.0 - pooled) / 50
    # The big spender's ROAS barely moves: its own record outweighs the prior.
    steady = scored.loc["steady", "roas_shrunk"]
    assert steady == pytest.approx((20_000 + 1_000 * pooled) / (5_000 + 1_000))
    assert abs(steady - 4.0) < 0.03


def test_quadrants_split_at_the_medians_and_the_median_itself_is_high():
    engagement = pd.Series([0.01, 0.02, 0.03, 0.04, 0.05, np.nan, 0.02])
    roas = pd.Series([5.0, 4.0, 3.0, 2.0, 1.0, 9.0, np.nan])
    # Medians over the five with both values: engagement 0.03, ROAS 3.0.
    assert performance_quadrant(engagement, roas).tolist() == [
        "Converters",
        "Converters",
        "Stars",
        "Engagers",
        "Engagers",
        pd.NA,
        pd.NA,
    ]
    low_low = performance_quadrant(pd.Series([0.01, 0.03, 0.02]), pd.Series([1.0, 3.0, 2.0]))
    assert low_low.tolist() == ["Underperformers", "Stars", "Stars"]


def test_score_influencers_adds_the_quadrant(table):
    scored = score_influencers(table).set_index("influencer_id")
    # Engagement median 0.05 (A, D high), raw ROAS median 2.0 over A..D (A, C high).
    assert scored["quadrant"].loc[["A", "B", "C", "D"]].tolist() == [
        "Stars",
        "Underperformers",
        "Stars",
        "Engagers",
    ]
    assert pd.isna(scored.loc["E", "quadrant"])


def test_breakdown_points_add_up_to_the_score(table):
    scored = score_influencers(table).set_index("influencer_id")
    breakdown = score_breakdown(scored.loc["A"])
    assert list(breakdown.columns) == BREAKDOWN_COLUMNS
    assert breakdown["component"].tolist() == ["roas", "engagement_rate", "conversion_rate", "revenue", "cpe"]
    assert breakdown["points"].sum() == pytest.approx(70.0)
    roas_row = breakdown.iloc[0]
    assert roas_row["value"] == pytest.approx(scored.loc["A", "roas_shrunk"])
    assert (roas_row["percentile"], roas_row["weight"]) == (0.75, 0.3)
    assert roas_row["points"] == pytest.approx(22.5)
    assert score_breakdown(scored.loc["E"])["points"].isna().all()


def test_an_empty_table_scores_nothing(table):
    scored = score_influencers(table.iloc[0:0])
    assert scored.empty
    assert "score" in scored.columns


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (0, "nano"),
        (9_999, "nano"),
        (10_000, "micro"),
        (99_999, "micro"),
        (100_000, "macro"),
        (999_999, "macro"),
        (1_000_000, "mega"),
    ],
)
def test_follower_tier_boundaries(followers, tier):
    assert follower_tier(pd.Series([followers])).tolist() == [tier]
