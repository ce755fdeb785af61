"""Influencer score (0-100) and the performance matrix (docs/scoring.md).

The score ranks the influencers worth judging (spend > 0 and posts > 0: the scored set) on five
components, each turned into its percentile rank within the set, then weighted. ROAS enters shrunk towards
the set's pooled ROAS so that an influencer with one lucky order does not top the list. The performance
matrix splits influencers at the median engagement rate and the median raw ROAS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from metrics.filters import Options
from metrics.ratios import ratio_of_sums

COMPONENTS = ("roas", "engagement_rate", "conversion_rate", "revenue", "cpe")
COMPONENT_LABELS = {
    "roas": "ROAS (shrunk to the pooled ROAS)",
    "engagement_rate": "Engagement rate",
    "conversion_rate": "Conversion rate",
    "revenue": "Revenue",
    "cpe": "Cost per engagement (lower is better)",
}
LOWER_IS_BETTER = frozenset({"cpe"})
QUADRANTS = ("Stars", "Converters", "Engagers", "Underperformers")
QUADRANT_MEANINGS = {
    "Stars": "high engagement and high ROAS",
    "Converters": "high ROAS, low engagement",
    "Engagers": "high engagement, low ROAS",
    "Underperformers": "low engagement and low ROAS",
}
# The columns influencers.csv takes from the score.
SCORE_EXPORTED = ["score", "quadrant"]
SCORE_COLUMNS = [
    "roas_shrunk",
    *(f"{component}_percentile" for component in COMPONENTS),
    *SCORE_EXPORTED,
]
BREAKDOWN_COLUMNS = ["component", "value", "percentile", "weight", "points"]


def score_weights(
    weights: Mapping[str, float] | Iterable[tuple[str, float]] | None = None,
) -> dict[str, float]:
    """
    Validate score weights and return them for every component (a component left out weighs 0).

    Parameters
    ----------
    weights : mapping or iterable of (component, weight), optional
        Defaults to ``Options().score_weights`` (ROAS 0.3, engagement rate 0.2, conversion rate 0.2,
        revenue 0.2, CPE 0.1).

    Raises
    ------
    ValueError
        For an unknown component, a negative or non-finite weight, or weights not summing to 1.

    Examples
    --------
    >>> score_weights({"roas": 0.5, "revenue": 0.5})["cpe"]
    0.0
    """
    given = dict(Options().score_weights if weights is None else weights)
    unknown = sorted(set(given) - set(COMPONENTS))
    if unknown:
        raise ValueError(
            f"unknown score component(s) {', '.join(unknown)}; choose from {', '.join(COMPONENTS)}"
        )
    values = {component: float(given.get(component, 0.0)) for component in COMPONENTS}
    if any(not np.isfinite(value) or value < 0 for value in values.values()):
        raise ValueError("score weights must be finite and not negative")
    total = sum(values.values())
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"score weights must sum to 1; these sum to {total:g}")
    return values


def _defined(values: pd.Series) -> pd.Series:
    """Return values as floats with inf treated as undefined (NaN)."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    return numbers.where(np.isfinite(numbers))


def performance_quadrant(engagement_rate: pd.Series, roas: pd.Series) -> pd.Series:
    """
    Place each influencer in the performance matrix: engagement rate vs raw ROAS.

    Each axis is split at its median over the influencers with both values defined; a value at or above
    the median is high. Influencers missing either value get no quadrant (NA).

    Examples
    --------
    >>> performance_quadrant(pd.Series([0.1, 0.1, 0.01, 0.01]), pd.Series([5.0, 1.0, 5.0, 1.0])).tolist()
    ['Stars', 'Engagers', 'Converters', 'Underperformers']
    """
    engagement, return_on_spend = _defined(engagement_rate), _defined(roas)
    both = engagement.notna() & return_on_spend.notna()
    quadrant = pd.Series(pd.NA, index=engagement.index, dtype="string")
    if not both.any():
        return quadrant
    high_engagement = engagement >= engagement[both].median()
    high_roas = return_on_spend >= return_on_spend[both].median()
    labels = np.select(
        [high_engagement & high_roas, high_roas, high_engagement],
        ["Stars", "Converters", "Engagers"],
        default="Underperformers",
    )
    return quadrant.mask(both, pd.Series(labels, index=engagement.index, dtype="string"))


def score_influencers(
    table: pd.DataFrame,
    weights: Mapping[str, float] | Iterable[tuple[str, float]] | None = None,
) -> pd.DataFrame:
    """
    Score influencers 0-100 and place them in the performance matrix.

    Parameters
    ----------
    table : DataFrame
        The influencer table (influencers.csv columns), at least posts, revenue, spend, roas,
        engagement_rate, conversion_rate and cpe.
    weights : mapping or iterable of (component, weight), optional
        Component weights summing to 1 (see :func:`score_weights`); default ``Options().score_weights``.

    Returns
    -------
    DataFrame
        ``table`` with ``SCORE_COLUMNS`` added: roas_shrunk ((revenue + k x pooled) / (spend + k), k the
        scored set's median spend, pooled its Σrevenue / Σspend), one ``<component>_percentile`` per
        component (percentile rank in the scored set, 0 for an undefined value, CPE reversed), score
        (100 x the weighted percentiles) and quadrant. Outside the scored set (spend 0 or no posts) the
        shrunk ROAS, percentiles and score are NaN.
    """
    component_weights = score_weights(weights)
    out = table.copy()
    spend = _defined(out["spend"]).fillna(0.0)
    revenue = _defined(out["revenue"]).fillna(0.0)
    scored = (spend > 0) & (_defined(out["posts"]).fillna(0) > 0)

    median_spend = spend[scored].median()
    pooled_roas = ratio_of_sums(revenue[scored].sum(), spend[scored].sum())
    out["roas_shrunk"] = ((revenue + median_spend * pooled_roas) / (spend + median_spend)).where(scored)

    values = {
        "roas": out["roas_shrunk"],
        "engagement_rate": _defined(out["engagement_rate"]),
        "conversion_rate": _defined(out["conversion_rate"]),
        "revenue": revenue,
        "cpe": _defined(out["cpe"]),
    }
    score = pd.Series(0.0, index=out.index)
    for component in COMPONENTS:
        ranks = values[component][scored].rank(
            pct=True, method="average", ascending=component not in LOWER_IS_BETTER
        )
        percentile = ranks.fillna(0.0).reindex(out.index)
        out[f"{component}_percentile"] = percentile
        score += component_weights[component] * percentile.fillna(0.0)
    out["score"] = (100.0 * score).where(scored)
    out["quadrant"] = performance_quadrant(out["engagement_rate"], out["roas"])
    return out


def score_breakdown(
    scored_row: pd.Series | Mapping,
    weights: Mapping[str, float] | Iterable[tuple[str, float]] | None = None,
) -> pd.DataFrame:
    """
    Explain one influencer's score: each component's value, percentile, weight and points.

    Parameters
    ----------
    scored_row : Series or mapping
        One row of :func:`score_influencers`' result.
    weights : optional
        The weights the score was computed with (default ``Options().score_weights``).

    Returns
    -------
    DataFrame
        ``BREAKDOWN_COLUMNS``, one row per component in ``COMPONENTS`` order; points = 100 x weight x
        percentile, so the points add up to the score (NaN throughout for an unscored influencer). The
        ROAS value is the shrunk ROAS the percentile was computed from.
    """
    component_weights = score_weights(weights)
    row = dict(scored_row)
    value_column = {component: component for component in COMPONENTS} | {"roas": "roas_shrunk"}
    frame = pd.DataFrame(
        {
            "component": list(COMPONENTS),
            "value": [row.get(value_column[c], np.nan) for c in COMPONENTS],
            "percentile": [row.get(f"{c}_percentile", np.nan) for c in COMPONENTS],
            "weight": [component_weights[c] for c in COMPONENTS],
        }
    )
    frame["value"] = _defined(frame["value"])
    frame["percentile"] = _defined(frame["percentile"])
    frame["points"] = 100.0 * frame["weight"] * frame["percentile"]
    return frame[BREAKDOWN_COLUMNS]
