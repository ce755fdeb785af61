"""Plain-language findings computed from the view's tables (docs/scoring.md, "Insights").

Each finding names its subject and carries the number it is about, so the dashboard can show the text and
a test can check the figure. Candidates are tried in a fixed order of usefulness and the first
``MAX_INSIGHTS`` that the data supports are returned, in that order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics import formats
from metrics.incrementality import MIN_ELIGIBLE

MAX_INSIGHTS = 5
KINDS = (
    "best_campaign",
    "best_incremental",
    "scale_up",
    "review",
    "thin_data",
    "worst_campaign",
    "worst_incremental",
    "best_persona",
)


@dataclass(frozen=True)
class Insight:
    """
    One finding: what kind it is, the sentence shown, the number it is about and its subject.

    ``subject`` is a campaign name, an influencer id, a persona label, or empty for a finding about the
    whole view; ``value`` is NaN when the finding has no single number.
    """

    kind: str
    text: str
    value: float
    subject: str


def _first_row(kpis: pd.DataFrame | Mapping | None) -> Mapping:
    if kpis is None:
        return {}
    if isinstance(kpis, pd.DataFrame):
        return kpis.iloc[0].to_dict() if len(kpis) else {}
    return dict(kpis)


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return number if np.isfinite(number) else float("nan")


def _with(frame: pd.DataFrame | None, *columns: str) -> pd.DataFrame:
    """Return the rows of ``frame`` where every column exists and is a finite number (empty otherwise)."""
    if frame is None or frame.empty or any(c not in frame.columns for c in columns):
        return pd.DataFrame(columns=list(frame.columns) if frame is not None else [])
    numbers = frame[list(columns)].apply(pd.to_numeric, errors="coerce").astype("float64")
    return frame[np.isfinite(numbers).all(axis=1).to_numpy()]


def _pick(frame: pd.DataFrame, column: str, *, highest: bool, key: str) -> pd.Series:
    """Return the row with the highest (or lowest) ``column``; ties go to more revenue, then the name."""
    order = frame.assign(
        _value=pd.to_numeric(frame[column]).astype("float64"),
        _revenue=pd.to_numeric(frame.get("revenue", 0.0)).astype("float64"),
        _name=frame[key].astype("string"),
    ).sort_values(["_value", "_revenue", "_name"], ascending=[not highest, False, True], kind="stable")
    return order.iloc[0]


def _display_name(row: pd.Series) -> str:
    name = row.get("name")
    return str(name) if isinstance(name, str) and name.strip() else str(row["influencer_id"])


def _best_campaign(campaigns: pd.DataFrame) -> Insight | None:
    measured = _with(campaigns, "roas")
    measured = measured[pd.to_numeric(measured["spend"]) > 0] if "spend" in measured else measured
    if measured.empty:
        return None
    row = _pick(measured, "roas", highest=True, key="campaign")
    among = f", the best of {len(measured)} campaigns with spend" if len(measured) > 1 else ""
    text = (
        f"{row['campaign']} earns the most per rupee: {formats.inr(row['revenue'])} in revenue on "
        f"{formats.inr(row['spend'])} spent, a ROAS of {formats.ratio(row['roas'])}{among}."
    )
    return Insight("best_campaign", text, _number(row["roas"]), str(row["campaign"]))


def _worst_campaign(campaigns: pd.DataFrame) -> Insight | None:
    measured = _with(campaigns, "roas")
    measured = measured[pd.to_numeric(measured["spend"]) > 0] if "spend" in measured else measured
    if len(measured) < 2:
        return None
    row = _pick(measured, "roas", highest=False, key="campaign")
    text = (
        f"{row['campaign']} returns the least: {formats.inr(row['revenue'])} in revenue on "
        f"{formats.inr(row['spend'])} spent, a ROAS of {formats.ratio(row['roas'])}."
    )
    return Insight("worst_campaign", text, _number(row["roas"]), str(row["campaign"]))


def _incremental_sentence(row: pd.Series) -> str:
    iroas = _number(row["iroas"])
    if iroas > 0:
        return (
            f"every ₹1 spent brought {formats.inr(iroas, decimals=2)} of sales that would not have "
            f"happened otherwise (iROAS {formats.ratio(iroas)})"
        )
    return (
        f"its customers bought no more than comparable untouched customers did (iROAS {formats.ratio(iroas)})"
    )


def _best_incremental(campaigns: pd.DataFrame) -> Insight | None:
    measured = _with(campaigns, "iroas")
    if measured.empty:
        return None
    row = _pick(measured, "iroas", highest=True, key="campaign")
    if _number(row["iroas"]) > 0:
        text = f"{row['campaign']} creates the most extra sales: {_incremental_sentence(row)}."
    else:
        text = (
            f"No campaign shows extra sales beyond what customers would have bought anyway; the best, "
            f"{row['campaign']}, has an iROAS of {formats.ratio(row['iroas'])}."
        )
    return Insight("best_incremental", text, _number(row["iroas"]), str(row["campaign"]))


def _worst_incremental(campaigns: pd.DataFrame) -> Insight | None:
    measured = _with(campaigns, "iroas")
    if len(measured) < 2:
        return None
    row = _pick(measured, "iroas", highest=False, key="campaign")
    text = f"{row['campaign']} creates the fewest extra sales: {_incremental_sentence(row)}."
    return Insight("worst_incremental", text, _number(row["iroas"]), str(row["campaign"]))


def _scale_up(influencers: pd.DataFrame) -> Insight | None:
    if "quadrant" not in influencers:
        return None
    stars = _with(influencers[influencers["quadrant"] == "Stars"], "score")
    if stars.empty:
        return None
    row = _pick(stars, "score", highest=True, key="influencer_id")
    text = (
        f"Scale up {_display_name(row)}: a Star with a score of {formats.number(row['score'])}/100, "
        f"ROAS {formats.ratio(row['roas'])} and an engagement rate of "
        f"{formats.percent(row['engagement_rate'])}, both at or above the median."
    )
    return Insight("scale_up", text, _number(row["score"]), str(row["influencer_id"]))


def _review(influencers: pd.DataFrame) -> Insight | None:
    if "quadrant" not in influencers:
        return None
    weak = _with(influencers[influencers["quadrant"] == "Underperformers"], "spend")
    weak = weak[pd.to_numeric(weak["spend"]) > 0]
    if weak.empty:
        return None
    row = _pick(weak, "spend", highest=True, key="influencer_id")
    text = (
        f"Review {_display_name(row)}: {formats.inr(row['spend'])} spent for a ROAS of "
        f"{formats.ratio(row['roas'])} and an engagement rate of {formats.percent(row['engagement_rate'])}, "
        f"both below the median — the most spent on any underperformer."
    )
    return Insight("review", text, _number(row["spend"]), str(row["influencer_id"]))


def _thin_data(campaigns: pd.DataFrame) -> Insight | None:
    if "insufficient_data" not in campaigns or campaigns.empty:
        return None
    thin = campaigns[campaigns["insufficient_data"].fillna(False).astype(bool)]
    if thin.empty:
        return None
    names = sorted(thin["campaign"].astype(str))
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    subject = "campaign has" if len(names) == 1 else "campaigns have"
    text = (
        f"{len(names)} {subject} too few exposures to measure incrementality (fewer than "
        f"{MIN_ELIGIBLE} measurable first exposures): {shown}."
    )
    return Insight("thin_data", text, float(len(names)), "")


def _best_persona(personas: pd.DataFrame | None) -> Insight | None:
    if personas is None or personas.empty:
        return None
    ranked = personas[personas["ranked"]] if "ranked" in personas else personas[personas["influencers"] >= 3]
    ranked = _with(ranked, "roas")
    if ranked.empty:
        return None
    row = _pick(ranked, "roas", highest=True, key="category")
    label = f"{row['tier']} {row['gender']} {row['category']} creators on {row['platform']}"
    text = (
        f"The best-returning kind of influencer: {label} ({row['influencers']} of them) return a ROAS of "
        f"{formats.ratio(row['roas'])} with an engagement rate of {formats.percent(row['engagement_rate'])}."
    )
    return Insight("best_persona", text, _number(row["roas"]), label)


def insights(
    kpis: pd.DataFrame | Mapping | None,
    campaigns: pd.DataFrame,
    influencers: pd.DataFrame,
    personas: pd.DataFrame | None = None,
) -> list[Insight]:
    """
    Return up to five plain-language findings about the view, most useful first.

    Parameters
    ----------
    kpis : DataFrame or mapping
        The KPI row (kpis.csv columns).
    campaigns : DataFrame
        The campaign table, with incrementality columns (iroas, insufficient_data) when available.
    influencers : DataFrame
        The scored influencer table (score and quadrant from :func:`metrics.scoring.score_influencers`).
    personas : DataFrame, optional
        :func:`metrics.personas.rank_personas` output (or personas.csv rows).

    Returns
    -------
    list of Insight
        In the order of ``KINDS`` (best campaign, best by iROAS, who to scale up, who to review, where
        the data is too thin, weakest campaign, weakest by iROAS, best persona), the first five the data
        supports (possibly none). With nothing in the view (no campaign, no revenue and no spend), a single
        ``no_data`` insight instead.
    """
    totals = _first_row(kpis)
    nothing = (
        (campaigns is None or campaigns.empty)
        and not _number(totals.get("revenue")) > 0
        and not _number(totals.get("spend")) > 0
    )
    if nothing:
        text = "No data for these filters: no campaign, revenue or spend. Widen the dates or clear a filter."
        return [Insight("no_data", text, float("nan"), "")]
    campaigns = campaigns if campaigns is not None else pd.DataFrame()
    influencers = influencers if influencers is not None else pd.DataFrame()
    candidates: list[Callable[[], Insight | None]] = [
        lambda: _best_campaign(campaigns),
        lambda: _best_incremental(campaigns),
        lambda: _scale_up(influencers),
        lambda: _review(influencers),
        lambda: _thin_data(campaigns),
        lambda: _worst_campaign(campaigns),
        lambda: _worst_incremental(campaigns),
        lambda: _best_persona(personas),
    ]
    found: list[Insight] = []
    for candidate in candidates:
        insight = candidate()
        if insight is not None:
            found.append(insight)
        if len(found) == MAX_INSIGHTS:
            break
    return found
