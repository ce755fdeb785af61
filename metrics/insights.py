"""Plain-language findings computed from the view's tables (docs/scoring.md, "Insights").

Each finding has a stable ``kind``, names its subject and carries the number it is about (``metric`` and
``value``), so the dashboard can show the sentence, insights.csv can hold it and a test can check the
figure. Candidates are tried in a fixed order of usefulness and the first ``MAX_INSIGHTS`` that the data
supports are returned, in that order. The campaign ``(unassigned)`` (spend of influencers without touches)
is not a campaign anyone ran, so no finding ever names it or counts it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics import formats
from metrics.incrementality import MIN_ELIGIBLE
from metrics.personas import MIN_INFLUENCERS
from metrics.spend import UNASSIGNED

MAX_INSIGHTS = 5
# The kinds in the order they are tried; ``no_data`` stands alone for an empty view.
KINDS = (
    "top_roas_campaign",
    "top_incremental_campaign",
    "scale_up_influencer",
    "review_influencer",
    "thin_data_campaigns",
    "lowest_roas_campaign",
    "lowest_incremental_campaign",
    "top_persona",
)
NO_DATA = "no_data"
# insights.csv (docs/export-contract.md).
INSIGHT_COLUMNS = ["kind", "subject", "metric", "value", "sentence"]
NO_DATA_SENTENCE = (
    "No data for these filters: no campaign, revenue or spend. Widen the dates or clear a filter."
)


@dataclass(frozen=True)
class Insight:
    """
    One finding: its kind, subject, the metric and value it is about, and the sentence shown.

    ``subject`` is a campaign name, an influencer id, a persona label, or empty for a finding about the
    whole view; ``metric`` names what ``value`` measures (a column name such as ``roas`` or
    ``incremental_revenue``, or ``campaigns`` for a count of campaigns); ``value`` is NaN and ``metric``
    empty when the finding has no single number.
    """

    kind: str
    subject: str
    metric: str
    value: float
    text: str


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


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def _with(frame: pd.DataFrame | None, *columns: str) -> pd.DataFrame:
    """Return the rows of ``frame`` where every column exists and is a finite number (empty otherwise)."""
    if frame is None or frame.empty or any(c not in frame.columns for c in columns):
        return pd.DataFrame(columns=list(frame.columns) if frame is not None else [])
    numbers = frame[list(columns)].apply(pd.to_numeric, errors="coerce").astype("float64")
    return frame[np.isfinite(numbers).all(axis=1).to_numpy()]


def _pick(frame: pd.DataFrame, column: str, *, highest: bool, key: str) -> pd.Series:
    """Return the row with the highest (or lowest) ``column``; ties go to more revenue, then the name."""
    revenue = _numbers(frame, "revenue") if "revenue" in frame else pd.Series(0.0, index=frame.index)
    order = frame.assign(
        _value=_numbers(frame, column),
        _revenue=revenue.fillna(0.0),
        _name=frame[key].astype("string"),
    ).sort_values(["_value", "_revenue", "_name"], ascending=[not highest, False, True], kind="stable")
    return order.iloc[0]


def _spread(frame: pd.DataFrame, column: str) -> float:
    """Return max - min of ``column``: with none, the lowest would be the same campaign as the highest."""
    values = _numbers(frame, column)
    return float(values.max() - values.min())


def _display_name(row: pd.Series) -> str:
    name = row.get("name")
    return str(name) if isinstance(name, str) and name.strip() else str(row["influencer_id"])


def _real_campaigns(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of campaigns someone ran: a non-empty name other than ``(unassigned)``."""
    if "campaign" not in campaigns or campaigns.empty:
        return campaigns.iloc[0:0]
    names = campaigns["campaign"].astype("string").fillna("").str.strip()
    return campaigns[((names != "") & (names != UNASSIGNED)).to_numpy()]


def _with_spend(campaigns: pd.DataFrame) -> pd.DataFrame:
    measured = _with(campaigns, "roas", "spend")
    return measured[(_numbers(measured, "spend") > 0).to_numpy()] if len(measured) else measured


def _top_roas_campaign(campaigns: pd.DataFrame) -> Insight | None:
    measured = _with_spend(campaigns)
    if measured.empty:
        return None
    row = _pick(measured, "roas", highest=True, key="campaign")
    among = f", the best of {len(measured)} campaigns with spend" if len(measured) > 1 else ""
    text = (
        f"{row['campaign']} earns the most per rupee: {formats.inr(row['revenue'])} in revenue on "
        f"{formats.inr(row['spend'])} spent, a ROAS of {formats.ratio(row['roas'])}{among}."
    )
    return Insight("top_roas_campaign", str(row["campaign"]), "roas", _number(row["roas"]), text)


def _lowest_roas_campaign(campaigns: pd.DataFrame) -> Insight | None:
    measured = _with_spend(campaigns)
    if len(measured) < 2 or _spread(measured, "roas") == 0:
        return None
    row = _pick(measured, "roas", highest=False, key="campaign")
    text = (
        f"{row['campaign']} returns the least: {formats.inr(row['revenue'])} in revenue on "
        f"{formats.inr(row['spend'])} spent, a ROAS of {formats.ratio(row['roas'])}."
    )
    return Insight("lowest_roas_campaign", str(row["campaign"]), "roas", _number(row["roas"]), text)


def _iroas_phrase(row: pd.Series) -> str:
    """Return "iROAS 2.38×, 95% interval 2.18×–2.61×" (the parts that are defined), or ""."""
    iroas = _number(row.get("iroas"))
    if np.isnan(iroas):
        return ""
    low, high = _number(row.get("iroas_low")), _number(row.get("iroas_high"))
    interval = ""
    if not (np.isnan(low) or np.isnan(high)):
        interval = f", 95% interval {formats.ratio(low)}–{formats.ratio(high)}"
    return f"iROAS {formats.ratio(iroas)}{interval}"


def _incremental_text(row: pd.Series, lead: str) -> str:
    amount = _number(row["incremental_revenue"])
    iroas = _iroas_phrase(row)
    suffix = f" ({iroas})" if iroas else ""
    if amount > 0:
        return (
            f"{row['campaign']} {lead}: {formats.inr_short(amount)} of sales that would not have happened "
            f"without its influencers{suffix}."
        )
    return (
        f"{row['campaign']} shows no extra sales: its customers bought no more than comparable customers "
        f"who saw no influencer ({formats.inr_short(amount)} incremental revenue"
        f"{'; ' + iroas if iroas else ''})."
    )


def _measured(campaigns: pd.DataFrame) -> pd.DataFrame:
    measured = _with(campaigns, "incremental_revenue")
    if "insufficient_data" in measured:
        measured = measured[~measured["insufficient_data"].fillna(True).astype(bool).to_numpy()]
    return measured


def _top_incremental_campaign(campaigns: pd.DataFrame) -> Insight | None:
    measured = _measured(campaigns)
    if measured.empty:
        return None
    row = _pick(measured, "incremental_revenue", highest=True, key="campaign")
    amount = _number(row["incremental_revenue"])
    if amount > 0:
        text = _incremental_text(row, "creates the most extra sales")
    else:
        iroas = _iroas_phrase(row)
        text = (
            f"No campaign shows extra sales beyond what customers would have bought anyway; the highest, "
            f"{row['campaign']}, has {formats.inr_short(amount)} of incremental revenue"
            f"{' (' + iroas + ')' if iroas else ''}."
        )
    return Insight("top_incremental_campaign", str(row["campaign"]), "incremental_revenue", amount, text)


def _lowest_incremental_campaign(campaigns: pd.DataFrame) -> Insight | None:
    measured = _measured(campaigns)
    if len(measured) < 2 or _spread(measured, "incremental_revenue") == 0:
        return None
    row = _pick(measured, "incremental_revenue", highest=False, key="campaign")
    amount = _number(row["incremental_revenue"])
    text = _incremental_text(row, "creates the fewest extra sales")
    return Insight("lowest_incremental_campaign", str(row["campaign"]), "incremental_revenue", amount, text)


def _scale_up_influencer(influencers: pd.DataFrame) -> Insight | None:
    if "quadrant" not in influencers:
        return None
    stars = _with(influencers[(influencers["quadrant"] == "Stars").fillna(False).to_numpy()], "score")
    if stars.empty:
        return None
    row = _pick(stars, "score", highest=True, key="influencer_id")
    text = (
        f"Scale up {_display_name(row)}: a Star with a score of {formats.number(row['score'])}/100, "
        f"ROAS {formats.ratio(row['roas'])} and an engagement rate of "
        f"{formats.percent(row['engagement_rate'])}, both at or above the median."
    )
    return Insight("scale_up_influencer", str(row["influencer_id"]), "score", _number(row["score"]), text)


def _review_influencer(influencers: pd.DataFrame) -> Insight | None:
    if "quadrant" not in influencers:
        return None
    weak = _with(
        influencers[(influencers["quadrant"] == "Underperformers").fillna(False).to_numpy()], "spend"
    )
    if weak.empty:
        return None
    weak = weak[(_numbers(weak, "spend") > 0).to_numpy()]
    if weak.empty:
        return None
    row = _pick(weak, "spend", highest=True, key="influencer_id")
    text = (
        f"Review {_display_name(row)}: {formats.inr(row['spend'])} spent for a ROAS of "
        f"{formats.ratio(row['roas'])} and an engagement rate of {formats.percent(row['engagement_rate'])}, "
        f"both below the median — the most spent on any underperformer."
    )
    return Insight("review_influencer", str(row["influencer_id"]), "spend", _number(row["spend"]), text)


def _thin_data_campaigns(campaigns: pd.DataFrame) -> Insight | None:
    if campaigns.empty:
        return None
    if "insufficient_data" in campaigns:
        thin_rows = campaigns["insufficient_data"].fillna(True).astype(bool).to_numpy()
    elif "incremental_revenue" in campaigns:
        # campaigns.csv has no flag: an insufficient estimate is written as an empty incremental revenue.
        thin_rows = _numbers(campaigns, "incremental_revenue").isna().to_numpy()
    else:
        return None
    thin = campaigns[thin_rows]
    if thin.empty:
        return None
    names = sorted(thin["campaign"].astype(str))
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    subject = "campaign has" if len(names) == 1 else "campaigns have"
    text = (
        f"{len(names)} {subject} too few exposures to measure incrementality (fewer than "
        f"{MIN_ELIGIBLE} measurable exposures): {shown}."
    )
    return Insight("thin_data_campaigns", "", "campaigns", float(len(names)), text)


def _top_persona(personas: pd.DataFrame | None) -> Insight | None:
    if personas is None or personas.empty:
        return None
    if "ranked" in personas:
        ranked = personas[personas["ranked"].fillna(False).astype(bool).to_numpy()]
    else:
        ranked = personas[(_numbers(personas, "influencers") >= MIN_INFLUENCERS).to_numpy()]
    ranked = _with(ranked, "roas")
    if ranked.empty:
        return None
    row = _pick(ranked, "roas", highest=True, key="category")
    label = f"{row['tier']} {row['gender']} {row['category']} creators on {row['platform']}"
    text = (
        f"The best-returning kind of influencer: {label} ({formats.number(row['influencers'])} of them) "
        f"return a ROAS of {formats.ratio(row['roas'])} with an engagement rate of "
        f"{formats.percent(row['engagement_rate'])}."
    )
    return Insight("top_persona", label, "roas", _number(row["roas"]), text)


def insights(
    kpis: pd.DataFrame | Mapping | None,
    campaigns: pd.DataFrame | None,
    influencers: pd.DataFrame | None,
    personas: pd.DataFrame | None = None,
) -> list[Insight]:
    """
    Return up to ``MAX_INSIGHTS`` plain-language findings about the view, most useful first.

    Parameters
    ----------
    kpis : DataFrame or mapping
        The KPI row (kpis.csv columns; only revenue and spend are read).
    campaigns : DataFrame
        The campaign table with incrementality columns (campaigns.csv: incremental_revenue, iroas,
        iroas_low, iroas_high; ``insufficient_data`` when present, else an empty incremental revenue
        marks a campaign too thin to measure).
    influencers : DataFrame
        The scored influencer table (score and quadrant from :func:`metrics.scoring.score_influencers`).
    personas : DataFrame, optional
        :func:`metrics.personas.rank_personas` output, or personas.csv rows (then a persona is ranked when
        it has at least ``MIN_INFLUENCERS`` influencers).

    Returns
    -------
    list of Insight
        In the order of ``KINDS``, the first ``MAX_INSIGHTS`` the data supports (possibly none). With
        nothing in the view (no campaign, no revenue and no spend), a single ``no_data`` insight instead.
    """
    totals = _first_row(kpis)
    nothing = (
        (campaigns is None or campaigns.empty)
        and not _number(totals.get("revenue")) > 0
        and not _number(totals.get("spend")) > 0
    )
    if nothing:
        return [Insight(NO_DATA, "", "", float("nan"), NO_DATA_SENTENCE)]
    real = _real_campaigns(campaigns if campaigns is not None else pd.DataFrame())
    influencers = influencers if influencers is not None else pd.DataFrame()
    candidates: list[Callable[[], Insight | None]] = [
        lambda: _top_roas_campaign(real),
        lambda: _top_incremental_campaign(real),
        lambda: _scale_up_influencer(influencers),
        lambda: _review_influencer(influencers),
        lambda: _thin_data_campaigns(real),
        lambda: _lowest_roas_campaign(real),
        lambda: _lowest_incremental_campaign(real),
        lambda: _top_persona(personas),
    ]
    found: list[Insight] = []
    for candidate in candidates:
        insight = candidate()
        if insight is not None:
            found.append(insight)
        if len(found) == MAX_INSIGHTS:
            break
    return found


def insight_table(found: Sequence[Insight]) -> pd.DataFrame:
    """
    Return findings as insights.csv holds them: kind, subject, metric, value, sentence, in the order given.

    Examples
    --------
    >>> table = insight_table([Insight("top_roas_campaign", "Diwali", "roas", 15.0, "Diwali earns ...")])
    >>> list(table.columns), table["subject"].tolist(), table["value"].tolist()
    (['kind', 'subject', 'metric', 'value', 'sentence'], ['Diwali'], [15.0])
    """
    return pd.DataFrame(
        {
            "kind": pd.Series([i.kind for i in found], dtype=object),
            "subject": pd.Series([i.subject for i in found], dtype=object),
            "metric": pd.Series([i.metric for i in found], dtype=object),
            "value": pd.Series([i.value for i in found], dtype="float64"),
            "sentence": pd.Series([i.text for i in found], dtype=object),
        },
        columns=INSIGHT_COLUMNS,
    )


def display_value(metric: str, value: float) -> str:
    """
    Return an insight's number as the dashboard shows it next to the sentence ("" when it has none).

    Examples
    --------
    >>> display_value("roas", 4.0632), display_value("incremental_revenue", 2430016.0)
    ('4.06×', '₹24.3L')
    >>> display_value("score", 89.39), display_value("campaigns", 2.0), display_value("", float("nan"))
    ('89/100', '2', '')
    """
    if not metric or formats.is_undefined(value):
        return ""
    if metric in ("roas", "iroas"):
        return formats.ratio(value)
    if metric in ("incremental_revenue", "spend", "revenue"):
        return formats.inr_short(value)
    if metric == "score":
        return f"{formats.number(value)}/100"
    return formats.number(value)
