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
The bootstrap draws one matrix of resample counts per dataset (users x resamples) and reduces it with one
product per block of a group's users. The per-dataset arrays are kept while the tracking frame lives, so
the overall, campaign and influencer tables of one export share them.
"""

from __future__ import annotations

import datetime as dt
import weakref
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
# Resamples drawn per step: their counts are transposed into users' rows together.
_RESAMPLES_PER_DRAW = 32
# Users per step of the bootstrap: 16k users x 200 resamples is 3.2 MB of counts.
_BLOCK_ROWS = 16_384


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
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def user_revenue_change(self, users: np.ndarray, days: np.ndarray, window: int) -> np.ndarray:
        """Return each user's revenue on days [t, t+L) minus days [t-L, t) (windows inside the data)."""
        keys = users.astype(np.int64) * self.n_days + days
        # Sorted needles make the binary searches walk the sorted keys in order (far fewer cache misses).
        order = np.argsort(keys, kind="stable")
        change = np.empty(len(keys))
        before = self.revenue_before_key
        at = [before[np.searchsorted(self.day_keys, keys[order] + shift)] for shift in (-window, 0, window)]
        change[order] = (at[2] - at[1]) - (at[1] - at[0])
        return change

    def control_change(self, days: np.ndarray, window: int) -> np.ndarray:
        """Return the control users' mean post-window minus pre-window revenue for exposures on ``days``."""
        before = self.control_before_day
        change = (before[days + window] - before[days]) - (before[days] - before[days - window])
        return change / self.n_control

    def touch_values(self, tracking: pd.DataFrame, column: str) -> tuple[np.ndarray, pd.Index]:
        """Return the codes of ``column`` at every touch (-1 when missing) and the values, computed once."""
        key = ("column", column)
        if key not in self._cache:
            values = tracking[column].take(self.touch_rows)
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            self._cache[key] = (codes.astype(np.int64), pd.Index(uniques))
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
            counts = np.empty((_RESAMPLES_PER_DRAW, n_exposed), dtype=np.uint8)
            for first in range(0, resamples if n_exposed else 0, _RESAMPLES_PER_DRAW):
                count = min(_RESAMPLES_PER_DRAW, resamples - first)
                draws = rng.integers(0, n_exposed, size=(count, n_exposed), dtype=np.int32)
                for resample in range(count):
                    # One resample's counts fit in cache; drawing a user 256 times in n draws from n
                    # users has probability below 1/256!, so uint8 holds every count.
                    counts[resample] = np.bincount(draws[resample], minlength=n_exposed)
                weights[:, first : first + count] = counts[:count].T
            self._cache[key] = weights
        return self._cache[key]


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
    dates = tracking["date"]
    if user_codes is None:
        user_codes, _ = pd.factorize(tracking["user_id"], use_na_sentinel=True)
    users = np.asarray(user_codes).astype(np.int64)
    usable = (users >= 0) & dates.notna().to_numpy()
    if usable.any():
        first_day = dates[usable].min()
        n_days = int((dates[usable].max() - first_day).days) + 1
        day_numbers = dates.to_numpy(dtype="datetime64[D]") - np.datetime64(first_day.date(), "D")
        days = np.where(usable, day_numbers.astype(np.int64), 0)
    else:
        first_day, n_days = pd.Timestamp("1970-01-01"), 0
        days = np.zeros(len(tracking), dtype=np.int64)
    revenue = tracking["revenue"].to_numpy(dtype=np.float64, na_value=0.0)
    n_users = int(users.max()) + 1 if len(users) else 0

    keys = users[usable] * n_days + days[usable]
    order = np.argsort(keys)
    day_keys = keys[order]
    revenue_before_key = np.concatenate([[0.0], np.cumsum(revenue[usable][order])])

    is_touch = tracking["influencer_id"].notna().to_numpy() & usable
    touched_user = np.bincount(users[is_touch], minlength=n_users) > 0
    exposed_row = np.where(touched_user, np.cumsum(touched_user) - 1, -1)
    control_row = usable & ~touched_user[np.where(usable, users, 0)]
    control_daily = np.bincount(days[control_row], weights=revenue[control_row], minlength=n_days)
    control_before_day = np.concatenate([[0.0], np.cumsum(control_daily)])

    touch_rows = np.flatnonzero(is_touch)
    touch_rows = touch_rows[np.argsort(days[touch_rows], kind="stable")]
    if influencer_codes is None:
        influencer_codes, influencers = pd.factorize(tracking["influencer_id"].take(touch_rows))
    else:
        # Codes in first-appearance order, as factorising the ids themselves would number them.
        influencer_codes, _ = pd.factorize(np.asarray(influencer_codes)[touch_rows])
        first_touch = np.unique(influencer_codes, return_index=True)[1]
        influencers = tracking["influencer_id"].array.take(touch_rows[first_touch])
    influencer_codes = influencer_codes.astype(np.int64)
    touch_users = users[touch_rows]
    pairs, _ = pd.factorize(touch_users * max(len(influencers), 1) + influencer_codes)
    return _RevenuePanel(
        first_day=first_day,
        n_days=n_days,
        day_keys=day_keys,
        revenue_before_key=revenue_before_key,
        control_before_day=control_before_day,
        n_control=int(n_users - touched_user.sum()),
        exposed_row=exposed_row,
        touch_rows=touch_rows,
        touch_days=days[touch_rows],
        touch_users=touch_users,
        touch_influencers=influencer_codes,
        influencers=pd.Index(influencers),
        touch_pairs=pairs.astype(np.int64),
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
    sums = np.zeros((resamples, n_groups))
    counts = np.zeros((resamples, n_groups))
    keep = wanted[groups]
    if keep.any():
        rows = panel.exposed_row[users[keep]]
        unit_keys = groups[keep] * len(panel.exposed_row) + rows
        units, unit_of_exposure = np.unique(unit_keys, return_inverse=True)
        unit_group = units // len(panel.exposed_row)
        unit_row = units % len(panel.exposed_row)
        # Per unit: summed effect (row 0) and number of eligible exposures (row 1).
        per_unit = np.vstack(
            [np.bincount(unit_of_exposure, weights=effects[keep]), np.bincount(unit_of_exposure)]
        )
        weights = panel.resample_weights(resamples, seed)
        # Blocks of one group's users, at most _BLOCK_ROWS long. einsum multiplies the uint8 counts
        # directly: converting them to float first would cost several times the arithmetic.
        group_start = np.flatnonzero(np.r_[True, unit_group[1:] != unit_group[:-1]])
        block_start = np.unique(np.r_[group_start, np.arange(0, len(units), _BLOCK_ROWS)])
        block_end = np.r_[block_start[1:], len(units)]
        for first, stop in zip(block_start, block_end, strict=True):
            drawn = np.take(weights, unit_row[first:stop], axis=0)
            total = np.einsum("ur,cu->cr", drawn, per_unit[:, first:stop])
            group = unit_group[first]
            sums[:, group] += total[0]
            counts[:, group] += total[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        per_exposure = sums / counts
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
    if touch_mask is not None:
        selected &= np.asarray(touch_mask, dtype=bool)[panel.touch_rows]
    # Touches are in day order, so the first of each (group, user, influencer) is its first exposure.
    exposure_key = group_codes * (int(panel.touch_pairs.max(initial=0)) + 1) + panel.touch_pairs
    first_touch = selected.copy()
    first_touch[selected] = ~pd.Series(exposure_key[selected]).duplicated().to_numpy()
    groups = group_codes[first_touch]
    users = panel.touch_users[first_touch]
    days = panel.touch_days[first_touch]

    in_dates = (days >= _day_number(panel, start, 0)) & (days <= _day_number(panel, end, panel.n_days))
    groups, users, days = groups[in_dates], users[in_dates], days[in_dates]
    eligible = (days >= window) & (days + window <= panel.n_days)
    n_groups = len(group_values)
    exposures = np.bincount(groups, minlength=n_groups)
    eligible_exposures = np.bincount(groups[eligible], minlength=n_groups)

    groups, users, days = groups[eligible], users[eligible], days[eligible]
    if panel.n_control > 0:
        effects = panel.user_revenue_change(users, days, window) - panel.control_change(days, window)
    else:
        effects = np.full(len(days), np.nan)
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
    table.insert(0, by, group_values.astype(object))
    table = table[(exposures > 0) | group_values.isin(spend.index)]
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
    missing = spend[~spend.index.isin(table[by]) & spend.index.notna()]
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
    _panel(tracking, view.prepared.user, view.prepared.influencer)
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
