"""Personas: category x gender x platform x tier, ratios of sums, and the three-influencer ranking rule."""

import numpy as np
import pandas as pd
import pytest

from metrics.personas import PERSONA_COLUMNS, persona_table, rank_personas
from metrics.view import View


def influencer(category, gender, platform, tier, revenue, spend, reach=1_000, engagements=50):
    return {
        "category": category,
        "gender": gender,
        "platform": platform,
        "tier": tier,
        "revenue": revenue,
        "spend": spend,
        "reach": reach,
        "engagements": engagements,
    }


@pytest.fixture
def table():
    rows = [
        # Fitness Female Instagram micro: 3 influencers, ROAS (100 + 200 + 300) / (50 + 50 + 200) = 2.
        influencer("Fitness", "Female", "Instagram", "micro", 100.0, 50.0, 1_000, 30),
        influencer("Fitness", "Female", "Instagram", "micro", 200.0, 50.0, 2_000, 50),
        influencer("Fitness", "Female", "Instagram", "micro", 300.0, 200.0, 1_000, 20),
        # Yoga Male YouTube nano: 4 influencers, ROAS 4 (one without spend still counts as a member).
        influencer("Yoga", "Male", "YouTube", "nano", 400.0, 100.0),
        influencer("Yoga", "Male", "YouTube", "nano", 0.0, 0.0),
        influencer("Yoga", "Male", "YouTube", "nano", 400.0, 100.0),
        influencer("Yoga", "Male", "YouTube", "nano", 0.0, 0.0),
        # Two small personas with a far better ROAS: listed, not ranked.
        influencer("Lifestyle", "Other", "X", "mega", 900.0, 10.0),
        influencer("Bodybuilding", "Male", "Instagram", "macro", 500.0, 10.0),
        influencer("Bodybuilding", "Male", "Instagram", "macro", 500.0, 10.0),
    ]
    frame = pd.DataFrame(rows)
    unknown = {"category": pd.NA, "gender": pd.NA, "platform": "X", "tier": pd.NA}
    frame.loc[len(frame)] = {**unknown, "revenue": 1e6, "spend": 1.0, "reach": 1, "engagements": 1}
    return frame


def test_personas_with_three_or_more_influencers_are_ranked_first_by_roas(table):
    personas = rank_personas(table)
    assert personas[["category", "influencers", "ranked"]].values.tolist() == [
        ["Yoga", 4, True],
        ["Fitness", 3, True],
        ["Bodybuilding", 2, False],
        ["Lifestyle", 1, False],
    ]
    assert personas["rank"].tolist()[:2] == [1, 2]
    assert personas["rank"].iloc[2:].isna().all()


def test_persona_kpis_are_ratios_of_sums(table):
    personas = rank_personas(table).set_index("category")
    fitness = personas.loc["Fitness"]
    assert (fitness["revenue"], fitness["spend"]) == (600.0, 300.0)
    assert fitness["roas"] == pytest.approx(2.0)  # not the mean of 2, 4 and 1.5
    assert fitness["engagement_rate"] == pytest.approx(100 / 4_000)
    assert personas.loc["Yoga", "roas"] == pytest.approx(4.0)


def test_unknown_influencers_belong_to_no_persona(table):
    personas = rank_personas(table)
    assert personas["influencers"].sum() == 10
    assert personas["revenue"].max() < 1e6


def test_a_ranked_persona_without_spend_goes_last_among_the_ranked(table):
    extra = pd.DataFrame([influencer("Parenting", "Female", "YouTube", "micro", 50.0, 0.0)] * 3)
    personas = rank_personas(pd.concat([table, extra], ignore_index=True))
    ranked = personas[personas["ranked"]]
    assert ranked["category"].tolist() == ["Yoga", "Fitness", "Parenting"]
    assert np.isnan(ranked["roas"].iloc[-1])


def test_persona_table_has_exactly_the_export_columns(make_dataset):
    dataset = make_dataset(
        influencers=[
            {"influencer_id": f"I{i}", "category": "Yoga", "follower_count": 20_000} for i in range(3)
        ],
        posts=[{"influencer_id": f"I{i}", "date": "2025-01-02", "reach": 100, "likes": 5} for i in range(3)],
        tracking=[
            {"influencer_id": "I0", "campaign": "A", "user_id": "u", "date": "2025-01-03"},
            {
                "influencer_id": "I1",
                "campaign": "A",
                "user_id": "v",
                "date": "2025-01-03",
                "orders": 1,
                "revenue": 90.0,
            },
        ],
        payouts=[{"influencer_id": f"I{i}", "basis": "post", "total_payout": 10.0} for i in range(3)],
    )
    personas = persona_table(View(dataset))
    assert list(personas.columns) == PERSONA_COLUMNS
    assert personas.iloc[0][["category", "gender", "platform", "tier", "influencers"]].tolist() == [
        "Yoga",
        "Female",
        "Instagram",
        "micro",
        3,
    ]
    assert personas.iloc[0]["roas"] == pytest.approx(90.0 / 30.0)
    assert personas.iloc[0]["engagement_rate"] == pytest.approx(15 / 300)
