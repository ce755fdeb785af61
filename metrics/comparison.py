"""Tables that compare attribution models on one view (docs/attribution.md).

Journeys and filters do not depend on the model, so they are computed once per view and each model only adds
its weights; the filter rules are the View's (conversions by their date, product and source; credit kept on
touches passing the campaign and influencer filters), and tests check every table against
``View(..., options.with_model(m)).credited``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.attribution import heuristic_weights
from metrics.filters import HEURISTIC_MODELS
from metrics.markov import GroupingRefused, MarkovFit, fit_markov, markov_weights
from metrics.view import View

ATTRIBUTION_COLUMNS = ["model", "influencer_id", "attributed_orders", "attributed_revenue"]
MARKOV_COLUMNS = ["grouping", "group", "removal_effect", "attributed_orders", "attributed_revenue"]
# Comparison grouping -> the Markov grouping that matches it.
COMPARISON_GROUPS = {
    "influencer_id": "influencer",
    "campaign": "campaign",
    "platform": "platform",
    "category": "category",
}
SHIFT_SUFFIX = "_shift_vs_last_touch"


def kept_pairs(view: View, pairs: pd.DataFrame) -> np.ndarray:
    """
    Return, per journey pair, whether its credit shows in the view.

    A pair counts when its conversion is selected by date, product and source and its touch passes the
    campaign and influencer (platform, category, gender, tier) filters.
    """
    return (
        view.conversion_selected[pairs["conversion_row"].to_numpy()]
        & view.touch_passes[pairs["touch_row"].to_numpy()]
    )


def markov_fit(view: View, by: str) -> MarkovFit:
    """
    Fit the data-driven model at grouping ``by`` on the view's dataset and filters.

    Raises
    ------
    metrics.markov.GroupingRefused
        When grouping by influencer with more than 500 influencers on the paths.
    """
    return fit_markov(
        view.dataset.tracking,
        view.influencers,
        by,
        view.options.lookback,
        view.filters,
        pairs=view.journeys,
        touches=view.sorted_touches,
    )


def markov_pair_weights(view: View, fit: MarkovFit) -> np.ndarray:
    """Return the data-driven model's weight per journey pair of the view."""
    return markov_weights(fit, view.journeys)


def credited_by_group(
    view: View,
    pairs: pd.DataFrame,
    weights: dict[str, np.ndarray],
    groups: tuple[np.ndarray, pd.Index | np.ndarray],
) -> dict[str, pd.DataFrame]:
    """
    Sum each model's credited orders and revenue per group over the pairs kept by the view's filters.

    Parameters
    ----------
    view : View
        Dataset and filters.
    pairs : DataFrame
        The view's journey pairs.
    weights : dict of str to ndarray
        Model -> one weight per pair (crediting orders and revenue alike).
    groups : (ndarray, Index)
        Group code of every tracking row (-1 for a missing value) and the label of each code, e.g.
        ``view.prepared.group_codes("campaign")`` or a Markov fit's ``(row_group, labels)``.

    Returns
    -------
    dict of str to DataFrame
        Model -> ``orders`` and ``revenue`` indexed by group (sorted, a missing group value last), groups
        with no credit under that model left out.
    """
    kept = kept_pairs(view, pairs)
    tracking = view.dataset.tracking
    conversion_rows = pairs["conversion_row"].to_numpy()[kept]
    row_codes, labels = groups
    size = len(labels) + 1
    codes = row_codes[pairs["touch_row"].to_numpy()[kept]]
    codes = np.where(codes < 0, size - 1, codes)
    index = pd.Index(pd.array([*np.asarray(labels, dtype=object), pd.NA], dtype="string"))
    orders = tracking["orders"].to_numpy(dtype=np.float64)[conversion_rows]
    revenue = tracking["revenue"].to_numpy(dtype=np.float64)[conversion_rows]
    sums = {}
    for model, weight in weights.items():
        credited_orders = np.bincount(codes, weights=weight[kept] * orders, minlength=size)
        frame = pd.DataFrame(
            {
                "orders": credited_orders,
                "revenue": np.bincount(codes, weights=weight[kept] * revenue, minlength=size),
            },
            index=index,
        )
        # Every conversion has orders > 0, so a group holds credit exactly when it holds orders.
        sums[model] = frame[credited_orders > 0].sort_index(na_position="last")
    return sums


def attribution_table(view: View) -> pd.DataFrame:
    """
    Build attribution.csv: each rule-based model's credit per influencer for the view's filters.

    Parameters
    ----------
    view : View
        Dataset, filters and options (lookback, half-life); the view's own model does not matter.

    Returns
    -------
    DataFrame
        ``model``, ``influencer_id``, ``attributed_orders``, ``attributed_revenue``: one block per model in
        the order last_touch, first_touch, linear, time_decay, position_based; within a block, influencers
        by id; only influencers with non-zero credit. Orders are fractional under multi-touch models.
    """
    pairs = view.journeys
    weights = {model: heuristic_weights(pairs, model, view.options.half_life) for model in HEURISTIC_MODELS}
    sums = credited_by_group(view, pairs, weights, view.prepared.group_codes("influencer_id"))
    blocks = []
    for model, frame in sums.items():
        frame = frame[(frame["orders"] != 0) | (frame["revenue"] != 0)]
        blocks.append(
            pd.DataFrame(
                {
                    "model": pd.array([model] * len(frame), dtype="string"),
                    "influencer_id": pd.array(frame.index, dtype="string"),
                    "attributed_orders": frame["orders"].to_numpy(dtype=np.float64),
                    "attributed_revenue": frame["revenue"].to_numpy(dtype=np.float64),
                }
            )
        )
    return pd.concat(blocks, ignore_index=True)[ATTRIBUTION_COLUMNS]


def markov_table(view: View) -> pd.DataFrame:
    """
    Build attribution_markov.csv: the data-driven model at ``view.options.markov_by``.

    Parameters
    ----------
    view : View
        Dataset, filters and options (lookback, Markov grouping).

    Returns
    -------
    DataFrame
        ``grouping``, ``group``, ``removal_effect``, ``attributed_orders``, ``attributed_revenue``: one row
        per group with non-zero credit in the view, largest removal effect first (ties by group). A
        group's attributed orders (revenue) are the sums of its per-journey credit over the conversions
        selected by date, product and source (each conversion split over its journey's groups by their
        removal effects, :func:`metrics.markov.markov_weights`); with a campaign or influencer filter,
        the part of it that lands on touches passing the filter. They are the Markov credit every other
        table shows under the data-driven model (docs/attribution.md, "Decisions").

    Raises
    ------
    metrics.markov.GroupingRefused
        When grouping by influencer with more than 500 influencers on the paths.
    """
    by = view.options.markov_by
    fit = markov_fit(view, by)
    # The chain's own labels, so a touch is summed under the very state it had in the chain.
    weights = {"markov": markov_pair_weights(view, fit)}
    sums = credited_by_group(view, view.journeys, weights, (fit.row_group, fit.labels))["markov"]
    sums = sums[(sums["orders"] != 0) | (sums["revenue"] != 0)]
    effects = pd.Series(fit.removal_effect, index=pd.Index(fit.labels[fit.groups], dtype="string"))
    table = pd.DataFrame(
        {
            "grouping": pd.array([by] * len(sums), dtype="string"),
            "group": pd.array(sums.index, dtype="string"),
            "removal_effect": effects.reindex(sums.index).to_numpy(dtype=np.float64),
            "attributed_orders": sums["orders"].to_numpy(dtype=np.float64),
            "attributed_revenue": sums["revenue"].to_numpy(dtype=np.float64),
        }
    )
    table = table.sort_values(["removal_effect", "group"], ascending=[False, True], ignore_index=True)
    return table[MARKOV_COLUMNS]


def model_comparison(view: View, by: str) -> pd.DataFrame:
    """
    Compare the credited revenue of every model side by side, per group.

    Parameters
    ----------
    view : View
        Dataset, filters and options (lookback, half-life).
    by : str
        ``influencer_id``, ``campaign``, ``platform`` or ``category`` (the credited touch's).

    Returns
    -------
    DataFrame
        One row per group with credit under some model (a missing group value kept as <NA>), largest
        last-touch revenue first (ties by group): ``by``, one revenue column per model (``last_touch`` ...
        ``markov``) and, for each model but last touch, ``<model>_shift_vs_last_touch`` = its revenue -
        last-touch revenue. Every model column sums to the same total. The data-driven model is fitted
        at the same grouping; its columns are left out when it refuses the grouping (by influencer with
        more than 500 influencers), with the reason in ``attrs["markov_unavailable"]``.
    """
    if by not in COMPARISON_GROUPS:
        raise ValueError(f"unknown comparison grouping {by!r}; choose one of {', '.join(COMPARISON_GROUPS)}")
    pairs = view.journeys
    weights = {model: heuristic_weights(pairs, model, view.options.half_life) for model in HEURISTIC_MODELS}
    unavailable = None
    try:
        weights["markov"] = markov_pair_weights(view, markov_fit(view, COMPARISON_GROUPS[by]))
    except GroupingRefused as refused:
        unavailable = str(refused)
    sums = credited_by_group(view, pairs, weights, view.prepared.group_codes(by))
    table = pd.DataFrame({model: frame["revenue"] for model, frame in sums.items()}).fillna(0.0)
    table = table.sort_index(na_position="last").sort_values("last_touch", ascending=False, kind="stable")
    for model in list(weights)[1:]:
        table[model + SHIFT_SUFFIX] = table[model] - table["last_touch"]
    table = table.rename_axis(by).reset_index()
    table[by] = table[by].astype("string")
    if unavailable is not None:
        table.attrs["markov_unavailable"] = unavailable
    return table
