"""Multi-touch attribution: each model's weights and the credit they give (docs/attribution.md).

Every model turns a journey (:mod:`metrics.journeys`) into weights that sum to 1, and a touch's credited
revenue (orders) is its weight times the conversion's revenue (orders), so total credited revenue and orders
are the same under every model. The data-driven model weighs a journey's groups by their removal effects
(:func:`metrics.markov.markov_weights`), so it too keeps every conversion's own value. Tables that compare
models on a view are in :mod:`metrics.comparison`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.filters import HEURISTIC_MODELS, MODELS, Filters, Options
from metrics.journeys import SortedTouches, journey_pairs, sort_touches
from metrics.markov import fit_markov, markov_weights

CREDIT_COLUMNS = ["conversion_row", "touch_row", "weight"]

# Position-based (U-shaped) split for journeys of three or more touches.
FIRST_SHARE, MIDDLE_SHARE, LAST_SHARE = 0.4, 0.2, 0.4


def heuristic_weights(pairs: pd.DataFrame, model: str, half_life: float = 7.0) -> np.ndarray:
    """
    Weigh the touches of each journey under a rule-based model.

    Parameters
    ----------
    pairs : DataFrame
        Output of :func:`journey_pairs` (pairs of one conversion contiguous, in position order).
    model : str
        One of ``HEURISTIC_MODELS``: last_touch, first_touch, linear, time_decay, position_based.
    half_life : float, default 7
        Half-life in days of the time-decay model: ``w ∝ 2 ** (-days_before / half_life)``.

    Returns
    -------
    ndarray of float64
        One weight per pair; the weights of one conversion sum to 1.

    Examples
    --------
    >>> pairs = pd.DataFrame({"conversion_row": [9, 9, 9], "touch_row": [1, 2, 9], "position": [0, 1, 2],
    ...                       "n": [3, 3, 3], "days_before": [14, 7, 0]})
    >>> (heuristic_weights(pairs, "time_decay", 7) * 7).round(12).tolist()
    [1.0, 2.0, 4.0]
    >>> heuristic_weights(pairs, "position_based").tolist()
    [0.4, 0.2, 0.4]
    """
    position = pairs["position"].to_numpy()
    n = pairs["n"].to_numpy()
    if model == "last_touch":
        return (position == n - 1).astype(np.float64)
    if model == "first_touch":
        return (position == 0).astype(np.float64)
    if model == "linear":
        return 1.0 / n
    if model == "time_decay":
        raw = np.exp2(-pairs["days_before"].to_numpy() / float(half_life))
        starts = np.flatnonzero(position == 0)
        # The conversion itself has days_before 0, so every journey's sum is at least 1.
        totals = np.add.reduceat(raw, starts) if len(starts) else np.empty(0)
        return raw / np.repeat(totals, n[starts])
    if model == "position_based":
        middle = np.where(n > 2, MIDDLE_SHARE / np.maximum(n - 2, 1), 0.0)
        weights = np.where(position == 0, FIRST_SHARE, np.where(position == n - 1, LAST_SHARE, middle))
        weights = np.where(n == 2, 0.5, weights)
        return np.where(n == 1, 1.0, weights)
    raise ValueError(f"unknown rule-based model {model!r}; choose one of {', '.join(HEURISTIC_MODELS)}")


def credit(
    tracking: pd.DataFrame,
    options: Options,
    filters: Filters | None = None,
    *,
    attributes: pd.DataFrame | None = None,
    pairs: pd.DataFrame | None = None,
    touches: SortedTouches | None = None,
) -> pd.DataFrame:
    """
    Split every conversion over the touches of its journey under ``options.model``.

    Parameters
    ----------
    tracking : DataFrame
        Validated tracking rows in file order (positions are the row numbers used here).
    options : Options
        Model, lookback, half-life and (data-driven model) grouping.
    filters : Filters, optional
        Only the data-driven model depends on it: its chain is estimated from the conversions selected by
        their date, product and source and from null paths dated in the date filter.
    attributes : DataFrame, optional
        Influencer attributes (``influencer_id`` and ``platform``/``category``); needed by the data-driven
        model when it groups by platform or category.
    pairs : DataFrame, optional
        ``journey_pairs(tracking, options.lookback)`` when the caller already has it (several models on
        one dataset).
    touches : SortedTouches, optional
        ``sort_touches(tracking, options.lookback)`` when the caller already has it (the data-driven
        model's null paths use it).

    Returns
    -------
    DataFrame
        One row per credited touch: ``conversion_row``, ``touch_row`` (positions in ``tracking``) and
        ``weight`` (> 0), ordered by conversion row; the weights of one conversion sum to 1, and a
        touch's credited orders (revenue) are its weight times the conversion's under every model.

    Raises
    ------
    ValueError
        For an unknown model, or a data-driven grouping that cannot be used (see
        :func:`metrics.markov.fit_markov`).
    """
    if options.model not in MODELS:
        raise ValueError(f"unknown attribution model {options.model!r}; choose one of {', '.join(MODELS)}")
    if options.model == "markov":
        if touches is None or touches.lookback < options.lookback:
            touches = sort_touches(tracking, options.lookback)
        if pairs is None:
            pairs = journey_pairs(tracking, options.lookback, touches=touches)
        filters = filters if filters is not None else Filters()
        fit = fit_markov(
            tracking, attributes, options.markov_by, options.lookback, filters, pairs=pairs, touches=touches
        )
        return credit_frame(pairs, markov_weights(fit, pairs))
    if pairs is None:
        pairs = journey_pairs(tracking, options.lookback, touches=touches)
    return credit_frame(pairs, heuristic_weights(pairs, options.model, options.half_life))


def credit_frame(pairs: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """
    Return the credit frame of ``pairs`` weighted by ``weights``, keeping touches with weight > 0.

    Parameters
    ----------
    pairs : DataFrame
        Journey pairs (:func:`journey_pairs`).
    weights : ndarray of float64
        Journey weight per pair.

    Returns
    -------
    DataFrame
        ``conversion_row``, ``touch_row``, ``weight``, in the order of ``pairs``.
    """
    credited = weights > 0
    return pd.DataFrame(
        {
            "conversion_row": pairs["conversion_row"].to_numpy()[credited],
            "touch_row": pairs["touch_row"].to_numpy()[credited],
            "weight": weights[credited],
        }
    )
