"""Incremental revenue and iROAS against a control group of untouched users (docs/incrementality.md).

The unit is an exposure: a (user, influencer) pair, first touched on day t (the pair's touch with the
smallest date and file order over all the data). Each exposure covers the L days from t on, cut at the
last day of the data. On every day a user is covered by at least one exposure, the user's lift is their
revenue that day (every row) minus the control users' mean revenue that day minus the user's own baseline
(their excess over the control in the L days before their first exposure, per day); the day's lift is
split equally among the exposures covering it. An exposure's effect is the sum of its shares, so a
purchase inside the windows of two exposures counts half to each and never twice. Only exposures whose
user's baseline window and whose own window lie inside the data are measured ("eligible"); a group's
total scales their summed effect up to all its exposures. Filters only choose which exposures a row
counts: windows, shares and effects never depend on them. The interval resamples the users with an
eligible exposure in the dates (:func:`_interval`; the array machinery is in :mod:`metrics._bootstrap`).

Everything runs on integer codes and day numbers. A user's coverage count is a step function that only
changes where a window opens or closes, so the effects come from one sort of those events and prefix
sums of the user's and the control's revenue: no step loops over users or exposures. A dataset's panel
and what is derived from it (effects per window, bootstrap populations, resample counts) are kept in
``Dataset.derived``, so the overall, campaign and influencer tables of one export share them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics import _bootstrap
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
# The columns a table gains from :func:`add_iroas`; the export files write all but the last.
IROAS_EXPORTED = ["incremental_revenue", "iroas", "iroas_low", "iroas_high"]
IROAS_COLUMNS = [*IROAS_EXPORTED, "insufficient_data"]
INTERVAL_NOTE = "95% interval from resampling users; exposures with no tracking row are not seen"
# Bootstrap populations (one per window and date range) kept per dataset.
_POPULATIONS_KEPT = 8


@dataclass(frozen=True)
class _Effects:
    """The exposures' effects for one window L."""

    eligible: np.ndarray  # per exposure
    effect: np.ndarray  # per exposure, e_k (NaN when not eligible)


@dataclass(frozen=True)
class _Panel:
    """One tracking frame as day numbers and codes: revenue prefix sums, the control and the exposures."""

    first_day: pd.Timestamp
    n_days: int
    day_keys: np.ndarray  # user code * n_days + day of the usable rows, sorted
    revenue_before_key: np.ndarray  # revenue of the rows with a smaller key (length len(day_keys) + 1)
    control_before_day: np.ndarray  # control users' revenue on the days before d (length n_days + 1)
    n_control: int
    # Exposures, in (user, influencer) order: first-touch row, user code, influencer code, day t.
    exposure_row: np.ndarray
    exposure_user: np.ndarray
    exposure_influencer: np.ndarray
    exposure_day: np.ndarray
    influencers: pd.Index  # influencer id of each influencer code

    def revenue_before(self, users: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Return each user's revenue on the days before ``days`` (0 <= day <= n_days)."""
        return self.revenue_before_key[np.searchsorted(self.day_keys, users * self.n_days + days)]

    def effects(self, window: int) -> _Effects:
        """Return every exposure's eligibility and effect e_k for window L."""
        users, days = self.exposure_user, self.exposure_day
        n_exposures = len(users)
        effect = np.full(n_exposures, np.nan)
        if not n_exposures:
            return _Effects(np.zeros(0, dtype=bool), effect)
        # Exposures are in user order: each user's exposures form one run.
        run_start = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
        run_length = np.diff(np.r_[run_start, n_exposures])
        run_t0 = np.minimum.reduceat(days, run_start)  # t0 of each user
        eligible = (np.repeat(run_t0, run_length) >= window) & (days + window <= self.n_days)
        if self.n_control == 0 or not eligible.any():
            return _Effects(eligible, effect)

        # Every exposure of a user with an eligible one shapes that user's coverage n_u(d).
        run_active = np.logical_or.reduceat(eligible, run_start)
        active = np.flatnonzero(np.repeat(run_active, run_length))
        a_users, a_days = users[active], days[active]
        a_ends = np.minimum(a_days + window, self.n_days)  # the day after the window, cut at D1 + 1

        # Coverage events: +1 where a window opens, -1 the day after it closes, keyed by (user, day).
        stride = self.n_days + 1
        event_keys = np.concatenate([a_users * stride + a_days, a_users * stride + a_ends])
        steps = np.repeat(np.array([1, -1]), len(active))
        order, sorted_keys = _bootstrap.sort_keys(event_keys)
        new_key = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
        keys = sorted_keys[new_key]
        key_of_event = np.empty(len(order), dtype=np.int64)  # each event's position among the keys
        key_of_event[order] = np.cumsum(new_key) - 1
        covering = np.cumsum(steps[order])[np.r_[np.flatnonzero(new_key)[1:] - 1, len(order) - 1]]
        event_user, event_day = keys // stride, keys % stride

        # Baseline b_u over the pre window [t0 - L, t0 - 1] of each user with an eligible exposure.
        control = self.control_before_day / self.n_control
        b_users, t0 = users[run_start[run_active]], run_t0[run_active]
        own_pre = self.revenue_before(b_users, t0) - self.revenue_before(b_users, t0 - window)
        user_baseline = np.zeros(int(b_users[-1]) + 1)  # users ascend with the runs
        user_baseline[b_users] = (own_pre - (control[t0] - control[t0 - window])) / window

        # Each segment [key, next key) with n >= 1 belongs to one user (windows close within the user).
        revenue_at = self.revenue_before(event_user, event_day)
        segment = np.flatnonzero(covering[:-1] > 0)
        start_day, stop_day = event_day[segment], event_day[segment + 1]
        lift = (
            (revenue_at[segment + 1] - revenue_at[segment])
            - (control[stop_day] - control[start_day])
            - user_baseline[event_user[segment]] * (stop_day - start_day)
        )
        share = np.zeros(len(keys))
        share[segment] = lift / covering[segment]
        shares_before = np.concatenate([[0.0], np.cumsum(share)])

        measured = np.flatnonzero(eligible[active])
        opens, closes = key_of_event[measured], key_of_event[len(active) + measured]
        effect[active[measured]] = shares_before[closes] - shares_before[opens]
        return _Effects(eligible, effect)


class _Measured:
    """
    Hold a panel and what the tables of one dataset share: effects per window, bootstrap populations.

    Kept in ``Dataset.derived["incrementality"]`` for a view's dataset; :func:`estimate_iroas` on a plain
    frame builds one per call. Callbacks of several filter states may use one at the same time.
    """

    def __init__(self, tracking: pd.DataFrame, panel: _Panel) -> None:
        self.tracking = tracking
        self.panel = panel
        self._effects: dict[int, _Effects] = {}
        self._users_by_id: np.ndarray | None = None
        # (window, first day, last day) -> population, a few recent date ranges only: a server sees many.
        self.populations: OrderedDict[tuple[int, int, int], np.ndarray] = OrderedDict()
        # The latest population's resample counts: the tables of one filter state come together.
        self._counts: tuple[int, int, np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    def effects(self, window: int) -> _Effects:
        """Return every exposure's eligibility and effect for window L, computed once per window."""
        if window not in self._effects:
            self._effects[window] = self.panel.effects(window)
        return self._effects[window]

    def users_by_id(self) -> np.ndarray:
        """Return every exposed user's code in user_id order, sorted once."""
        if self._users_by_id is None:
            panel = self.panel
            users = panel.exposure_user
            runs = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
            ids = pa.array(self.tracking["user_id"].take(panel.exposure_row[runs]), type=pa.large_string())
            # Arrow sorts text by its UTF-8 bytes, which is code-point order; ids are distinct per user, so
            # the order is unique.
            self._users_by_id = users[runs][pc.array_sort_indices(ids).to_numpy()]
        return self._users_by_id

    def population(self, window: int, first: int, last: int) -> np.ndarray:
        """
        Return the bootstrap's population: the users with an eligible exposure whose t lies in days
        ``first .. last``, as user codes in ascending user_id (code-point) order; computed once per filter.
        """
        key = (window, first, last)
        with self._lock:
            if key in self.populations:
                return self.populations[key]
        by_id = self.users_by_id()
        days, effects = self.panel.exposure_day, self.effects(window)
        measured = (days >= first) & (days <= last) & effects.eligible & ~np.isnan(effects.effect)
        present = (
            np.bincount(self.panel.exposure_user[measured], minlength=int(by_id.max(initial=-1)) + 1) > 0
        )
        population = by_id[present[by_id]]
        with self._lock:
            while len(self.populations) >= _POPULATIONS_KEPT:
                self.populations.popitem(last=False)
            self.populations[key] = population
        return population

    def resample_counts(self, population: np.ndarray, resamples: int, seed: int) -> np.ndarray:
        """Return :func:`metrics._bootstrap.resample_counts` of ``population``, kept for the latest one."""
        kept = self._counts
        if kept is not None and kept[:2] == (resamples, seed) and np.array_equal(kept[2], population):
            return kept[3]
        counts = _bootstrap.resample_counts(len(population), resamples, seed)
        self._counts = (resamples, seed, population, counts)
        return counts


def _build_panel(
    tracking: pd.DataFrame,
    user_codes: np.ndarray | None,
    influencer_codes: np.ndarray | None,
    influencer_values: pd.Index | None,
) -> _Panel:
    """
    Return the panel of ``tracking``: day numbers, revenue prefix sums, the control and the exposures.

    ``user_codes`` are the frame's codes of ``user_id``; ``influencer_codes`` index ``influencer_values``
    (-1 when missing). A view passes its prepared codes: factorising a million ids again is the costly part.
    """
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
    revenue = np.nan_to_num(tracking["revenue"].to_numpy(dtype=np.float64, na_value=0.0))
    n_users = int(users.max()) + 1 if len(users) else 0

    kept = np.flatnonzero(usable)
    order, day_keys = _bootstrap.sort_keys(users[kept] * n_days + days[kept])
    revenue_before_key = np.concatenate([[0.0], np.cumsum(revenue[kept[order]])])

    if influencer_codes is None:
        influencer_codes, influencer_values = pd.factorize(tracking["influencer_id"], use_na_sentinel=True)
    influencer_codes = np.asarray(influencer_codes, dtype=np.int64)
    is_touch = (influencer_codes >= 0) & usable
    touched_user = np.bincount(users[is_touch], minlength=n_users) > 0
    control_row = usable & ~touched_user[np.where(usable, users, 0)]
    control_daily = np.bincount(days[control_row], weights=revenue[control_row], minlength=n_days)
    control_before_day = np.concatenate([[0.0], np.cumsum(control_daily)])

    # The first touch of each (user, influencer) pair: smallest (date, file order). The stable sort keeps
    # file order within a day, so the first row of each pair's run is its first touch.
    touch_rows = np.flatnonzero(is_touch)
    n_influencers = max(len(influencer_values), 1)
    pair = users[touch_rows] * n_influencers + influencer_codes[touch_rows]
    by_pair, keys = _bootstrap.sort_keys(pair * max(n_days, 1) + days[touch_rows])
    pair = keys // max(n_days, 1)
    first_touch = touch_rows[by_pair[np.r_[True, pair[1:] != pair[:-1]]]] if len(pair) else touch_rows
    return _Panel(
        first_day=first_day,
        n_days=n_days,
        day_keys=day_keys,
        revenue_before_key=revenue_before_key,
        control_before_day=control_before_day,
        n_control=int(n_users - touched_user.sum()),
        exposure_row=first_touch,
        exposure_user=users[first_touch],
        exposure_influencer=influencer_codes[first_touch],
        exposure_day=days[first_touch],
        influencers=pd.Index(influencer_values),
    )


def _day_number(panel: _Panel, value: dt.date | str | pd.Timestamp | None, default: int) -> int:
    if value is None:
        return default
    return int((pd.Timestamp(value) - panel.first_day).days)


def _exposure_groups(
    tracking: pd.DataFrame,
    panel: _Panel,
    by: str | None,
    influencer_attributes: pd.DataFrame | None,
    column_codes: tuple[np.ndarray, pd.Index] | None = None,
) -> tuple[np.ndarray, pd.Index]:
    """Return each exposure's group code (-1: in no group) from its first touch, and the group values."""
    if by is None:
        return np.zeros(len(panel.exposure_row), dtype=np.int64), pd.Index(["all"])
    if by == "influencer_id":
        return panel.exposure_influencer, panel.influencers
    if by in tracking.columns:
        if column_codes is None:
            codes, values = pd.factorize(tracking[by].take(panel.exposure_row), use_na_sentinel=True)
            return codes.astype(np.int64), pd.Index(values)
        codes, values = column_codes
        return np.asarray(codes, dtype=np.int64)[panel.exposure_row], pd.Index(values)
    if influencer_attributes is None or by not in influencer_attributes.columns:
        raise ValueError(f"cannot group exposures by {by!r}: no such tracking column or influencer attribute")
    attribute = influencer_attributes[by].reindex(panel.influencers)
    codes, values = pd.factorize(attribute, use_na_sentinel=True)
    return np.append(codes.astype(np.int64), -1)[panel.exposure_influencer], pd.Index(values)


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
        Group the exposures by this column of their first touch (``campaign``, ``influencer_id``) or
        attribute of their influencer (``platform``, ``category``, ``gender``, ``tier``, read from
        ``influencer_attributes``; an influencer missing there is in no such group). None: one overall row.
    window : int, default 14
        Length L in days of an exposure's window and of the baseline window.
    start, end : date or ISO string, optional
        Inclusive date filter on the exposures' first-touch day t.
    touch_mask : boolean Series or array, optional
        Per tracking row, whether an exposure first touched there is selected (campaign and influencer
        filters); every exposure when omitted. It never changes windows, coverage, baselines or effects.
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
    measured = _Measured(tracking, _build_panel(tracking, None, None, None))
    groups, group_values = _exposure_groups(tracking, measured.panel, by, influencer_attributes)
    return _estimate(
        measured,
        groups,
        group_values,
        spend,
        by,
        window,
        start,
        end,
        touch_mask,
        resamples,
        seed,
        min_eligible,
    )


def _estimate(
    measured: _Measured,
    groups: np.ndarray,
    group_values: pd.Index,
    spend: pd.Series | float,
    by: str | None,
    window: int,
    start: dt.date | str | None,
    end: dt.date | str | None,
    touch_mask: pd.Series | np.ndarray | None,
    resamples: int,
    seed: int,
    min_eligible: int,
) -> pd.DataFrame:
    """Measure each group's incremental revenue and iROAS (the arguments as in :func:`estimate_iroas`)."""
    panel = measured.panel
    days = panel.exposure_day
    first, last = _day_number(panel, start, 0), _day_number(panel, end, panel.n_days)
    effects = measured.effects(window)
    # The exposures the filters select, those measured among them, and each group's counts and sum.
    selected = (days >= first) & (days <= last) & (groups >= 0)
    if touch_mask is not None:
        selected &= np.asarray(touch_mask, dtype=bool)[panel.exposure_row]
    in_sum = selected & effects.eligible & ~np.isnan(effects.effect)
    n_groups = len(group_values)
    exposures = np.bincount(groups[selected], minlength=n_groups)
    eligible_exposures = np.bincount(groups[selected & effects.eligible], minlength=n_groups)
    effect_sum = np.bincount(groups[in_sum], weights=effects.effect[in_sum], minlength=n_groups)

    # The eligible exposures' summed effect, scaled up to all the group's exposures.
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
    low, high = _interval(measured, groups, in_sum, exposures, wanted, (window, first, last), resamples, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = low / group_spend, high / group_spend

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


def _interval(
    measured: _Measured,
    groups: np.ndarray,
    in_sum: np.ndarray,
    exposures: np.ndarray,
    wanted: np.ndarray,
    dates: tuple[int, int, int],
    resamples: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """
    Return the bootstrap interval of each wanted group's incremental revenue (NaN for the others).

    The population is the users with an eligible exposure in the dates (``dates`` = window, first and last
    day), whatever the other filters, in user_id order. A resample draws as many users with replacement; a
    group's value in it is ``S * exposures / n``, where S sums the effects and n counts the exposures in the
    group's sum (``in_sum``) of the drawn users, a user drawn twice counting twice. The interval is the
    2.5th and 97.5th percentiles over the resamples where n > 0.
    """
    nothing = np.full(len(exposures), np.nan)
    population = measured.population(*dates) if wanted.any() else np.zeros(0, dtype=np.int64)
    if not len(population):
        return nothing, nothing.copy()
    counts = measured.resample_counts(population, resamples, seed)
    row_of_user = np.full(int(population.max()) + 1, -1)
    row_of_user[population] = np.arange(len(population))
    keep = np.flatnonzero(in_sum & wanted[np.maximum(groups, 0)])
    effect = measured.effects(dates[0]).effect[keep]
    user_row = row_of_user[measured.panel.exposure_user[keep]]
    totals = _bootstrap.resampled_sums(counts, groups[keep], user_row, effect, len(exposures))
    with np.errstate(invalid="ignore", divide="ignore"):
        values = (totals[:, 0] * exposures[:, None] / totals[:, 1]).T  # NaN where n = 0
    values[:, ~wanted] = np.nan
    return _bootstrap.percentiles(values)


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
        The filtered view. Its filters only select exposures: the date filter by first-touch day, the
        campaign filter by the first touch's campaign, the influencer filters by the influencer. Product
        and source filters do not apply (the effect is measured on all of a user's revenue, and spend is
        never split by product or source).
    by : {None, "campaign", "influencer_id", "platform", "category", "gender", "tier"}
        Grouping; None gives the single overall row.
    interval : bool, default True
        Compute the bootstrap interval; False leaves ``iroas_low``/``iroas_high`` empty and is faster
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
    prepared = view.prepared  # the view's codes: the panel reuses them instead of factorising the ids
    influencer_ids = pd.Index(prepared.influencers["influencer_id"])
    measured = view.dataset.derived.get(
        "incrementality",
        lambda: _Measured(
            tracking, _build_panel(tracking, prepared.user, prepared.influencer, influencer_ids)
        ),
    )
    # Groups come from influencers.csv: an influencer missing there is in no platform/category/... row.
    known = view.influencers[view.influencers["known"]].set_index("influencer_id")
    column = (
        prepared.column(by) if by is not None and by != "influencer_id" and by in tracking.columns else None
    )
    groups, group_values = _exposure_groups(tracking, measured.panel, by, known, column)
    return _estimate(
        measured,
        groups,
        group_values,
        _group_spend(view, by),
        by,
        view.options.window,
        filters.start,
        filters.end,
        view.touch_passes,
        RESAMPLES if interval else 0,
        SEED,
        MIN_ELIGIBLE,
    )


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
