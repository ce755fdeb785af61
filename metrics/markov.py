"""Data-driven attribution: a first-order Markov chain over touch groups and its removal effects.

The model (docs/attribution.md):

- Paths. Every selected conversion's journey is a converting path (its touches, lookback applied, then
  ``conversion``). Per user, the touches after the user's last conversion, or all of them when the user
  never converted, form a null path (no lookback; only touches dated in the date filter), ending in
  ``null``.
- States. A touch's state is its group: the influencer's platform or category, the touch's campaign, or
  the influencer itself (at most ``INFLUENCER_LIMIT`` of them). Consecutive repeats within a path are
  collapsed (Instagram, Instagram, YouTube -> Instagram, YouTube).
- Chain. Transition probabilities are the path counts of ``start -> state``, ``state -> state``,
  ``state -> conversion`` and ``state -> null``, normalised per origin. The probability of reaching
  ``conversion`` from ``start`` is solved exactly on the transient block (``numpy.linalg.solve``).
- Removal effect of a group g: ``1 - P(conversion with g removed) / P(conversion)``, where removing g sends
  every transition into g to ``null``. Shares are removal effects over their sum, taken over the groups
  with a touch on a converting path (the groups a conversion can be credited to).
- Credit. Each group receives exactly ``share x`` the total revenue (orders) of the conversions the chain
  was fitted on: a conversion is first split over its journey's groups by their shares (this decides
  which touches, campaigns and dates the credit belongs to), then every group's part is rescaled to its
  exact total (:func:`markov_credit_weights`).

Assumptions, stated so that the numbers are read for what they are: the next touch depends only on the
current group (first order: no memory of earlier touches, of time gaps or of how many times a group was
seen, since repeats are collapsed); the transition probabilities are the same for every user and over the
whole period (stationarity); a user whose path reaches a removed group is lost (no substitution by another
group); and the paths are the observed tracking rows only (exposures without a click or a coded order are
invisible).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.attribution import SortedTouches, journey_pairs, selected_conversions, sort_touches
from metrics.filters import MARKOV_GROUPINGS, Filters

INFLUENCER_LIMIT = 500
UNKNOWN_GROUP = "(unknown)"
MARKOV_RESULT_COLUMNS = ["group", "removal_effect", "share"]


class GroupingRefused(ValueError):
    """Raise when the data-driven model cannot use the requested grouping (too many states)."""


@dataclass(frozen=True)
class MarkovFit:
    """
    Hold a fitted chain.

    Attributes
    ----------
    by : str
        The grouping (platform, campaign, category or influencer).
    labels : ndarray of str
        Group label of every group code (codes index this array).
    row_group : ndarray of int64
        Group code of every tracking row; -1 for rows that are not influencer touches.
    groups : ndarray of int64
        Codes of the groups seen on the paths (the transient states), in label order.
    counts : ndarray of int64
        Path transition counts among ``groups`` followed by ``start``, ``conversion`` and ``null``
        (square, ``len(groups) + 3``).
    conversion_probability : float
        P(conversion) from ``start``; 0 when no path converts.
    removal_effect : ndarray of float64
        Removal effect of each of ``groups`` (NaN when no path converts).
    converting : ndarray of bool
        Whether each of ``groups`` has a touch on a converting path, i.e. can be credited with a conversion.
    """

    by: str
    labels: np.ndarray
    row_group: np.ndarray
    groups: np.ndarray
    counts: np.ndarray
    conversion_probability: float
    removal_effect: np.ndarray
    converting: np.ndarray

    @property
    def share(self) -> np.ndarray:
        """
        Return each group's removal effect over the sum of removal effects of the creditable groups.

        A group seen only on null paths may still have a positive removal effect (it leads users to
        groups that convert), but no conversion has a touch of it to carry credit: its share is 0 and the
        others are normalised without it, so shares sum to 1 and no credit is lost.
        """
        effect = np.where(self.converting, self.removal_effect, 0.0)
        total = effect.sum()
        if not total > 0:
            return np.full(len(self.groups), np.nan)
        return effect / total

    def share_by_code(self) -> np.ndarray:
        """Return the share of every group code (0 for groups not on any path), indexable by code."""
        shares = np.zeros(len(self.labels))
        shares[self.groups] = np.nan_to_num(self.share, nan=0.0)
        return shares


def _day_mask(day: np.ndarray, filters: Filters) -> np.ndarray:
    """Return True for whole-day numbers inside the (inclusive, possibly open) date filter."""
    mask = np.ones(len(day), dtype=bool)
    if filters.start is not None:
        mask &= day >= np.datetime64(filters.start, "D").astype(np.int64)
    if filters.end is not None:
        mask &= day <= np.datetime64(filters.end, "D").astype(np.int64)
    return mask


def touch_groups(
    tracking: pd.DataFrame, attributes: pd.DataFrame | None, by: str
) -> tuple[np.ndarray, np.ndarray]:
    """
    Give every influencer touch its group under ``by``.

    Parameters
    ----------
    tracking : DataFrame
        Validated tracking rows.
    attributes : DataFrame or None
        ``influencer_id`` with ``platform`` and ``category``; required when ``by`` is one of them.
        Influencers missing from it, or with an empty value, fall in the group ``"(unknown)"``.
    by : str
        One of ``MARKOV_GROUPINGS``.

    Returns
    -------
    row_group : ndarray of int64
        Group code per tracking row, -1 for rows without an influencer.
    labels : ndarray of object
        Label of each code, sorted.
    """
    if by not in MARKOV_GROUPINGS:
        raise ValueError(f"unknown Markov grouping {by!r}; choose one of {', '.join(MARKOV_GROUPINGS)}")
    touch_rows = np.flatnonzero(tracking["influencer_id"].notna().to_numpy())
    if by == "campaign":
        campaigns = tracking["campaign"].iloc[touch_rows].astype("string")
        codes, labels = pd.factorize(campaigns.fillna(UNKNOWN_GROUP), sort=True)
    else:
        influencer_codes, influencer_ids = pd.factorize(tracking["influencer_id"].iloc[touch_rows])
        if by == "influencer":
            id_labels = pd.Series(influencer_ids, dtype=object)
        else:
            if attributes is None or by not in attributes.columns:
                raise ValueError(f"the Markov model grouped by {by} needs the influencers' {by}")
            lookup = attributes.drop_duplicates("influencer_id").set_index("influencer_id")[by]
            mapped = pd.Series(influencer_ids, dtype=object).map(lookup)
            id_labels = mapped.astype(object).where(
                mapped.notna() & (mapped.astype(str) != ""), UNKNOWN_GROUP
            )
        label_codes, labels = pd.factorize(id_labels, sort=True)
        codes = label_codes[influencer_codes]
    row_group = np.full(len(tracking), -1, dtype=np.int64)
    row_group[touch_rows] = codes
    return row_group, np.asarray(labels, dtype=object)


def transition_counts(path: np.ndarray, state: np.ndarray, n_states: int, end: int) -> np.ndarray:
    """
    Count the transitions of paths given as consecutive (path id, state) rows.

    Consecutive repeats of a state within a path are collapsed first. Codes ``n_states``,
    ``n_states + 1`` and ``n_states + 2`` are start, conversion and null; every path starts at start and
    ends in ``end``.

    Returns
    -------
    ndarray of int64, shape (n_states + 3, n_states + 3)
        ``counts[i, j]`` = number of i -> j steps.

    Examples
    --------
    >>> transition_counts(np.array([7, 7, 7]), np.array([0, 0, 1]), 2, 3)[[2, 0, 1]].tolist()
    [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, 0]]
    """
    size = n_states + 3
    start = n_states
    if len(path) == 0:
        return np.zeros((size, size), dtype=np.int64)
    new_path = np.r_[True, path[1:] != path[:-1]]
    keep = new_path | np.r_[True, state[1:] != state[:-1]]
    state, new_path = state[keep], new_path[keep]
    previous = np.where(new_path, start, np.r_[start, state[:-1]])
    last = np.r_[new_path[1:], True]
    steps = np.concatenate([previous * size + state, state[last] * size + end])
    return np.bincount(steps, minlength=size * size).reshape(size, size)


def absorption(counts: np.ndarray) -> tuple[float, np.ndarray]:
    """
    Solve the absorbing chain of ``counts`` and give each transient state's removal effect.

    Parameters
    ----------
    counts : ndarray, shape (k + 3, k + 3)
        Transition counts as built by :func:`transition_counts`; every transient state has at least one
        outgoing step.

    Returns
    -------
    conversion_probability : float
        P(reach conversion | start).
    removal_effect : ndarray of float64, shape (k,)
        ``1 - P(conversion without g) / P(conversion)`` for each transient g; NaN when P(conversion) = 0.

    Notes
    -----
    With ``N = (I - Q)^-1`` (expected visits), ``x = N r`` (P(conversion) from each state) and ``u = s N``
    (expected visits from start), the probability of ever reaching g from start is ``u_g / N_gg``. A path
    that reaches g converts from there with probability ``x_g``, so removing g (its traffic goes to null)
    takes away exactly ``u_g x_g / N_gg``: one solve gives every removal effect, with no chain rebuilt per
    group.
    """
    k = counts.shape[0] - 3
    start, conversion = k, k + 1
    outgoing = counts[:k].sum(axis=1).astype(np.float64)
    transient = counts[:k, :k] / outgoing[:, None]
    to_conversion = counts[:k, conversion] / outgoing
    paths = counts[start].sum()
    if k == 0 or paths == 0:
        return 0.0, np.zeros(k)
    entry = counts[start, :k] / paths
    visits = np.linalg.solve(np.eye(k) - transient, np.eye(k))
    converts_from = visits @ to_conversion
    expected_visits = entry @ visits
    probability = float(entry @ converts_from)
    if probability <= 0:
        return 0.0, np.full(k, np.nan)
    lost = expected_visits / np.diag(visits) * converts_from
    return probability, lost / probability


def fit_markov(
    tracking: pd.DataFrame,
    attributes: pd.DataFrame | None,
    by: str,
    lookback: int,
    filters: Filters | None = None,
    *,
    pairs: pd.DataFrame | None = None,
    touches: SortedTouches | None = None,
) -> MarkovFit:
    """
    Build the paths, estimate the chain and compute every group's removal effect.

    Parameters
    ----------
    tracking : DataFrame
        Validated tracking rows in file order.
    attributes : DataFrame or None
        Influencer attributes (``influencer_id``, ``platform``, ``category``), see :func:`touch_groups`.
    by : str
        Grouping: platform, campaign, category or influencer.
    lookback : int
        Journey lookback in days (converting paths only).
    filters : Filters, optional
        Conversions are selected by their date, product and source; null paths keep touches dated in the
        date filter. Other filters do not change the chain.
    pairs, touches : optional
        ``journey_pairs(tracking, lookback)`` and ``sort_touches(tracking, lookback)`` when already built.

    Raises
    ------
    GroupingRefused
        When grouping by influencer and more than ``INFLUENCER_LIMIT`` influencers are on the paths.
    ValueError
        When grouping by platform or category without ``attributes``.
    """
    filters = filters or Filters()
    if touches is None or touches.lookback < lookback:
        touches = sort_touches(tracking, lookback)
    if pairs is None:
        pairs = journey_pairs(tracking, lookback, touches=touches)
    row_group, labels = touch_groups(tracking, attributes, by)
    n_labels = len(labels)

    conversion_rows = pairs["conversion_row"].to_numpy()
    chosen = selected_conversions(tracking, filters)[conversion_rows]
    converting = transition_counts(
        conversion_rows[chosen], row_group[pairs["touch_row"].to_numpy()[chosen]], n_labels, n_labels + 1
    )

    n_touches = len(touches.rows)
    in_null_path = np.zeros(n_touches, dtype=bool)
    if n_touches:
        block_start = np.flatnonzero(np.r_[True, touches.user[1:] != touches.user[:-1]])
        conversion_index = np.where(touches.is_conversion, np.arange(n_touches), -1)
        last_conversion = np.maximum.reduceat(conversion_index, block_start)
        block_length = np.diff(np.r_[block_start, n_touches])
        in_null_path = np.arange(n_touches) > np.repeat(last_conversion, block_length)
        in_null_path &= _day_mask(touches.day, filters)
    null = transition_counts(
        touches.user[in_null_path], row_group[touches.rows[in_null_path]], n_labels, n_labels + 2
    )

    counts = converting + null
    on_paths = np.flatnonzero(counts[:n_labels].sum(axis=1) > 0)
    # Every state of a path has one step out of it, so a group on a converting path has such a step.
    on_converting_paths = converting[on_paths].sum(axis=1) > 0
    if by == "influencer" and len(on_paths) > INFLUENCER_LIMIT:
        raise GroupingRefused(
            f"the Markov model by influencer allows at most {INFLUENCER_LIMIT} influencers and these data "
            f"have {len(on_paths)} on their paths; group by platform, category or campaign instead"
        )
    keep = np.r_[on_paths, n_labels, n_labels + 1, n_labels + 2]
    counts = counts[np.ix_(keep, keep)]
    probability, removal_effect = absorption(counts)
    return MarkovFit(
        by=by,
        labels=labels,
        row_group=row_group,
        groups=on_paths,
        counts=counts,
        conversion_probability=probability,
        removal_effect=removal_effect,
        converting=on_converting_paths,
    )


def markov_attribution(
    tracking: pd.DataFrame,
    influencers_attrs: pd.DataFrame | None,
    by: str,
    lookback: int,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """
    Return every group's removal effect and credit share under the data-driven model.

    Parameters
    ----------
    tracking : DataFrame
        Validated tracking rows in file order.
    influencers_attrs : DataFrame or None
        Influencer attributes (``influencer_id``, ``platform``, ``category``).
    by : str
        Grouping: platform, campaign, category or influencer.
    lookback : int
        Journey lookback in days.
    filters : Filters, optional
        See :func:`fit_markov`.

    Returns
    -------
    DataFrame
        ``group``, ``removal_effect``, ``share`` (removal effect / Σ removal effects), one row per group
        on the paths, largest removal effect first (ties by group).
    """
    fit = fit_markov(tracking, influencers_attrs, by, lookback, filters)
    result = pd.DataFrame(
        {
            "group": pd.array(fit.labels[fit.groups], dtype="string"),
            "removal_effect": fit.removal_effect,
            "share": fit.share,
        }
    )
    return result.sort_values(["removal_effect", "group"], ascending=[False, True], ignore_index=True)


def markov_weights(fit: MarkovFit, pairs: pd.DataFrame) -> np.ndarray:
    """
    Spread each conversion over its journey's touches in proportion to their groups' shares.

    Within a journey, a group's part is its share over the sum of the shares of the groups in that
    journey, divided equally among that group's touches there. A journey's weights therefore sum to 1 and
    a conversion is credited only to groups that touched the buyer. A journey whose groups all have share
    0 (possible only for conversions left out of the estimation, e.g. outside the date filter) is split
    equally over its groups.

    Parameters
    ----------
    fit : MarkovFit
        The chain, from :func:`fit_markov` on the same tracking frame.
    pairs : DataFrame
        ``journey_pairs(tracking, lookback)`` (pairs of one conversion contiguous, in position order).

    Returns
    -------
    ndarray of float64
        One weight per pair.

    Examples
    --------
    Shares 0.6 (group 0) and 0.4 (group 1); a journey 0, 1, 1 gives 0.6 to the first touch and 0.2 to
    each of the other two:

    >>> fit = MarkovFit("platform", np.array(["A", "B"], dtype=object), np.array([0, 1, 1]),
    ...                 np.array([0, 1]), np.zeros((5, 5), dtype=np.int64), 0.5, np.array([0.75, 0.5]),
    ...                 np.array([True, True]))
    >>> pairs = pd.DataFrame({"touch_row": [0, 1, 2], "position": [0, 1, 2]})
    >>> markov_weights(fit, pairs).round(12).tolist()
    [0.6, 0.2, 0.2]
    """
    n_labels = max(len(fit.labels), 1)
    group = fit.row_group[pairs["touch_row"].to_numpy()]
    journey = np.cumsum(pairs["position"].to_numpy() == 0) - 1
    n_journeys = int(journey[-1]) + 1 if len(journey) else 0
    journey_group, _ = pd.factorize(journey * n_labels + group)
    touches_of_group = np.bincount(journey_group)[journey_group]
    # Codes are numbered in order of first appearance, so a new maximum marks a group's first touch.
    seen = np.maximum.accumulate(journey_group)
    first_of_group = np.r_[True, seen[1:] > seen[:-1]] if len(seen) else np.zeros(0, dtype=bool)
    share = fit.share_by_code()[group]
    share_in_journey = np.bincount(journey, weights=share * first_of_group, minlength=n_journeys)[journey]
    groups_in_journey = np.bincount(journey, weights=first_of_group, minlength=n_journeys)[journey]
    by_share = share / np.where(share_in_journey > 0, share_in_journey, 1.0)
    group_part = np.where(share_in_journey > 0, by_share, 1.0 / groups_in_journey)
    return group_part / touches_of_group


def rescale_to_shares(
    fit: MarkovFit, touch_group: np.ndarray, weights: np.ndarray, amount: np.ndarray, fitted: np.ndarray
) -> np.ndarray:
    """
    Rescale journey weights so that every group's credited amount is exactly its share of the total.

    Over the ``fitted`` pairs, group g's credited amount ``Σ weight x amount`` is multiplied by
    ``f_g = share_g x total / credited_g``, where total is the credited amount of all groups (the
    fitted conversions' total, since each journey's weights sum to 1). Pairs outside ``fitted`` keep their
    weights. A group whose fitted conversions carry no amount (e.g. all with revenue 0) cannot receive
    any: the shares are then normalised over the groups that can.

    Parameters
    ----------
    fit : MarkovFit
        The chain whose shares are the target.
    touch_group : ndarray of int64
        Group code of each pair's touch (``fit.row_group[pairs["touch_row"]]``).
    weights : ndarray of float64
        Journey weights per pair (:func:`markov_weights`).
    amount : ndarray of float64
        The conversion's orders or revenue, per pair.
    fitted : ndarray of bool
        Per pair, whether its conversion is one the chain was fitted on.

    Returns
    -------
    ndarray of float64
        Weight per pair to multiply the conversion's amount by.

    Examples
    --------
    Shares 0.6 (A) and 0.4 (B). One journey A, B worth 100 (split 60 / 40) and one journey A alone worth
    100: A holds 160 of 200 before rescaling and 0.6 x 200 = 120 after it, B 40 before and 80 after.

    >>> fit = MarkovFit("platform", np.array(["A", "B"], dtype=object), np.array([0, 1, 0]),
    ...                 np.array([0, 1]), np.zeros((5, 5), dtype=np.int64), 0.5, np.array([0.75, 0.5]),
    ...                 np.array([True, True]))
    >>> w = rescale_to_shares(fit, np.array([0, 1, 0]), np.array([0.6, 0.4, 1.0]),
    ...                       np.array([100.0, 100.0, 100.0]), np.array([True, True, True]))
    >>> (w * 100).round(9).tolist()
    [45.0, 80.0, 75.0]
    """
    n_labels = len(fit.labels)
    credited = weights * amount
    held = np.bincount(touch_group[fitted], weights=credited[fitted], minlength=n_labels)
    share = fit.share_by_code() * (held > 0)
    if not share.sum() > 0:
        return weights.copy()
    target = share / share.sum() * held.sum()
    factor = np.divide(target, held, out=np.zeros(n_labels), where=held > 0)
    return np.where(fitted, weights * factor[touch_group], weights)


def markov_credit_weights(
    fit: MarkovFit, pairs: pd.DataFrame, tracking: pd.DataFrame, selected: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """
    Weigh every journey pair under the data-driven model, for orders and for revenue.

    Parameters
    ----------
    fit : MarkovFit
        The chain, from :func:`fit_markov` on ``tracking``.
    pairs : DataFrame
        ``journey_pairs(tracking, lookback)``.
    tracking : DataFrame
        Validated tracking rows (the conversions' orders and revenue).
    selected : ndarray of bool
        Per tracking row, whether a conversion there is one the chain was fitted on (selected by its
        date, product and source).

    Returns
    -------
    weight : ndarray of float64
        The journey weights of :func:`markov_weights` (each conversion's sum to 1).
    orders_weight, revenue_weight : ndarray of float64
        The weights giving each group exactly ``share x`` the fitted conversions' total orders
        (revenue), see :func:`rescale_to_shares`.
    """
    weights = markov_weights(fit, pairs)
    conversion_rows = pairs["conversion_row"].to_numpy()
    touch_group = fit.row_group[pairs["touch_row"].to_numpy()]
    fitted = selected[conversion_rows]
    orders = tracking["orders"].to_numpy(dtype=np.float64)[conversion_rows]
    revenue = tracking["revenue"].to_numpy(dtype=np.float64)[conversion_rows]
    return (
        weights,
        rescale_to_shares(fit, touch_group, weights, orders, fitted),
        rescale_to_shares(fit, touch_group, weights, revenue, fitted),
    )
