"""Multi-touch attribution: journeys, model weights and credited amounts (docs/attribution.md).

A journey belongs to one conversion (an influencer touch with ``orders > 0``): the same user's influencer
touches at or before it in (date, file order) with ``0 <= conversion date - touch date <= lookback``; the
conversion itself is its last touch. Every model turns a journey into weights that sum to 1, and a touch's
credited revenue (orders) is its weight times the conversion's revenue (orders), so total credited revenue
and orders are the same under every model. The data-driven model weighs a journey's groups by their
removal effects (:func:`metrics.markov.markov_weights`), so it too keeps every conversion's own value.

Everything here works on whole arrays: touches are sorted once by (user, date, file order), each
conversion's window start is found with ``searchsorted`` inside its user's block, and the (conversion,
touch) pairs are expanded with ``repeat``/``arange`` arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.filters import HEURISTIC_MODELS, MODELS, Filters, Options

if TYPE_CHECKING:
    from metrics.markov import MarkovFit
    from metrics.view import View

CREDIT_COLUMNS = ["conversion_row", "touch_row", "weight"]
PAIR_COLUMNS = ["conversion_row", "touch_row", "position", "n", "days_before"]
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

# Position-based (U-shaped) split for journeys of three or more touches.
FIRST_SHARE, MIDDLE_SHARE, LAST_SHARE = 0.4, 0.2, 0.4


def conversion_mask(tracking: pd.DataFrame) -> pd.Series:
    """Return True for conversions: influencer touches (non-empty influencer_id) with orders > 0."""
    return tracking["influencer_id"].notna() & (tracking["orders"] > 0)


def selected_conversions(tracking: pd.DataFrame, filters: Filters) -> np.ndarray:
    """
    Return, per tracking row, whether a conversion there passes the filters that select conversions.

    Conversions are selected by their own date, product and source; the other filters act on the
    credited touches, not on the conversion.
    """
    mask = filters.date_mask(tracking["date"])
    if filters.products:
        mask &= tracking["product"].isin(filters.products)
    if filters.sources:
        mask &= tracking["source"].isin(filters.sources)
    return mask.fillna(False).to_numpy(dtype=bool)


@dataclass(frozen=True)
class SortedTouches:
    """
    Hold the influencer touches sorted by (user, date, file order), as parallel arrays.

    Attributes
    ----------
    rows : ndarray of int64
        Position of each touch in the tracking frame.
    user : ndarray of int64
        User code (rows without a user id each get a code of their own, so they never share a journey).
    day : ndarray of int64
        Touch date as whole days since the epoch.
    is_conversion : ndarray of bool
        True where the touch has orders > 0.
    key : ndarray of int64
        Sort key ``user * stride + day - first_day + lookback``; increasing along the arrays.
    lookback : int
        Lookback (days) the key leaves room for, so ``key - lookback`` never leaves the user's block.
    """

    rows: np.ndarray
    user: np.ndarray
    day: np.ndarray
    is_conversion: np.ndarray
    key: np.ndarray
    lookback: int


def sort_touches(
    tracking: pd.DataFrame, lookback: int = 0, *, user_codes: np.ndarray | None = None
) -> SortedTouches:
    """
    Sort the influencer touches of ``tracking`` by (user, date, file order).

    Rows without a date cannot be placed in time and are left out (validation drops them anyway).

    Parameters
    ----------
    tracking : DataFrame
        Validated tracking rows in file order.
    lookback : int, default 0
        Largest lookback the caller will search back with (see ``SortedTouches.key``).
    user_codes : ndarray of int, optional
        An integer code per tracking row identifying its ``user_id`` (-1 where missing), e.g. from
        ``pandas.factorize``; factorised here when omitted.
    """
    days_all = tracking["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    is_touch = tracking["influencer_id"].notna().to_numpy() & ~np.isnat(tracking["date"].to_numpy())
    rows = np.flatnonzero(is_touch)
    if user_codes is None:
        # Factorising only the touches' ids, in the column's own string storage, is the costly step here.
        user = pd.factorize(tracking["user_id"].iloc[rows])[0].astype(np.int64)
    else:
        user = np.asarray(user_codes)[rows].astype(np.int64)
    missing_user = user < 0
    if missing_user.any():
        user[missing_user] = user.max(initial=-1) + 1 + np.arange(missing_user.sum())
    day = days_all[rows]
    first_day = day.min(initial=0)
    stride = int(day.max(initial=0) - first_day) + lookback + 1
    key = user * stride + (day - first_day + lookback)
    # A stable sort keeps file order among same-day touches of one user: rows are already ascending.
    order = np.argsort(key, kind="stable")
    orders = tracking["orders"].to_numpy()[rows]
    return SortedTouches(
        rows=rows[order],
        user=user[order],
        day=day[order],
        is_conversion=orders[order] > 0,
        key=key[order],
        lookback=lookback,
    )


def journey_pairs(
    tracking: pd.DataFrame, lookback: int, *, touches: SortedTouches | None = None
) -> pd.DataFrame:
    """
    List every conversion's journey as (conversion, touch) pairs.

    Parameters
    ----------
    tracking : DataFrame
        Validated tracking rows in file order; row positions identify conversions and touches.
    lookback : int
        Days a touch may precede its conversion (inclusive): ``0 <= conversion date - touch date <=
        lookback``.
    touches : SortedTouches, optional
        The result of ``sort_touches(tracking, lookback)`` when the caller already has it.

    Returns
    -------
    DataFrame
        ``conversion_row``, ``touch_row`` (positions in ``tracking``), ``position`` (0-based, in (date,
        file order)), ``n`` (journey length) and ``days_before`` (conversion date - touch date, whole
        days), all int64. Pairs are ordered by conversion row, then position; the last pair of each
        conversion is the conversion itself.

    Examples
    --------
    >>> tracking = pd.DataFrame({
    ...     "influencer_id": ["a", "b", "b"], "user_id": ["u", "u", "u"], "orders": [0, 1, 0],
    ...     "date": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-05"])})
    >>> journey_pairs(tracking, 30)[["conversion_row", "touch_row", "position", "n", "days_before"]].values.tolist()
    [[1, 0, 0, 2, 4], [1, 1, 1, 2, 0]]
    """
    if touches is None or touches.lookback < lookback:
        touches = sort_touches(tracking, lookback)
    conversions = np.flatnonzero(touches.is_conversion)
    # Report conversions in file order whatever the user order: rows are unique, so any sort is fine.
    conversions = conversions[np.argsort(touches.rows[conversions])]
    window_start = np.searchsorted(touches.key, touches.key[conversions] - lookback, side="left")
    n = conversions - window_start + 1
    first_pair = np.cumsum(n) - n
    position = np.arange(n.sum(), dtype=np.int64) - np.repeat(first_pair, n)
    touch = np.repeat(window_start, n) + position
    conversion = np.repeat(conversions, n)
    return pd.DataFrame(
        {
            "conversion_row": touches.rows[conversion],
            "touch_row": touches.rows[touch],
            "position": position,
            "n": np.repeat(n, n).astype(np.int64),
            "days_before": touches.day[conversion] - touches.day[touch],
        }
    )


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
        # Imported here: metrics.markov builds on this module.
        from metrics.markov import fit_markov, markov_weights

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


# --- tables ----------------------------------------------------------------------------------------
#
# The tables compare several models on one view. Journeys and filters do not depend on the model, so they
# are computed once and each model only adds its weights; the filter rules are the View's (conversions by
# their date, product and source; credit kept on touches passing the campaign and influencer filters),
# and tests check every table against ``View(..., options.with_model(m)).credited``.


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
    from metrics.markov import fit_markov

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
    from metrics.markov import markov_weights

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
    from metrics.markov import GroupingRefused

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
