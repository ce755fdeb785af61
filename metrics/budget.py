"""Budget optimizer: concave response curves per influencer and the spend split that maximises revenue.

Definitions and decisions in docs/budget.md. Each influencer's revenue is modelled as
``revenue_i(s) = a_i * s ** b`` with one exponent ``b`` shared by everyone (a fixed-effects log-log fit
over influencer-weeks) and ``a_i`` set so the curve passes through the influencer's actual spend and
last-touch revenue. The recommended split equalises marginal returns ``a_i * b * s_i ** (b - 1)`` under
the budget and per-influencer bounds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.ratios import ratio_of_sums

if TYPE_CHECKING:
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

DEFAULT_EXPONENT = 0.6
EXPONENT_RANGE = (0.2, 0.95)
MIN_FIT_WEEKS = 30
BISECTION_STEPS = 100
# Log-spend variation below this (summed squares per week) is rounding noise, not a change in spend.
_FLAT_SPEND_TOLERANCE = 1e-12


@dataclass(frozen=True)
class ExponentFit:
    """
    Describe the shared exponent ``b`` of the response curves and how it was obtained.

    Attributes
    ----------
    b : float
        The exponent used: the fitted slope clipped to ``EXPONENT_RANGE``, or ``DEFAULT_EXPONENT``.
    n_weeks : int
        Influencer-weeks the fit learns from: weeks with spend > 0 and revenue > 0 of influencers that
        have at least two such weeks (a single week carries no within-influencer variation).
    clipped : bool
        True when the fitted slope fell outside ``EXPONENT_RANGE`` and was clipped.
    fallback : bool
        True when there were too few weeks (or no variation in spend) and the default was used.
    estimate : float
        The unclipped fitted slope; NaN on fallback.
    n_influencers : int
        Influencers contributing the ``n_weeks`` weeks.
    """

    b: float
    n_weeks: int
    clipped: bool
    fallback: bool
    estimate: float = float("nan")
    n_influencers: int = 0

    @property
    def summary(self) -> str:
        """Return one sentence explaining where ``b`` comes from, for tooltips and reports."""
        if self.fallback:
            return (
                f"b = {self.b:g} (default): {self.n_weeks} influencer-weeks with spend and revenue, "
                f"at least {MIN_FIT_WEEKS} with varying spend are needed for a fit"
            )
        text = (
            f"b = {self.b:.3f} fitted on {self.n_weeks} influencer-weeks of {self.n_influencers} influencers"
        )
        if self.clipped:
            text += f" (estimate {self.estimate:.3f} clipped to [{EXPONENT_RANGE[0]}, {EXPONENT_RANGE[1]}])"
        return text


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


def fit_exponent(weekly: pd.DataFrame) -> ExponentFit:
    """
    Fit the shared exponent ``b`` by a within-influencer (fixed-effects) log-log regression.

    Only influencer-weeks with spend > 0 and revenue > 0 are used. Log spend and log revenue are
    demeaned per influencer and ``b = Σxy / Σx²``, clipped to ``EXPONENT_RANGE``. With fewer than
    ``MIN_FIT_WEEKS`` informative weeks, or no variation of spend within any influencer, ``b`` is
    ``DEFAULT_EXPONENT``.

    Parameters
    ----------
    weekly : DataFrame
        ``influencer_id``, ``week``, ``spend``, ``revenue`` (as from :func:`weekly_spend_revenue`);
        repeated (influencer, week) rows are summed.

    Returns
    -------
    ExponentFit

    Examples
    --------
    >>> weeks = pd.DataFrame({"influencer_id": ["a"] * 3, "week": [1, 2, 3],
    ...                       "spend": [1.0, 2.0, 4.0], "revenue": [3.0, 4.0, 5.0]})
    >>> fit_exponent(weeks).fallback
    True
    """
    # Integer codes and bincount keep this fast at 10,000 influencers x a year of weeks.
    influencer_codes, _ = pd.factorize(weekly["influencer_id"])
    week_codes, week_values = pd.factorize(weekly["week"])
    known = (influencer_codes >= 0) & (week_codes >= 0)
    n_week_values = max(len(week_values), 1)
    pair_keys, pair = np.unique(
        influencer_codes[known] * n_week_values + week_codes[known], return_inverse=True
    )
    spend = np.bincount(pair, weights=weekly["spend"].to_numpy(dtype="float64")[known])
    revenue = np.bincount(pair, weights=weekly["revenue"].to_numpy(dtype="float64")[known])
    influencer = pair_keys // n_week_values

    usable = (spend > 0) & (revenue > 0)
    usable_weeks = np.bincount(influencer[usable], minlength=influencer.max(initial=-1) + 1)
    informative = usable & (usable_weeks[influencer] >= 2)
    influencer = influencer[informative]
    x = _demeaned(np.log(spend[informative]), influencer)
    y = _demeaned(np.log(revenue[informative]), influencer)
    sxx = float(x @ x)
    sxy = float(x @ y)

    n_weeks = len(influencer)
    n_influencers = len(np.unique(influencer))
    if n_weeks < MIN_FIT_WEEKS or sxx <= _FLAT_SPEND_TOLERANCE * max(n_weeks, 1):
        return ExponentFit(
            DEFAULT_EXPONENT, n_weeks, clipped=False, fallback=True, n_influencers=n_influencers
        )
    estimate = sxy / sxx
    b = float(np.clip(estimate, *EXPONENT_RANGE))
    return ExponentFit(
        b, n_weeks, clipped=b != estimate, fallback=False, estimate=estimate, n_influencers=n_influencers
    )


def _demeaned(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Subtract from each value the mean of its group (groups are small non-negative integer codes)."""
    counts = np.bincount(groups)
    means = np.bincount(groups, weights=values) / np.maximum(counts, 1)
    return values - means[groups]


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
    view uses. ``b`` is fitted on the view's influencer-weeks of post-basis spend (:func:`fit_exponent`);
    order-basis influencers are still in the plan.

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
        from metrics.view import View

        view = View(view.dataset, view.filters, view.options.with_model("last_touch"))
    spend = view.spend.groupby("influencer_id")["spend"].sum()
    revenue = view.credited.groupby("influencer_id")["revenue"].sum()
    current = pd.concat([spend, revenue], axis=1).fillna(0.0).rename_axis("influencer_id").reset_index()
    # Order-basis spend is paid per order, so week by week it follows revenue by construction: fitting on
    # it would find b close to 1 whatever the real response. Only post-basis spend is a choice.
    fit = fit_exponent(weekly_spend_revenue(view, basis="post"))
    budget = float(current["spend"].sum()) if total is None else total
    result = optimize(current, fit.b, budget, lower=lower, upper=upper, locked=locked)
    return replace(result, fit=fit)


def _multiplier(plan: pd.DataFrame, column: str, default: float) -> np.ndarray:
    if column not in plan:
        return np.full(len(plan), float(default))
    return pd.to_numeric(plan[column], errors="coerce").fillna(default).to_numpy(dtype="float64")


def _feasible_total(total: float, lowest: float, highest: float, n: int) -> tuple[float, str]:
    if n == 0:
        return 0.0, "No influencer has spend in this view, so there is nothing to allocate."
    if total < lowest:
        return lowest, (
            f"The budget {total:,.2f} is below the smallest total the bounds allow ({lowest:,.2f}, every "
            f"influencer at its lower bound); the plan uses {lowest:,.2f}."
        )
    if total > highest:
        return highest, (
            f"The budget {total:,.2f} is above the largest total the bounds allow ({highest:,.2f}, every "
            f"influencer at its upper bound); the plan uses {highest:,.2f}."
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
