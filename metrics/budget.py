"""Budget optimizer: concave response curves per influencer and the spend split that maximises revenue.

Definitions and decisions in docs/budget.md. Each influencer's revenue is modelled as
``revenue_i(s) = a_i * s ** b`` with one exponent ``b`` shared by everyone (a fixed-effects log-log fit
of each 14-day period's post-basis spend against the revenue its posts bring in the two weeks after
them, used when the data identify it, the prior 0.6 otherwise) and ``a_i`` set so the curve passes through the influencer's actual spend and
last-touch revenue. The recommended split equalises marginal returns ``a_i * b * s_i ** (b - 1)`` under
the budget and per-influencer bounds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from metrics.formats import inr
from metrics.ratios import ratio_of_sums
from metrics.view import View

BUDGET_COLUMNS = [
    "influencer_id",
    "current_spend",
    "recommended_spend",
    "predicted_revenue_current",
    "predicted_revenue_recommended",
    "marginal_roas",
]
WEEKLY_COLUMNS = ["influencer_id", "week", "spend", "revenue"]
FIT_COLUMNS = [
    "b",
    "b_low",
    "b_high",
    "points",
    "identified",
    "budget_requested",
    "budget_used",
    "predicted_revenue_current",
    "predicted_revenue_recommended",
]
PERIOD_COLUMNS = ["influencer_id", "period", "spend", "revenue"]

PRIOR_EXPONENT = 0.6
DEFAULT_EXPONENT = PRIOR_EXPONENT
MIN_FIT_POINTS = 30
MAX_INTERVAL_WIDTH = 0.4
# A post sells over the two weeks after it goes out (docs/budget.md, "Which revenue goes with which spend").
RESPONSE_DAYS = 14
PERIOD_DAYS = 14
# Periods are counted from a fixed Monday so they do not move when the date filter changes.
PERIOD_ANCHOR = pd.Timestamp("1970-01-05")
BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 0
BISECTION_STEPS = 100
# Log-spend variation below this (summed squares per point) is rounding noise, not a change in spend.
_FLAT_SPEND_TOLERANCE = 1e-12


@dataclass(frozen=True)
class ExponentFit:
    """
    Describe the shared exponent ``b`` of the response curves and how it was obtained.

    Attributes
    ----------
    b : float
        The exponent the plan uses: the fitted slope when identified, otherwise ``PRIOR_EXPONENT``.
    estimate : float
        The fitted slope ``Σxy / Σx²``; NaN when nothing could be fitted.
    b_low, b_high : float
        The 95% interval of the fitted slope (bootstrap over influencers); NaN when fewer than two
        influencers can be fitted.
    points : int
        Influencer-periods the fit learns from (see :func:`fit_exponent`).
    influencers : int
        Influencers contributing those points.
    identified : bool
        True when ``points >= MIN_FIT_POINTS``, the interval is at most ``MAX_INTERVAL_WIDTH`` wide and
        the slope lies strictly between 0 and 1.
    reason : str
        Why the prior is used, in plain words; empty when identified.
    """

    b: float
    estimate: float
    b_low: float
    b_high: float
    points: int
    influencers: int
    identified: bool
    reason: str = ""

    @property
    def summary(self) -> str:
        """Return one plain sentence saying what ``b`` is and where it comes from."""
        if self.identified:
            return (
                "Each extra rupee earns a little less than the one before (fitted from "
                f"{self.points:,} influencer-periods: b = {self.b:.2f}, 95% interval "
                f"{self.b_low:.2f}–{self.b_high:.2f})"
            )
        return self.reason[:1].upper() + self.reason[1:]


def identification(points: int, estimate: float, low: float, high: float) -> tuple[bool, str]:
    """
    Apply the identification rule to a fit: enough points, a narrow interval, diminishing returns.

    Parameters
    ----------
    points : int
        Influencer-periods in the fit.
    estimate, low, high : float
        The fitted slope and its 95% interval (NaN when not computed).

    Returns
    -------
    (bool, str)
        Whether ``b`` is identified, and when it is not, why (ending with the prior that is used).

    Examples
    --------
    >>> identification(30, 0.58, 0.4, 0.8)
    (True, '')
    >>> identification(29, 0.58, 0.4, 0.8)[1]
    'too few points to fit the curve (29 influencer-periods, 30 needed): using the usual 0.6'
    """
    prior = f"using the usual {PRIOR_EXPONENT:g}"
    if points < MIN_FIT_POINTS or not np.isfinite(estimate):
        return False, (
            f"too few points to fit the curve ({points:,} influencer-periods, {MIN_FIT_POINTS} needed): {prior}"
        )
    width = high - low
    # Rounding in the percentiles must not turn an interval of exactly 0.4 into a refusal.
    if not np.isfinite(width) or width > MAX_INTERVAL_WIDTH + 1e-9:
        return False, (
            f"the data cannot pin the curve down (b = {estimate:.2f}, 95% interval {low:.2f}–{high:.2f}, "
            f"wider than {MAX_INTERVAL_WIDTH:g}): {prior}"
        )
    if not 0 < estimate < 1:
        return False, (
            f"the fit gives b = {estimate:.2f}, which is not a curve of diminishing returns (b must lie "
            f"between 0 and 1): {prior}"
        )
    return True, ""


@dataclass(frozen=True)
class BudgetResult:
    """
    Hold a budget recommendation: one row per influencer with spend, plus totals.

    Attributes
    ----------
    table : DataFrame
        ``BUDGET_COLUMNS``, one row per influencer with current spend > 0, sorted by influencer_id.
    b : float
        Exponent of the response curves.
    fit : ExponentFit or None
        How ``b`` was obtained (None when the caller passed ``b`` directly).
    requested_total : float
        The budget asked for.
    current_spend, recommended_spend : float
        Totals of the two spend columns; ``recommended_spend`` is the requested budget clipped to the
        feasible range.
    predicted_revenue_current, predicted_revenue_recommended, predicted_change : float
        Predicted revenue totals and their difference (recommended - current).
    message : str
        Why the budget was clipped or nothing was allocated; empty otherwise.
    excluded : tuple of str
        Influencers left out because their current spend is zero (or missing).
    """

    table: pd.DataFrame
    b: float
    fit: ExponentFit | None
    requested_total: float
    current_spend: float
    recommended_spend: float
    predicted_revenue_current: float
    predicted_revenue_recommended: float
    predicted_change: float
    message: str = ""
    excluded: tuple[str, ...] = field(default=())


def fit_exponent(
    periods: pd.DataFrame, draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED
) -> ExponentFit:
    """
    Fit the shared exponent ``b`` by a within-influencer (fixed-effects) log-log regression.

    Repeated (influencer, period) rows are summed. A point is an influencer-period with spend > 0 and
    revenue > 0 of an influencer with at least two such periods whose spend varies (otherwise its
    demeaned log spend is all zeros and says nothing about the slope). Log spend and log revenue are
    demeaned per influencer and ``b = Σxy / Σx²``. The 95% interval is the 2.5th and 97.5th percentile
    of ``b`` over ``draws`` bootstrap samples of influencers (drawn with replacement, seeded, so the
    same data always give the same interval). When :func:`identification` refuses the fit, ``b`` is
    ``PRIOR_EXPONENT``; the slope is never clipped.

    Parameters
    ----------
    periods : DataFrame
        ``influencer_id``, ``period``, ``spend``, ``revenue`` (as from :func:`paired_spend_revenue`).
    draws : int, default 1000
        Bootstrap samples.
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    ExponentFit

    Examples
    --------
    >>> periods = pd.DataFrame({"influencer_id": ["a"] * 3, "period": [1, 2, 3],
    ...                         "spend": [1.0, 2.0, 4.0], "revenue": [3.0, 4.0, 5.0]})
    >>> fit = fit_exponent(periods)
    >>> fit.identified, fit.b, fit.points
    (False, 0.6, 3)
    """
    # Integer codes and bincount keep this fast at 10,000 influencers x a year of periods.
    influencer_codes, _ = pd.factorize(periods["influencer_id"])
    period_codes, period_values = pd.factorize(periods["period"])
    known = (influencer_codes >= 0) & (period_codes >= 0)
    n_period_values = max(len(period_values), 1)
    pair_keys, pair = np.unique(
        influencer_codes[known] * n_period_values + period_codes[known], return_inverse=True
    )
    spend = np.bincount(pair, weights=periods["spend"].to_numpy(dtype="float64")[known])
    revenue = np.bincount(pair, weights=periods["revenue"].to_numpy(dtype="float64")[known])
    influencer = pair_keys // n_period_values

    usable = (spend > 0) & (revenue > 0)
    usable_periods = np.bincount(influencer[usable], minlength=influencer.max(initial=-1) + 1)
    candidate = usable & (usable_periods[influencer] >= 2)
    _, group = np.unique(influencer[candidate], return_inverse=True)
    x = _demeaned(np.log(spend[candidate]), group)
    y = _demeaned(np.log(revenue[candidate]), group)
    counts = np.bincount(group)
    sxx_each = np.bincount(group, weights=x * x, minlength=len(counts))
    varies = sxx_each > _FLAT_SPEND_TOLERANCE * np.maximum(counts, 1)
    sxx_each = sxx_each[varies]
    sxy_each = np.bincount(group, weights=x * y, minlength=len(counts))[varies]
    points = int(counts[varies].sum())
    influencers = int(varies.sum())

    estimate = float(sxy_each.sum() / sxx_each.sum()) if influencers else float("nan")
    low = high = float("nan")
    if influencers >= 2:
        rng = np.random.default_rng(seed)
        # Each draw picks `influencers` influencers with replacement; bincount turns picks into weights.
        picks = rng.integers(0, influencers, (draws, influencers))
        picks += np.arange(draws)[:, None] * influencers
        weights = np.bincount(picks.ravel(), minlength=draws * influencers).reshape(draws, influencers)
        with np.errstate(invalid="ignore", divide="ignore"):
            resampled = (weights @ sxy_each) / (weights @ sxx_each)
        low, high = (float(value) for value in np.nanpercentile(resampled, [2.5, 97.5]))
    identified, reason = identification(points, estimate, low, high)
    return ExponentFit(
        b=estimate if identified else PRIOR_EXPONENT,
        estimate=estimate,
        b_low=low,
        b_high=high,
        points=points,
        influencers=influencers,
        identified=identified,
        reason=reason,
    )


def _demeaned(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Subtract from each value the mean of its group (groups are small non-negative integer codes)."""
    counts = np.bincount(groups)
    means = np.bincount(groups, weights=values) / np.maximum(counts, 1)
    return values - means[groups]


def paired_spend_revenue(view: View) -> pd.DataFrame:
    """
    Pair each influencer's post-basis spend with the revenue its posts bring, per 14-day period.

    A post is paid when it goes out and sells over the following ``RESPONSE_DAYS`` days, so revenue is
    dated on the spend it follows, not on the day of sale: each credited order of an influencer goes to
    that influencer's latest dated post-basis spend on or before the order and fewer than
    ``RESPONSE_DAYS`` days before it; orders with no such spend are left out. Spend and the revenue so
    attached are summed per influencer and ``PERIOD_DAYS``-day period (counted from a fixed Monday) of
    the spend date. Order-basis spend is left out (see docs/budget.md, Decisions). :func:`recommend`
    passes a last-touch view.

    Parameters
    ----------
    view : View
        The filtered view (its ``spend`` and ``credited`` frames).

    Returns
    -------
    DataFrame
        ``influencer_id``, ``period`` (its first day, datetime64), ``spend``, ``revenue``; one row per
        influencer-period with post-basis spend, sorted by influencer and period.
    """
    spend, credited = view.spend, view.credited
    spend = spend[
        (
            (spend["basis"] == "post").fillna(False) & spend["date"].notna() & spend["influencer_id"].notna()
        ).to_numpy(dtype=bool)
    ]
    # Revenue of influencers without post-basis spend finds no spend to attach to in pair_by_timing.
    credited = credited[(credited["date"].notna() & credited["influencer_id"].notna()).to_numpy(dtype=bool)]
    return pair_by_timing(
        spend["influencer_id"],
        spend["date"],
        spend["spend"],
        credited["influencer_id"],
        credited["date"],
        credited["revenue"],
    )


def pair_by_timing(
    spend_ids: pd.Series,
    spend_dates: pd.Series,
    spend: pd.Series,
    revenue_ids: pd.Series,
    revenue_dates: pd.Series,
    revenue: pd.Series,
) -> pd.DataFrame:
    """
    Attach each revenue row to its influencer's latest spend date in the ``RESPONSE_DAYS`` before it.

    The pairing of :func:`paired_spend_revenue` on plain columns: spend rows (id, date, amount) and
    revenue rows (id, date, amount), dates without missing values.

    Returns
    -------
    DataFrame
        ``PERIOD_COLUMNS``, one row per influencer-period with spend.

    Examples
    --------
    >>> day = pd.to_datetime
    >>> pair_by_timing(pd.Series(["a", "a"]), day(pd.Series(["2025-01-06", "2025-01-27"])),
    ...                pd.Series([100.0, 200.0]), pd.Series(["a", "a", "a"]),
    ...                day(pd.Series(["2025-01-10", "2025-01-20", "2025-01-28"])),
    ...                pd.Series([30.0, 5.0, 70.0]))[["spend", "revenue"]].values.tolist()
    [[100.0, 30.0], [200.0, 70.0]]
    """
    codes, names = pd.factorize(pd.concat([spend_ids, revenue_ids], ignore_index=True))
    spend_codes, revenue_codes = codes[: len(spend_ids)], codes[len(spend_ids) :]
    spend_day = _days(spend_dates)
    revenue_day = _days(revenue_dates)
    # One sortable key per (influencer, day): the latest spend at or before an order is a searchsorted away.
    span = int(max(spend_day.max(initial=0), revenue_day.max(initial=0))) + RESPONSE_DAYS + 1
    spend_key = spend_codes * span + spend_day
    spend_keys = np.unique(spend_key)
    revenue_key = revenue_codes * span + revenue_day
    latest = np.searchsorted(spend_keys, revenue_key, side="right") - 1
    # With no spend at all nothing attaches; -1 matches no influencer code.
    found = spend_keys[np.maximum(latest, 0)] if len(spend_keys) else np.full(len(revenue_key), -1)
    attached = (latest >= 0) & (found // span == revenue_codes) & (revenue_key - found < RESPONSE_DAYS)

    spend_period = spend_day // PERIOD_DAYS
    revenue_period = (found % span)[attached] // PERIOD_DAYS
    n_periods = int(max(spend_period.max(initial=0), revenue_period.max(initial=0))) + 1
    keys, slot = np.unique(
        np.concatenate(
            [spend_codes * n_periods + spend_period, revenue_codes[attached] * n_periods + revenue_period]
        ),
        return_inverse=True,
    )
    n_spend = len(spend_codes)
    spend_sum = np.bincount(slot[:n_spend], weights=spend.to_numpy(dtype="float64"), minlength=len(keys))
    revenue_sum = np.bincount(
        slot[n_spend:], weights=revenue.to_numpy(dtype="float64")[attached], minlength=len(keys)
    )
    frame = pd.DataFrame(
        {
            "influencer_id": np.asarray(names, dtype=object)[keys // n_periods],
            "period": PERIOD_ANCHOR + pd.to_timedelta((keys % n_periods) * PERIOD_DAYS, unit="D"),
            "spend": spend_sum,
            "revenue": revenue_sum,
        }
    )
    # Revenue always follows a spend date, so every period here has spend; keep only those with spend > 0.
    frame = frame[frame["spend"] > 0].sort_values(["influencer_id", "period"], kind="stable")
    return frame.reset_index(drop=True)[PERIOD_COLUMNS]


def _days(dates: pd.Series) -> np.ndarray:
    """Return whole days since ``PERIOD_ANCHOR`` (dates are normalised to midnight)."""
    values = pd.to_datetime(dates).dt.normalize()
    return ((values - PERIOD_ANCHOR) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)


def weekly_spend_revenue(view: View, basis: str | None = None) -> pd.DataFrame:
    """
    Sum a view's dated spend and credited revenue per influencer and ISO week.

    Undated spend (payouts without posts or coded orders) has no week and is left out. Revenue is the
    credited revenue of the view's model, dated on the conversion date; :func:`recommend` passes a
    last-touch view.

    Parameters
    ----------
    view : View
        The filtered view (its ``spend`` and ``credited`` frames).
    basis : {"post", "order"}, optional
        Keep only spend of this payout basis, and revenue of the influencers with such spend; None keeps
        everything.

    Returns
    -------
    DataFrame
        ``influencer_id``, ``week`` (the Monday, datetime64), ``spend``, ``revenue``; one row per
        influencer-week with spend or revenue, missing amounts as 0, sorted by influencer and week.
    """
    spend, credited = view.spend, view.credited
    if basis is not None:
        spend = spend[(spend["basis"] == basis).fillna(False).to_numpy(dtype=bool)]
        credited = credited[credited["influencer_id"].isin(spend["influencer_id"]).to_numpy(dtype=bool)]
    return _weekly(spend, credited)


def _weekly(spend: pd.DataFrame, credited: pd.DataFrame) -> pd.DataFrame:
    def by_week(frame: pd.DataFrame, amount: str) -> pd.Series:
        dated = frame.loc[
            frame["date"].notna() & frame["influencer_id"].notna(), ["influencer_id", "date", amount]
        ]
        week = dated["date"].dt.normalize() - pd.to_timedelta(dated["date"].dt.day_of_week, unit="D")
        return dated.assign(week=week).groupby(["influencer_id", "week"])[amount].sum()

    weekly = pd.concat([by_week(spend, "spend"), by_week(credited, "revenue")], axis=1).fillna(0.0)
    weekly = weekly.astype("float64").sort_index().reset_index()
    return weekly[WEEKLY_COLUMNS]


def optimize(
    current: pd.DataFrame,
    b: float,
    total: float,
    lower: float = 0.5,
    upper: float = 2.0,
    locked: Iterable[str] = (),
) -> BudgetResult:
    """
    Split a budget over influencers to maximise ``Σ a_i s_i ** b`` within bounds.

    ``a_i = revenue_i / spend_i ** b``, so each curve passes through the influencer's current spend and
    revenue. Bounds are ``lower * spend_i <= s_i <= upper * spend_i``; locked influencers keep their
    current spend. The optimum equalises marginal returns: ``s_i(λ) = clip((λ / (a_i b)) ** (1 / (b - 1)),
    lo_i, hi_i)`` with the multiplier λ found by bisection in log space so that ``Σ s_i = total``.
    Influencers with spend but no revenue (``a_i = 0``) stay at their lower bound and receive only budget
    that the others cannot absorb within their upper bounds.

    Parameters
    ----------
    current : DataFrame
        ``influencer_id`` (unique), ``spend``, ``revenue``; optional ``lower``/``upper`` columns of
        per-influencer multipliers overriding the scalar ones (NaN keeps the scalar). Rows with spend
        <= 0 or missing are excluded from the plan.
    b : float
        Curve exponent, 0 < b < 1.
    total : float
        Budget to spend. A total outside ``[Σ lo_i, Σ hi_i]`` is clipped to the nearer end and
        ``BudgetResult.message`` says so.
    lower, upper : float, default 0.5 and 2.0
        Bounds as multiples of current spend, 0 <= lower <= upper.
    locked : iterable of str, default ()
        Influencer ids whose spend is fixed at its current value.

    Returns
    -------
    BudgetResult
        ``fit`` is None; :func:`recommend` fills it.

    Examples
    --------
    >>> plan = optimize(pd.DataFrame({"influencer_id": ["a", "b"], "spend": [100.0, 100.0],
    ...                               "revenue": [400.0, 100.0]}), b=0.5, total=200.0)
    >>> plan.table["recommended_spend"].round(6).tolist()
    [150.0, 50.0]
    >>> plan.message
    ''
    """
    if not 0 < b < 1:
        raise ValueError(f"the curve exponent b must lie strictly between 0 and 1, got {b}")
    if not np.isfinite(total) or total < 0:
        raise ValueError(f"the budget must be a finite amount >= 0, got {total}")
    if not 0 <= lower <= upper:
        raise ValueError(f"bounds must satisfy 0 <= lower <= upper, got lower={lower}, upper={upper}")
    if current["influencer_id"].duplicated().any():
        raise ValueError("influencer_id must be unique in the current spend and revenue frame")

    spends = pd.to_numeric(current["spend"], errors="coerce")
    has_spend = spends > 0
    excluded = tuple(sorted(current.loc[~has_spend, "influencer_id"].astype(str)))
    plan = current.loc[has_spend].assign(spend=spends[has_spend]).sort_values("influencer_id", kind="stable")

    spend = plan["spend"].to_numpy(dtype="float64")
    revenue = pd.to_numeric(plan["revenue"], errors="coerce").fillna(0.0).to_numpy(dtype="float64")
    if (revenue < 0).any():
        raise ValueError("revenue must be >= 0")
    low_multiplier = _multiplier(plan, "lower", lower)
    high_multiplier = _multiplier(plan, "upper", upper)
    if (low_multiplier < 0).any() or (low_multiplier > high_multiplier).any():
        raise ValueError("per-influencer bounds must satisfy 0 <= lower <= upper")
    is_locked = plan["influencer_id"].isin(list(locked)).to_numpy()
    low = np.where(is_locked, spend, low_multiplier * spend)
    high = np.where(is_locked, spend, high_multiplier * spend)

    budget, message = _feasible_total(float(total), float(low.sum()), float(high.sum()), len(plan))
    recommended = _allocate(revenue / spend**b, b, budget, low, high)
    if _keeping_current_is_no_worse(spend, revenue, recommended, b, low, high, budget):
        recommended = spend.copy()

    predicted_current = revenue
    predicted_recommended = revenue * (recommended / spend) ** b
    table = pd.DataFrame(
        {
            "influencer_id": plan["influencer_id"].to_numpy(),
            "current_spend": spend,
            "recommended_spend": recommended,
            "predicted_revenue_current": predicted_current,
            "predicted_revenue_recommended": predicted_recommended,
        }
    )
    table["marginal_roas"] = b * ratio_of_sums(
        table["predicted_revenue_recommended"], table["recommended_spend"]
    )
    return BudgetResult(
        table=table[BUDGET_COLUMNS],
        b=float(b),
        fit=None,
        requested_total=float(total),
        current_spend=float(spend.sum()),
        recommended_spend=float(recommended.sum()),
        predicted_revenue_current=float(predicted_current.sum()),
        predicted_revenue_recommended=float(predicted_recommended.sum()),
        predicted_change=float(predicted_recommended.sum() - predicted_current.sum()),
        message=message,
        excluded=excluded,
    )


def recommend(
    view: View,
    total: float | None = None,
    lower: float = 0.5,
    upper: float = 2.0,
    locked: Iterable[str] = (),
) -> BudgetResult:
    """
    Recommend a spend split for the influencers of a view, using last-touch revenue.

    Current spend is each influencer's allocated spend in the view (dated and, when no date filter is
    set, undated); current revenue is its last-touch credited revenue in the view, whatever model the
    view uses. ``b`` is fitted on the view's post-basis spend and the revenue that follows it
    (:func:`paired_spend_revenue`, :func:`fit_exponent`), or is the prior 0.6 when the data do not
    identify it; order-basis influencers are still in the plan.

    Parameters
    ----------
    view : View
        The filtered view.
    total : float, optional
        Budget to spend; None keeps the view's current total spend.
    lower, upper, locked
        As in :func:`optimize`.

    Returns
    -------
    BudgetResult
    """
    if view.options.model != "last_touch":
        view = View(view.dataset, view.filters, view.options.with_model("last_touch"))
    spend = view.spend.groupby("influencer_id")["spend"].sum()
    revenue = view.credited.groupby("influencer_id")["revenue"].sum()
    current = pd.concat([spend, revenue], axis=1).fillna(0.0).rename_axis("influencer_id").reset_index()
    # Order-basis spend is paid per order, so period by period it follows revenue by construction: fitting
    # on it would find b close to 1 whatever the real response. Only post-basis spend is a choice.
    fit = fit_exponent(paired_spend_revenue(view))
    budget = float(current["spend"].sum()) if total is None else total
    result = optimize(current, fit.b, budget, lower=lower, upper=upper, locked=locked)
    return replace(result, fit=fit)


def clip_message(view: View, total: float, lower: float = 0.5, upper: float = 2.0) -> str:
    """
    Return the message :func:`recommend` gives when ``total`` is outside the bounds' range, or "".

    Cheap (no fit, no optimisation): the command line prints it while the plan is written.
    """
    spend = view.spend.groupby("influencer_id")["spend"].sum()
    spend = spend[spend > 0]
    current = float(spend.sum())
    return _feasible_total(float(total), lower * current, upper * current, len(spend))[1]


def fit_table(result: BudgetResult) -> pd.DataFrame:
    """
    Return budget_fit.csv's one row for a plan: the curve's exponent, its interval and the totals.

    ``b`` is the exponent the plan uses; ``b_low``/``b_high`` the 95% interval of the fitted slope
    (NaN, written empty, when it could not be computed or ``b`` was given directly); ``identified``
    whether the data identify ``b`` (False when the prior is used); ``budget_requested`` the budget
    asked for and ``budget_used`` the one planned after bounds; the predicted revenue totals at current
    and recommended spend.
    """
    fit = result.fit
    return pd.DataFrame(
        {
            "b": [result.b],
            "b_low": [fit.b_low if fit is not None else np.nan],
            "b_high": [fit.b_high if fit is not None else np.nan],
            "points": [fit.points if fit is not None else 0],
            "identified": [bool(fit.identified) if fit is not None else False],
            "budget_requested": [result.requested_total],
            "budget_used": [result.recommended_spend],
            "predicted_revenue_current": [result.predicted_revenue_current],
            "predicted_revenue_recommended": [result.predicted_revenue_recommended],
        }
    )[FIT_COLUMNS]


def _multiplier(plan: pd.DataFrame, column: str, default: float) -> np.ndarray:
    if column not in plan:
        return np.full(len(plan), float(default))
    return pd.to_numeric(plan[column], errors="coerce").fillna(default).to_numpy(dtype="float64")


def _feasible_total(total: float, lowest: float, highest: float, n: int) -> tuple[float, str]:
    if n == 0:
        return 0.0, "No influencer has spend in this view, so there is nothing to allocate."
    if total < lowest:
        return lowest, (
            f"The budget {inr(total)} is below the smallest total the bounds allow ({inr(lowest)}, every "
            f"influencer at its lower bound): the plan uses {inr(lowest)}."
        )
    if total > highest:
        return highest, (
            f"The budget {inr(total)} is above the largest total the bounds allow ({inr(highest)}, every "
            f"influencer at its upper bound): the plan uses {inr(highest)}."
        )
    return total, ""


def _allocate(scale: np.ndarray, b: float, total: float, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Return the spends maximising Σ scale_i s_i^b with Σ s_i = total and low <= s <= high."""
    spends = low.copy()
    left = total - low.sum()
    if left <= 0:
        return spends
    free = (scale > 0) & (high > low)
    headroom = (high - low)[free].sum()
    if headroom <= left:
        spends[free] = high[free]
        left -= headroom
    else:
        spends[free] = _equalise_marginals(scale[free], b, left + low[free].sum(), low[free], high[free])
        left = 0.0
    # Influencers without revenue only take what the others cannot absorb, in proportion to headroom.
    idle = (scale == 0) & (high > low)
    if left > 0 and idle.any():
        room = (high - low)[idle]
        spends[idle] += left * room / room.sum()
    return spends


def _equalise_marginals(
    scale: np.ndarray, b: float, target: float, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """Bisect on log λ so that Σ clip((λ / (scale b)) ** (1 / (b - 1)), low, high) = target."""
    log_scale_b = np.log(scale * b)

    def spends_at(log_lambda: float) -> np.ndarray:
        unclipped = np.exp((log_lambda - log_scale_b) / (b - 1))
        return np.clip(unclipped, low, high)

    # At log_high every unclipped spend is <= low + step, so the sum is <= target; at log_low every
    # spend reaches its upper bound, so the sum is >= target.
    step = (target - low.sum()) / len(scale)
    log_high = float(np.max(log_scale_b + (b - 1) * np.log(low + step)))
    log_low = float(np.min(log_scale_b + (b - 1) * np.log(high)))
    for _ in range(BISECTION_STEPS):
        middle = 0.5 * (log_low + log_high)
        if middle in (log_low, log_high):
            break
        if spends_at(middle).sum() > target:
            log_low = middle
        else:
            log_high = middle
    return spends_at(0.5 * (log_low + log_high))


def _keeping_current_is_no_worse(
    spend: np.ndarray,
    revenue: np.ndarray,
    recommended: np.ndarray,
    b: float,
    low: np.ndarray,
    high: np.ndarray,
    budget: float,
) -> bool:
    # When today's split already spends the budget within bounds, the optimum cannot be worse than it;
    # rounding in the bisection could otherwise show a tiny negative change.
    if len(spend) == 0 or abs(budget - spend.sum()) > 1e-12 * spend.sum():
        return False
    if (spend < low).any() or (spend > high).any():
        return False
    return float((revenue * (recommended / spend) ** b).sum()) <= float(revenue.sum())
