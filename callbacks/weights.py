"""Score weights as the Influencers tab edits them: whole percents per component, summing to 100.

The weights store (``ids.SCORE_WEIGHTS_STORE``, session storage) holds the weights in use as
``{component: percent}``; :func:`weighted_options` turns it into ``Options.score_weights`` (fractions), so
the weights are part of every memo key of a scored table and of the influencers.csv download.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from layouts.influencers import DEFAULT_PERCENTS
from metrics.filters import Options
from metrics.scoring import COMPONENTS

__all__ = ["DEFAULT_PERCENTS", "normalised_percents", "valid_percents", "weighted_options"]


def valid_percents(percents: Mapping[str, object] | None) -> dict[str, int] | None:
    """
    Return whole, non-negative percents of every component summing to 100, or None when they are not.

    Examples
    --------
    >>> valid_percents({"roas": 40, "engagement_rate": 20, "conversion_rate": 20, "revenue": 20, "cpe": 0})["roas"]
    40
    >>> valid_percents({"roas": 50}) is None
    True
    """
    if not isinstance(percents, Mapping):
        return None
    try:
        values = {component: float(percents[component]) for component in COMPONENTS}
    except (KeyError, TypeError, ValueError):
        return None
    # "nan" and "inf" parse as floats (the store is the browser's and can be edited): not weights.
    if any(not math.isfinite(value) or value < 0 or value != int(value) for value in values.values()):
        return None
    whole = {component: int(value) for component, value in values.items()}
    return whole if sum(whole.values()) == 100 else None


def weighted_options(options: Options, percents: Mapping[str, object] | None) -> Options:
    """
    Return ``options`` with the score weights of a weights store (unchanged when it holds no valid weights).

    Examples
    --------
    >>> weighted_options(Options(), None) == Options()
    True
    >>> dict(weighted_options(Options(), {**DEFAULT_PERCENTS, "roas": 20, "cpe": 20}).score_weights)["cpe"]
    0.2
    """
    valid = valid_percents(percents)
    if valid is None:
        return options
    return replace(options, score_weights=tuple((c, valid[c] / 100) for c in COMPONENTS))


def normalised_percents(values: Mapping[str, float | None]) -> dict[str, int] | None:
    """
    Scale weights to whole percents summing to 100 (largest remainders), or None when they are all zero.

    Examples
    --------
    >>> normalised_percents({"roas": 30, "engagement_rate": 30, "conversion_rate": 30, "revenue": 0, "cpe": 0})
    {'roas': 34, 'engagement_rate': 33, 'conversion_rate': 33, 'revenue': 0, 'cpe': 0}
    """
    raw = {component: max(float(values.get(component) or 0.0), 0.0) for component in COMPONENTS}
    total = sum(raw.values())
    if total <= 0:
        return None
    exact = {component: 100 * value / total for component, value in raw.items()}
    whole = {component: int(value) for component, value in exact.items()}
    left = 100 - sum(whole.values())
    # Hand the missing points to the largest remainders; ties go to the first component (ROAS first).
    by_remainder = sorted(COMPONENTS, key=lambda c: (-(exact[c] - whole[c]), COMPONENTS.index(c)))
    for component in by_remainder[:left]:
        whole[component] += 1
    return whole
