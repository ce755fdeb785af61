"""Incremental revenue and iROAS against a control group of untouched users (docs/incrementality.md).

The unit is an exposure: a (user, influencer) pair, first exposed on day t, the user's first touch of that
influencer among the touches of group g (a campaign, an influencer, a platform, ... or all touches). The
exposure belongs to g when t lies in the date filter. Its effect is the change in the user's total
revenue (every source, every row of the tracking file) between the L days before t and the L days from t
on, minus the same change averaged over control users (users with no influencer touch anywhere). Only
exposures whose two windows lie inside the tracking data's date range are measured ("eligible"); the
group's total scales their summed effect up to all its exposures.

Everything is computed on integer codes and day numbers: a user's revenue over any day range is a
difference of two prefix sums found with one ``searchsorted``, so no step loops over users or exposures.
An exposure's effect only depends on its touch (user and day) and the window, so the effect of every touch
is computed once per window and each grouping picks its first touches' effects. The bootstrap draws one
matrix of resample counts per dataset (users x resamples) and reduces it with one product per block of a
group's users. The per-dataset arrays are kept while the tracking frame lives, so the overall, campaign
and influencer tables of one export share them.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.ratios import ratio_of_sums
from metrics.view import View

MIN_ELIGIBLE = 30
RESAMPLES = 200
SEED = 0
GROUPINGS = ("campaign", "influencer_id", "platform", "category", "gender", "tier")
RESULT_COLUMNS = [
    "exposures",
    "eligible_exposures",
    "incremental_revenue",
    "spend",
    "iroas",
    "iroas_low",
    "iroas_high",
    "insufficient_data",
]
# Resamples drawn per step, and resamples whose counts are transposed into users' rows together.
_RESAMPLES_PER_DRAW = 20
_RESAMPLES_PER_COPY = 100
# Units per product of the bootstrap: 4k rows of 200 one-byte counts stay in the core's cache.
_BLOCK_ROWS = 4_096
# Bootstrap units below which a second thread costs more than it saves.
_PARALLEL_SIZE = 20_000


def _sort_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """
    Return the stable sorting order of non-negative int64 ``keys`` and the sorted keys.

    The position is packed into the low bits of each key and the packed values are sorted: numpy sorts
    plain integers several times faster than it argsorts them, and distinct values make any sort stable.
    """
    shift = max(len(keys) - 1, 1).bit_length()
    if len(keys) and int(keys.max()) >= 1 << (62 - shift):
        order = np.argsort(keys, kind="stable")
        return order, keys[order]
    packed = np.sort((keys << shift) | np.arange(len(keys)))
    return packed & ((1 << shift) - 1), packed >> shift


def _first_of_codes(codes: np.ndarray) -> np.ndarray:
    """Return where each code first occurs, in code order, for codes numbered by first appearance."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    seen_before = np.maximum.accumulate(np.r_[-1, codes[:-1]])
    return np.flatnonzero(codes > seen_before)


def _split_work(task: Callable[[range], None], count: int, split: int, size: int) -> None:
    """
    Run ``task`` over items ``0 .. count-1``: those from ``split`` on in a second thread when ``size``
    (the work the items stand for) is worth it.

    numpy's heavy loops release the GIL, so the two halves run on two cores; each item writes its own
    output, so the result does not depend on the split.
    """
    if size < _PARALLEL_SIZE or not 0 < split < count:
        task(range(count))
        return
    with ThreadPoolExecutor(max_workers=1) as helper:
        second = helper.submit(task, range(split, count))
        task(range(split))
        second.result()


@dataclass(frozen=True)
class _RevenuePanel:
    """Per-user revenue prefix sums and the influencer touches of one tracking frame, by day number."""

    first_day: pd.Timestamp
    n_days: int
    day_keys: np.ndarray  # user code * n_days + day, sorted
    revenue_before_key: np.ndarray  # revenue of rows with a smaller key (length len(day_keys) + 1)
    control_before_day: np.ndarray  # control users' revenue on days before d (length n_days + 1)
    n_control: int
    exposed_row: np.ndarray  # per user code: its row among the exposed (touched) users, -1 for control
    touch_rows: np.ndarray  # positions of influencer touches in the frame, by day (stable)
    touch_days: np.ndarray
    touch_users: np.ndarray
    touch_influencers: np.ndarray  # codes into `influencers`
    influencers: pd.Index
    touch_pairs: np.ndarray  # code of the (user, influencer) pair
    first_of_pair: np.ndarray  # whether the touch is its pair's first (the pair's first exposure)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def touch_effects(self, window: int) -> np.ndarray:
        """
        Return per touch the effect of an exposure first made by it: Δ - c(t), computed once per window.

        Δ is the user's revenue on days [t, t+L) minus days [t-L, t); NaN for touches whose windows leave
        the data (never eligible) and when there is no control user.
        """
        key = ("effects", window)
        if key not in self._cache:
            effects = np.full(len(self.touch_rows), np.nan)
            eligible = np.flatnonzero((self.touch_days >= window) & (self.touch_days + window <= self.n_days))
            if self.n_control > 0 and len(eligible):
                days = self.touch_days[eligible]
                # Sorted needles make the binary searches walk the sorted keys in order (far fewer cache
                # misses).
                order, keys = _sort_keys(self.touch_users[eligible] * self.n_days + days)
                before = self.revenue_before_key
                at = [before[np.searchsorted(self.day_keys, keys + shift)] for shift in (-window, 0, window)]
                change = np.empty(len(keys))
                change[order] = (at[2] - at[1]) - (at[1] - at[0])
                effects[eligible] = change - self.control_change(days, window)
            self._cache[key] = effects
        return self._cache[key]

    def control_change(self, days: np.ndarray, window: int) -> np.ndarray:
        """Return the control users' mean post-window minus pre-window revenue for exposures on ``days``."""
        before = self.control_before_day
        change = (before[days + window] - before[days]) - (before[days] - before[days - window])
        return change / self.n_control

    def touch_values(
        self, tracking: pd.DataFrame, column: str, codes: tuple[np.ndarray, pd.Index] | None = None
    ) -> tuple[np.ndarray, pd.Index]:
        """
        Return the codes of ``column`` at every touch (-1 when missing) and the values, computed once.

        ``codes`` are the column's ``pandas.factorize`` codes and values over the whole frame when the
        caller has them (a view's prepared codes): the values no touch has are dropped.
        """
        key = ("column", column)
        if key not in self._cache:
            if codes is None:
                values = tracking[column].take(self.touch_rows)
                touch_codes, uniques = pd.factorize(values, use_na_sentinel=True)
                self._cache[key] = (touch_codes.astype(np.int64), pd.Index(uniques))
            else:
                frame_codes, uniques = codes
                touch_codes = np.asarray(frame_codes, dtype=np.int64)[self.touch_rows]
                present = np.bincount(touch_codes[touch_codes >= 0], minlength=len(uniques)) > 0
                renumber = np.append(np.cumsum(present) - 1, -1)
                self._cache[key] = (renumber[touch_codes], pd.Index(uniques)[present])
        return self._cache[key]

    def resample_weights(self, resamples: int, seed: int) -> np.ndarray:
        """
        Return how often each exposed user is drawn in each resample, shape (exposed users, resamples).

        Every resample draws as many users as there are exposed users, uniformly with replacement, from
        ``numpy.random.default_rng(seed)``; computed once per panel and seed. A user's row is contiguous,
        so the bootstrap gathers whole rows.
        """
        key = ("weights", resamples, seed)
        if key not in self._cache:
            n_exposed = int((self.exposed_row >= 0).sum())
            rng = np.random.default_rng(seed)
            weights = np.empty((n_exposed, resamples), dtype=np.uint8)
            # numpy draws without holding the GIL: the next resamples are drawn while a second thread
            # counts the previous ones. The draws are the same, in the same order, as on one thread.
            # Whole draws per copy, so a draw's rows never straddle two copies.
            per_copy = max(_RESAMPLES_PER_COPY // _RESAMPLES_PER_DRAW, 1) * _RESAMPLES_PER_DRAW
            counts = np.empty((min(per_copy, resamples), n_exposed), dtype=np.uint8)
            with ThreadPoolExecutor(max_workers=1) as counter:
                counting = None
                for first in range(0, resamples if n_exposed else 0, _RESAMPLES_PER_DRAW):
                    stop = min(first + _RESAMPLES_PER_DRAW, resamples)
                    draws = rng.integers(0, n_exposed, size=(stop - first, n_exposed), dtype=np.int32)
                    if counting is not None:
                        counting.result()
                    counting = counter.submit(_count_draws, draws, first, stop == resamples, counts, weights)
                if counting is not None:
                    counting.result()
            self._cache[key] = weights
        return self._cache[key]


def _count_draws(draws: np.ndarray, first: int, last: bool, counts: np.ndarray, weights: np.ndarray) -> None:
    """
    Count how often each user is among each row of ``draws`` (resamples ``first`` on) into ``counts``.

    ``counts`` holds the rows of one copy; when it is full, or at the ``last`` draws, its rows are
    transposed into their columns of ``weights``: fewer, wider copies transpose much faster.
    """
    row = first % len(counts)
    for resample, drawn in enumerate(draws, start=row):
        # One resample's counts fit in cache; drawing a user 256 times in n draws from n users has
        # probability below 1/256!, so uint8 holds every count.
        counts[resample] = np.bincount(drawn, minlength=draws.shape[1])
    filled = row + len(draws)
    if filled == len(counts) or last:
        stop = first + len(draws)
        weights[:, stop - filled : stop] = counts[:filled].T


_PANELS: dict[int, tuple[weakref.ref, _RevenuePanel]] = {}


def _panel(
    tracking: pd.DataFrame, user_codes: np.ndarray | None = None, influencer_codes: np.ndarray | None = None
) -> _RevenuePanel:
    """
    Return the revenue panel of ``tracking``, built once per frame object while it lives.

    ``user_codes`` and ``influencer_codes`` are the frame's ``pandas.factorize`` codes of ``user_id`` and
    of ``influencer_id`` (-1 when missing) when the caller already has them (a view's prepared codes):
    factorising a million ids again is the costly part of the panel.
    """
    key = id(tracking)
    cached = _PANELS.get(key)
    if cached is not None and cached[0]() is tracking:
        return cached[1]
    panel = _build_panel(tracking, user_codes, influencer_codes)
    _PANELS[key] = (weakref.ref(tracking), panel)
    weakref.finalize(tracking, _PANELS.pop, key, None)
    return panel


def _build_panel(
    tracking: pd.DataFrame, user_codes: np.ndarray | None, influencer_codes: np.ndarray | None
) -> _RevenuePanel:
    if user_codes is None:
        user_codes, _ = pd.factorize(tracking["user_id"], use_na_sentinel=True)
    users = np.asarray(user_codes, dtype=np.int64)
    dates = tracking["date"].to_numpy(dtype="datetime64[D]")
    usable = (users >= 0) & ~np.isnat(dates)
    if usable.any():
        day_numbers = dates.view(np.int64)
        first = int(day_numbers.min(where=usable, initial=np.iinfo(np.int64).max))
        first_day = pd.Timestamp(np.datetime64(first, "D"))
        n_days = int(day_numbers.max(where=usable, initial=first)) - first + 1
        days = np.where(usable, day_numbers - first, 0)
    else:
        first_day, n_days = pd.Timestamp("1970-01-01"), 0
        days = np.zeros(len(tracking), dtype=np.int64)
    revenue = tracking["revenue"].to_numpy(dtype=np.float64, na_value=0.0)
    n_users = int(users.max()) + 1 if len(users) else 0

    if usable.all():  # the usual case: no row to leave out, no copies of the columns
        order, day_keys = _sort_keys(users * n_days + days)
    else:
        kept = np.flatnonzero(usable)
        order, day_keys = _sort_keys(users[kept] * n_days + days[kept])
        order = kept[order]
    revenue_before_key = np.concatenate([[0.0], np.cumsum(revenue[order])])

    if influencer_codes is None:
        is_touch = tracking["influencer_id"].notna().to_numpy() & usable
    else:
        is_touch = (np.asarray(influencer_codes) >= 0) & usable
    touched_user = np.bincount(users[is_touch], minlength=n_users) > 0
    exposed_row = np.where(touched_user, np.cumsum(touched_user) - 1, -1)
    control_row = usable & ~touched_user[np.where(usable, users, 0)]
    control_daily = np.bincount(days[control_row], weights=revenue[control_row], minlength=n_days)
    control_before_day = np.concatenate([[0.0], np.cumsum(control_daily)])

    touch_rows = np.flatnonzero(is_touch)
    touch_days = days[touch_rows]
    if np.any(touch_days[1:] < touch_days[:-1]):  # tracking files are usually in date order already
        by_day = _sort_keys(touch_days)[0]
        touch_rows, touch_days = touch_rows[by_day], touch_days[by_day]
    if influencer_codes is None:
        influencer_codes, influencers = pd.factorize(tracking["influencer_id"].take(touch_rows))
    else:
        # Codes in first-appearance order, as factorising the ids themselves would number them.
        influencer_codes, _ = pd.factorize(np.asarray(influencer_codes)[touch_rows])
        influencers = tracking["influencer_id"].array.take(touch_rows[_first_of_codes(influencer_codes)])
    influencer_codes = influencer_codes.astype(np.int64)
    touch_users = users[touch_rows]
    # Pairs numbered in (user, influencer) order; the stable sort puts each pair's first touch first.
    pair_order, pair_keys = _sort_keys(touch_users * max(len(influencers), 1) + influencer_codes)
    new_pair = np.r_[True, pair_keys[1:] != pair_keys[:-1]] if len(pair_keys) else np.zeros(0, dtype=bool)
    pairs = np.empty(len(touch_rows), dtype=np.int64)
    pairs[pair_order] = np.cumsum(new_pair) - 1
    first_of_pair = np.zeros(len(touch_rows), dtype=bool)
    first_of_pair[pair_order[new_pair]] = True
    return _RevenuePanel(
        first_day=first_day,
        n_days=n_days,
        day_keys=day_keys,
        revenue_before_key=revenue_before_key,
        control_before_day=control_before_day,
        n_control=int(n_users - touched_user.sum()),
        exposed_row=exposed_row,
        touch_rows=touch_rows,
        touch_days=touch_days,
        touch_users=touch_users,
        touch_influencers=influencer_codes,
        influencers=pd.Index(influencers),
        touch_pairs=pairs,
        first_of_pair=first_of_pair,
    )


def _day_number(panel: _RevenuePanel, value: dt.date | str | pd.Timestamp | None, default: int) -> int:
    if value is None:
        return default
    return int((pd.Timestamp(value) - panel.first_day).days)


def _touch_groups(
    tracking: pd.DataFrame,
    panel: _RevenuePanel,
    by: str | None,
    influencer_attributes: pd.DataFrame | None,
) -> tuple[np.ndarray, pd.Index]:
    """Return the group code of every touch (-1 when its group is unknown) and the group values."""
    if by is None:
        return np.zeros(len(panel.touch_rows), dtype=np.int64), pd.Index(["all"])
    if by == "influencer_id":
        return panel.touch_influencers, panel.influencers
    if by in tracking.columns:
        return panel.touch_values(tracking, by)
    if influencer_attributes is None or by not in influencer_attributes.columns:
        raise ValueError(f"cannot group exposures by {by!r}: no such tracking column or influencer attribute")
    attribute = influencer_attributes[by].reindex(panel.influencers)
    codes, uniques = pd.factorize(attribute, use_na_sentinel=True)
    return codes.astype(np.int64)[panel.touch_influencers], pd.Index(uniques)


def _bootstrap_per_exposure(
    panel: _RevenuePanel,
    groups: np.ndarray,
    users: np.ndarray,
    effects: np.ndarray,
    wanted: np.ndarray,
    resamples: int,
    seed: int,
) -> np.ndarray:
    """
    Return the mean effect per eligible exposure of each wanted group in every bootstrap resample.

    A resample draws the exposed users with replacement (:meth:`_RevenuePanel.resample_weights`); each
    drawn user brings all its eligible exposures of the group. The result has shape (resamples, groups):
    NaN for groups not wanted, or when a resample drew none of the group's users.
    """
    n_groups = len(wanted)
    # Per group and resample: summed effect (row 0) and number of eligible exposures (row 1).
    totals = np.zeros((n_groups, 2, resamples))
    keep = wanted[groups]
    if keep.any():
        n_rows = len(panel.exposed_row)
        # A unit is a (group, exposed user) pair, numbered in the order of (group, user row).
        order, unit_keys = _sort_keys(groups[keep] * n_rows + panel.exposed_row[users[keep]])
        new_unit = np.r_[True, unit_keys[1:] != unit_keys[:-1]]
        unit_of_exposure = np.empty(len(order), dtype=np.int64)
        unit_of_exposure[order] = np.cumsum(new_unit) - 1
        units = unit_keys[new_unit]
        unit_group = units // n_rows
        unit_row = units % n_rows
        per_unit = np.vstack(
            [np.bincount(unit_of_exposure, weights=effects[keep]), np.bincount(unit_of_exposure)]
        )
        weights = panel.resample_weights(resamples, seed)
        # Blocks of at most _BLOCK_ROWS units of one group, counted from the group's first unit: a group's
        # sums do not depend on which other groups are measured, nor on which thread summed a block.
        group_start = np.flatnonzero(np.r_[True, unit_group[1:] != unit_group[:-1]])
        group_end = np.r_[group_start[1:], len(units)]
        blocks = -(-(group_end - group_start) // _BLOCK_ROWS)
        first_block = np.cumsum(blocks) - blocks
        block_start = (
            np.repeat(group_start, blocks)
            + (np.arange(blocks.sum()) - np.repeat(first_block, blocks)) * _BLOCK_ROWS
        )
        block_end = np.minimum(block_start + _BLOCK_ROWS, np.repeat(group_end, blocks))
        block_totals = np.empty((len(block_start), 2, resamples))
        starts, ends = block_start.tolist(), block_end.tolist()

        def reduce_blocks(blocks: range) -> None:
            for block in blocks:
                first, stop = starts[block], ends[block]
                # einsum multiplies the uint8 counts directly: converting them to float first would cost
                # several times the arithmetic.
                drawn = np.take(weights, unit_row[first:stop], axis=0)
                np.einsum("ur,cu->cr", drawn, per_unit[:, first:stop], out=block_totals[block])

        _split_work(reduce_blocks, len(starts), int(np.searchsorted(block_end, len(units) // 2)), len(units))
        totals[unit_group[group_start]] = np.add.reduceat(block_totals, first_block, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_exposure = (totals[:, 0] / totals[:, 1]).T
    per_exposure[:, ~wanted] = np.nan
    return per_exposure


def estimate_iroas(
    tracking: pd.DataFrame,
    spend: pd.Series | float = 0.0,
    *,
    by: str | None = None,
    window: int = 14,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    touch_mask: pd.Series | np.ndarray | None = None,
    influencer_attributes: pd.DataFrame | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    min_eligible: int = MIN_ELIGIBLE,
) -> pd.DataFrame:
    """
    Measure incremental revenue and iROAS of exposures per group, with a bootstrap interval.

    Parameters
    ----------
    tracking : DataFrame
        Every tracking row, unfiltered: ``user_id``, ``date``, ``revenue``, ``influencer_id`` (missing for
        non-influencer sources) and, when grouping by a touch's own column, that column (``campaign``).
    spend : Series or float, default 0
        Spend per group (indexed by the group values), or the total when ``by`` is None.
    by : str, optional
        Group the exposures by this column of the touch (``campaign``, ``influencer_id``) or attribute of
        the touch's influencer (``platform``, ``category``, ``gender``, ``tier``, read from
        ``influencer_attributes``). None gives one overall row.
    window : int, default 14
        Length L in days of the pre and post windows.
    start, end : date or ISO string, optional
        Inclusive date filter on the first-exposure day.
    touch_mask : boolean Series or array, optional
        Rows of ``tracking`` counting as touches of the groups (campaign and influencer filters); every
        influencer row when omitted. Control users are defined over all rows whatever the mask.
    influencer_attributes : DataFrame, optional
        Influencer attributes indexed by ``influencer_id``.
    resamples, seed : int, default 200, 0
        Bootstrap resamples (0: no interval) and the seed of ``numpy.random.default_rng``.
    min_eligible : int, default 30
        Fewer eligible exposures leave the group's estimate empty (``insufficient_data``).

    Returns
    -------
    DataFrame
        One row per group (the group column named ``by``; one row and no group column when ``by`` is
        None): exposures, eligible_exposures, incremental_revenue, spend, iroas, iroas_low, iroas_high,
        insufficient_data. Groups come from the exposures in the date filter and from ``spend``.
    """
    if window < 1:
        raise ValueError("the incrementality window must be at least 1 day")
    panel = _panel(tracking)
    group_codes, group_values = _touch_groups(tracking, panel, by, influencer_attributes)

    selected = group_codes >= 0
    every_touch = True
    if touch_mask is not None:
        passes = np.asarray(touch_mask, dtype=bool)[panel.touch_rows]
        every_touch = bool(passes.all())
        selected &= passes
    if every_touch and (by is None or by == "influencer_id" or by not in tracking.columns):
        # The group is the pair's influencer (or one of its attributes): a pair's first touch is its
        # first exposure in the group.
        first_touch = np.flatnonzero(panel.first_of_pair & selected)
    else:
        # Touches are in day order, so the first of each (group, user, influencer) is its first exposure.
        exposure_key = group_codes * (int(panel.touch_pairs.max(initial=0)) + 1) + panel.touch_pairs
        first_touch = np.flatnonzero(selected)
        first_touch = first_touch[~pd.Series(exposure_key[first_touch]).duplicated().to_numpy()]
    groups = group_codes[first_touch]
    days = panel.touch_days[first_touch]

    in_dates = (days >= _day_number(panel, start, 0)) & (days <= _day_number(panel, end, panel.n_days))
    first_touch, groups, days = first_touch[in_dates], groups[in_dates], days[in_dates]
    eligible = (days >= window) & (days + window <= panel.n_days)
    n_groups = len(group_values)
    exposures = np.bincount(groups, minlength=n_groups)
    eligible_exposures = np.bincount(groups[eligible], minlength=n_groups)

    first_touch, groups = first_touch[eligible], groups[eligible]
    users = panel.touch_users[first_touch]
    effects = panel.touch_effects(window)[first_touch]
    effect_sum = np.bincount(groups, weights=effects, minlength=n_groups)

    measurable = (eligible_exposures >= min_eligible) & (panel.n_control > 0)
    scale = exposures / np.where(eligible_exposures > 0, eligible_exposures, 1)
    incremental = np.where(measurable, effect_sum * scale, np.nan)

    if by is None:
        group_spend = np.array([float(spend) if np.ndim(spend) == 0 else float(np.sum(spend))])
    else:
        spend = _spend_by_group(spend)
        group_spend = spend.reindex(group_values).fillna(0.0).to_numpy()
    iroas = np.asarray(ratio_of_sums(pd.Series(incremental), pd.Series(group_spend)), dtype=np.float64)

    wanted = measurable & (group_spend > 0) & (resamples > 0)
    per_exposure = _bootstrap_per_exposure(panel, groups, users, effects, wanted, resamples, seed)
    with np.errstate(invalid="ignore"):
        resampled_iroas = per_exposure * (exposures / np.where(wanted, group_spend, np.nan))
    low, high = _percentiles(resampled_iroas)

    table = pd.DataFrame(
        {
            "exposures": exposures.astype(np.int64),
            "eligible_exposures": eligible_exposures.astype(np.int64),
            "incremental_revenue": incremental,
            "spend": group_spend,
            "iroas": iroas,
            "iroas_low": low,
            "iroas_high": high,
            "insufficient_data": ~measurable,
        }
    )
    if by is None:
        return table
    # Object values: pandas' isin on Arrow strings walks its argument in Python.
    values = group_values.astype(object)
    table.insert(0, by, values)
    table = table[(exposures > 0) | values.isin(spend.index)]
    table = _add_spend_only_groups(table, by, spend)
    return table.sort_values(by, kind="stable").reset_index(drop=True)


def _percentiles(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the 2.5th and 97.5th percentiles per column over its defined samples (NaN when none)."""
    low = np.full(samples.shape[1], np.nan)
    high = np.full(samples.shape[1], np.nan)
    if samples.shape[0] == 0:
        return low, high
    missing = np.isnan(samples)
    complete = ~missing.any(axis=0)
    if complete.any():
        low[complete], high[complete] = np.percentile(samples[:, complete], [2.5, 97.5], axis=0)
    # A resample can miss every user of a small group; those groups use their defined resamples.
    partial = np.flatnonzero(~complete & ~missing.all(axis=0))
    if len(partial):
        low[partial], high[partial] = np.nanpercentile(samples[:, partial], [2.5, 97.5], axis=0)
    return low, high


def _spend_by_group(spend: pd.Series | float) -> pd.Series:
    """Return spend summed per group value (no groups for a zero scalar)."""
    if np.ndim(spend) == 0:
        if float(spend) != 0:
            raise ValueError("spend per group must be a Series indexed by the group values")
        return pd.Series(dtype="float64")
    return pd.Series(spend, dtype="float64").groupby(level=0).sum()


def _add_spend_only_groups(table: pd.DataFrame, by: str, spend: pd.Series) -> pd.DataFrame:
    """Append groups with spend but no exposure in the dates (nothing to measure there)."""
    missing = spend[~spend.index.astype(object).isin(table[by]) & spend.index.notna()]
    if missing.empty:
        return table
    extra = pd.DataFrame(
        {
            by: missing.index.astype(object),
            "exposures": 0,
            "eligible_exposures": 0,
            "incremental_revenue": np.nan,
            "spend": missing.to_numpy(),
            "iroas": np.nan,
            "iroas_low": np.nan,
            "iroas_high": np.nan,
            "insufficient_data": True,
        }
    )
    return pd.concat([table, extra], ignore_index=True)


def _group_spend(view: View, by: str | None) -> pd.Series | float:
    spend = view.spend
    if by is None:
        return float(spend["spend"].sum())
    if by in spend.columns:
        return spend.groupby(by, dropna=True)["spend"].sum()
    attributes = view.influencers.set_index("influencer_id")[by]
    keys = spend["influencer_id"].map(attributes)
    return spend["spend"].groupby(keys.to_numpy(), dropna=True).sum()


def iroas_table(view: View, by: str | None = None, *, interval: bool = True) -> pd.DataFrame:
    """
    Return incremental revenue and iROAS of the view, overall or per group.

    Parameters
    ----------
    view : View
        The filtered view. Its date filter selects exposures by first-exposure day; its campaign and
        influencer filters select the touches; product and source filters do not apply (the effect is
        measured on all of a user's revenue, and spend is never split by product or source).
    by : {None, "campaign", "influencer_id", "platform", "category", "gender", "tier"}
        Grouping; None gives the single overall row.
    interval : bool, default True
        Compute the bootstrap interval; False leaves ``iroas_low``/``iroas_high`` empty and is much faster
        (the dashboard can show the estimate first and the interval when it is ready).

    Returns
    -------
    DataFrame
        The group column (absent when ``by`` is None), exposures, eligible_exposures,
        incremental_revenue, spend, iroas, iroas_low, iroas_high, insufficient_data.

    See Also
    --------
    estimate_iroas : the same measure on plain frames.
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown incrementality grouping {by!r}; choose one of {', '.join(GROUPINGS)}")
    filters = view.filters
    tracking = view.dataset.tracking
    # The view's codes: the panel reuses them instead of factorising the ids again.
    prepared = view.prepared
    panel = _panel(tracking, prepared.user, prepared.influencer)
    if by is not None and by != "influencer_id" and by in tracking.columns:
        panel.touch_values(tracking, by, prepared.column(by))
    attributes = view.influencers.set_index("influencer_id")
    return estimate_iroas(
        tracking,
        _group_spend(view, by),
        by=by,
        window=view.options.window,
        start=filters.start,
        end=filters.end,
        touch_mask=view.touch_passes,
        influencer_attributes=attributes,
        resamples=RESAMPLES if interval else 0,
    )


IROAS_COLUMNS = ["incremental_revenue", "iroas", "iroas_low", "iroas_high", "insufficient_data"]


def add_iroas(
    table: pd.DataFrame, view: View, by: str | None = None, *, interval: bool = True
) -> pd.DataFrame:
    """
    Return ``table`` with the view's incrementality columns for its rows.

    Parameters
    ----------
    table : DataFrame
        A metric table keyed by ``by`` (the campaign or influencer table), or the one-row KPI table when
        ``by`` is None.
    view : View
        The view the table was computed from.
    by : str, optional
        The key column, one of ``GROUPINGS``.
    interval : bool, default True
        Compute the bootstrap interval (False leaves it empty: a faster first answer).

    Returns
    -------
    DataFrame
        A copy with ``IROAS_COLUMNS`` appended. A row without exposures in the view is insufficient data.
    """
    measured = iroas_table(view, by, interval=interval)
    out = table.copy()
    if by is None:
        for column in IROAS_COLUMNS:
            out[column] = measured.loc[0, column]
        return out
    found = measured.set_index(measured[by].astype(object))[IROAS_COLUMNS]
    matched = found.reindex(out[by].astype(object).to_numpy())
    for column in IROAS_COLUMNS[:-1]:
        out[column] = matched[column].to_numpy(dtype=np.float64)
    out["insufficient_data"] = (
        matched["insufficient_data"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    )
    return out
