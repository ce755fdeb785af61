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
  with a touch on a converting path (reported for reading the chain; credit does not use them).
- Credit, per journey. Each conversion's revenue and orders go to the distinct groups of its journey in
  proportion to their removal effects (equally when all of them are 0), and within a group equally over
  that group's touches in the journey (:func:`markov_weights`). Every conversion therefore hands out
  exactly its own value, and a group's credit is the sum over the journeys it is part of.

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

from metrics.filters import MARKOV_GROUPINGS, Filters
from metrics.journeys import SortedTouches, journey_pairs, selected_conversions, sort_touches

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
        groups that convert), but no conversion has a touch of it: its share is 0 and the others are
        normalised without it. This is the chain's view of each group's importance; credit is split per
        journey (:func:`markov_weights`), so a group's credited share of revenue generally differs from it.
        """
        effect = np.where(self.converting, self.removal_effect, 0.0)
        total = effect.sum()
        if not total > 0:
            return np.full(len(self.groups), np.nan)
        return effect / total

    def effect_by_code(self) -> np.ndarray:
        """
        Return the removal effect of every group code, indexable by code.

        Groups not on any path, and every group when no path converts (undefined effects), get 0.
        """
        effects = np.zeros(len(self.labels))
        effects[self.groups] = np.nan_to_num(self.removal_effect, nan=0.0)
        return effects


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
    Return every group's removal effect and removal-effect share under the data-driven model.

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
        ``group``, ``removal_effect``, ``share`` (removal effect / Σ removal effects of the groups on
        converting paths; not the credited share, see :func:`markov_weights`), one row per group on the
        paths, largest removal effect first (ties by group).
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
    Split each conversion over its journey's touches: groups by removal effect, touches equally.

    Within a journey, a group's part is its removal effect over the sum of the removal effects of the
    distinct groups in that journey (equal parts when that sum is 0), divided equally among that group's
    touches there. A journey's weights therefore sum to 1: each conversion hands out exactly its own
    revenue and orders, and only to groups that touched the buyer.

    Parameters
    ----------
    fit : MarkovFit
        The chain, from :func:`fit_markov` on the same tracking frame.
    pairs : DataFrame
        ``journey_pairs(tracking, lookback)`` (pairs of one conversion contiguous, in position order).

    Returns
    -------
    ndarray of float64
        One weight per pair; credited orders (revenue) are the weight times the conversion's.

    Examples
    --------
    Removal effects 0.75 (group 0) and 0.5 (group 1); a journey 0, 1, 1 gives 0.75 / 1.25 = 0.6 to the
    first touch and 0.4 / 2 = 0.2 to each of the other two:

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
    # Codes are numbered in order of first appearance, so a new maximum marks a group's first touch:
    # summing over first touches counts each distinct group of a journey once.
    seen = np.maximum.accumulate(journey_group)
    first_of_group = np.r_[True, seen[1:] > seen[:-1]] if len(seen) else np.zeros(0, dtype=bool)
    effect = fit.effect_by_code()[group]
    effect_in_journey = np.bincount(journey, weights=effect * first_of_group, minlength=n_journeys)[journey]
    groups_in_journey = np.bincount(journey, weights=first_of_group, minlength=n_journeys)[journey]
    by_effect = effect / np.where(effect_in_journey > 0, effect_in_journey, 1.0)
    group_part = np.where(effect_in_journey > 0, by_effect, 1.0 / groups_in_journey)
    return group_part / touches_of_group
