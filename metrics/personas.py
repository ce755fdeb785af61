"""Personas: influencers grouped by category x gender x platform x tier, with their KPIs (docs/scoring.md).

A persona backed by fewer than ``MIN_INFLUENCERS`` influencers is listed but not ranked: one or two
accounts say more about themselves than about the kind of influencer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics import tables
from metrics.ratios import ratio_of_sums
from metrics.view import View

KEYS = ["category", "gender", "platform", "tier"]
PERSONA_COLUMNS = [*KEYS, "influencers", "revenue", "spend", "roas", "engagement_rate"]
MIN_INFLUENCERS = 3


def rank_personas(influencer_table: pd.DataFrame) -> pd.DataFrame:
    """
    Aggregate the influencer table into personas and rank those with enough influencers.

    Parameters
    ----------
    influencer_table : DataFrame
        One row per influencer with category, gender, platform, tier, revenue, spend, reach and
        engagements (or likes and comments). Influencers missing any of the four attributes (ids not in
        influencers.csv) belong to no persona.

    Returns
    -------
    DataFrame
        ``PERSONA_COLUMNS`` plus ``ranked`` (at least ``MIN_INFLUENCERS`` influencers) and ``rank``
        (1 = best ROAS; NA when not ranked). Ranked personas come first by ROAS (highest first, undefined
        last; ties by revenue, then name), then the others in alphabetical order. ROAS and engagement
        rate are ratios of sums within the persona (Σrevenue / Σspend, Σengagements / Σreach).
    """
    table = influencer_table.copy()
    if "engagements" not in table:
        table["engagements"] = table["likes"] + table["comments"]
    table = table.dropna(subset=KEYS)
    numbers = ["revenue", "spend", "reach", "engagements"]
    for column in numbers:
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64").fillna(0.0)

    personas = table.groupby(KEYS, sort=True).agg(
        influencers=("revenue", "size"),
        revenue=("revenue", "sum"),
        spend=("spend", "sum"),
        reach=("reach", "sum"),
        engagements=("engagements", "sum"),
    )
    personas = personas.reset_index()
    personas["influencers"] = personas["influencers"].astype("int64")
    personas["roas"] = ratio_of_sums(personas["revenue"], personas["spend"])
    personas["engagement_rate"] = ratio_of_sums(personas["engagements"], personas["reach"])
    personas["ranked"] = personas["influencers"] >= MIN_INFLUENCERS

    ranked = personas[personas["ranked"]].sort_values(
        ["roas", "revenue", *KEYS],
        ascending=[False, False, True, True, True, True],
        na_position="last",
        kind="stable",
    )
    listed = personas[~personas["ranked"]].sort_values(KEYS, kind="stable")
    ranked = ranked.assign(rank=np.arange(1, len(ranked) + 1))
    listed = listed.assign(rank=pd.NA)
    out = pd.concat([ranked, listed], ignore_index=True)
    out["rank"] = out["rank"].astype("Int64")
    for key in KEYS:
        out[key] = out[key].astype("string")
    return out[[*PERSONA_COLUMNS, "ranked", "rank"]]


def persona_table(view: View, influencer_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """
    Return personas.csv for a view: ``PERSONA_COLUMNS``, ranked personas first.

    Parameters
    ----------
    view : View
        The filtered view (its influencer table is computed when ``influencer_table`` is omitted).
    influencer_table : DataFrame, optional
        ``tables.influencer_table(view)``, when already computed.

    See Also
    --------
    rank_personas : the same rows with the ``ranked`` flag and ``rank``.
    """
    if influencer_table is None:
        influencer_table = tables.influencer_table(view)
    return rank_personas(influencer_table)[PERSONA_COLUMNS]
