"""Every memoized result of a filter state, in one place: the getters callbacks, reports and the API read.

Every expensive result is memoized in the one cache (``store.backend``) on a small key: (dataset key,
frozen ``Filters``, frozen ``Options``, and a few plain arguments), never on data. A new upload gets a new
dataset key, so nothing is ever invalidated by hand. Frames are stored as Arrow IPC bytes
(``store.frames``), never as pickled DataFrames. Each getter checks first that its dataset is still
stored (:func:`require`) and returns a fresh frame.

* ``journeys(key, lookback)`` and ``credit(key, options, filters)`` — the attribution inputs, shared by
  every table of a dataset and model (filters only matter to the data-driven model);
* ``money_table`` (the money cards' KPIs), ``kpi_table`` (kpis.csv, iROAS included),
  ``previous_money_table``, ``campaign_table``, ``influencer_table``, ``trends``,
  ``payout_ledger``, ``insights`` — one per (key, filters, options), through ``VIEW_TABLES``;
* ``export_csv(key, filters, options, name)`` — the bytes of one export file, equal to
  ``python -m metrics export``'s file for the same filters and options;
* ``filter_options(key)`` and ``data_quality(key)`` — per dataset;
* the tabs' own tables and panels further down, each named after what it returns.

The one in-process shortcut is the :class:`~metrics.view.View` of the last few filter states of a loaded
dataset, kept on the dataset (``Dataset.derived``, :class:`RecentViews`), so the tables of one filter
state share one view and it goes when the dataset leaves the loaded-dataset LRU (``store.datasets``).

To cache a new table of a filter state: add its metrics function to ``VIEW_TABLES`` and, if callers
want a named getter, a ``partial(view_table, name)`` beside the others; anything else memoized goes here
too, with ``@cache.memoize()`` and a getter that calls :func:`require` first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import pandas as pd
import plotly.io as pio

import reports
from figures import campaigns as campaign_charts
from figures import overview as overview_charts
from figures import payouts as payout_charts
from metrics import (
    budget,
    comparison,
    export,
    formats,
    incrementality,
    kpis,
    payouts,
    personas,
    scoring,
    tables,
)
from metrics.filters import TIERS, Filters, Options
from metrics.journeys import journey_pairs
from metrics.markov import GroupingRefused
from metrics.periods import period_unit
from metrics.view import View
from store import datasets
from store.backend import cache
from store.frames import from_ipc, records, to_ipc

# Views kept per loaded dataset: the tables of one filter state (KPIs, trend, campaign and influencer
# tables) are computed from one view instead of rebuilding it per table.
VIEWS_KEPT = 2


class RecentViews:
    """The last ``VIEWS_KEPT`` views of one dataset by ``(filters, options)``: its ``derived["views"]``."""

    def __init__(self) -> None:
        self.views: OrderedDict[tuple[Filters, Options], View] = OrderedDict()
        self.lock = threading.Lock()


def require(key: str | None) -> None:
    """
    Raise ``DatasetExpired`` unless ``key``'s dataset is still stored.

    Every getter below checks this first: its memoized results are separate cache entries that can
    outlive the dataset (evicted, expired), and answering from them would show numbers on one part of
    the page while another says the data expired.
    """
    if not datasets.exists(key):
        raise datasets.DatasetExpired(key)


def view(key: str, filters: Filters, options: Options) -> View:
    """
    Return the view of a stored dataset, with its attribution inputs taken from the cache.

    Raises
    ------
    store.datasets.DatasetExpired
        When the dataset is no longer stored.
    """
    dataset = datasets.load(key)  # raises DatasetExpired, as require() would
    recent = dataset.derived.get("views", RecentViews)
    state = (filters, options)
    with recent.lock:
        if state in recent.views:
            recent.views.move_to_end(state)
            return recent.views[state]
    built = View(
        dataset,
        filters,
        options,
        credit=credit(key, options, filters),
        journeys=journeys(key, options.lookback),
    )
    with recent.lock:
        recent.views[state] = built
        while len(recent.views) > VIEWS_KEPT:
            recent.views.popitem(last=False)
    return built


@cache.memoize()
def _journeys_ipc(key: str, lookback: int) -> bytes:
    tracking = datasets.load(key).tracking
    return to_ipc(journey_pairs(tracking, lookback))


def journeys(key: str, lookback: int) -> pd.DataFrame:
    """Return every conversion's journey pairs (model-independent), computed once per dataset and lookback."""
    require(key)
    return from_ipc(_journeys_ipc(key, lookback))


@cache.memoize()
def _credit_ipc(key: str, options: Options, scope: Filters) -> bytes:
    dataset = datasets.load(key)
    uncached = View(dataset, scope, options, journeys=journeys(key, options.lookback))
    return to_ipc(uncached.credit)


def credit(key: str, options: Options, filters: Filters) -> pd.DataFrame:
    """
    Return the attribution credit of every conversion under ``options``.

    Heuristic models do not depend on the filters, so their credit is computed once per (dataset, options);
    the data-driven model's null paths use the date filter, so it is cached per filter state.
    """
    require(key)
    scope = filters if options.model == "markov" else Filters()
    # Score weights change no credit: one entry serves every weighting of the Influencers tab.
    return from_ipc(_credit_ipc(key, options.with_default_weights(), scope))


# The tables of one filter state, by name; each is computed once per (dataset key, filters, options).
VIEW_TABLES: dict[str, Callable[[View], pd.DataFrame]] = {
    "kpis": lambda v: export.build_table("kpis", v),
    "money": kpis.money_table,
    "campaigns": tables.campaign_table,
    "influencers": tables.influencer_table,
    "influencer_returns": tables.influencer_returns,
    "trends": tables.trends,
    "payouts": payouts.payout_ledger,
    # insights.csv's rows: the Overview shows them, so the panel and the download agree.
    "insights": lambda v: export.build_table("insights", v),
}


@cache.memoize()
def _view_table_ipc(name: str, key: str, filters: Filters, options: Options) -> bytes:
    return to_ipc(VIEW_TABLES[name](view(key, filters, options)))


def view_table(name: str, key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return table ``name`` of ``VIEW_TABLES`` for a filter state, computed once per state."""
    require(key)
    return from_ipc(_view_table_ipc(name, key, filters, options))


# Named getters of VIEW_TABLES' tables, each (key, filters, options) -> DataFrame, computed once per state.
kpi_table = partial(view_table, "kpis")  # kpis.csv's one row, incrementality included (slower)
money_table = partial(view_table, "money")  # the money cards' KPIs (metrics.kpis.money_table)
campaign_table = partial(view_table, "campaigns")  # metrics.tables.campaign_table
influencer_table = partial(view_table, "influencers")  # metrics.tables.influencer_table
influencer_returns = partial(view_table, "influencer_returns")  # metrics.tables.influencer_returns
trends = partial(view_table, "trends")  # metrics.tables.trends
payout_ledger = partial(view_table, "payouts")  # metrics.payouts.payout_ledger
insights = partial(view_table, "insights")  # insights.csv's rows (metrics.export.insights_file)


def previous_money_table(key: str, filters: Filters, options: Options) -> tuple[Filters, pd.DataFrame] | None:
    """
    Return the previous period of equal length and its money KPIs (``metrics.kpis.money_table``).

    None when that period lies entirely before the data. The cards compare revenue, orders, spend, ROAS
    and ROI.
    """
    previous = kpis.previous_period(filters, datasets.load(key))
    if previous is None:
        return None
    return previous, money_table(key, previous, options)


@cache.memoize()
def _export_csv(key: str, filters: Filters, options: Options, name: str) -> bytes:
    return export.to_csv_bytes(export.build_table(name, view(key, filters, options)))


def export_csv(key: str, filters: Filters, options: Options, name: str) -> bytes:
    """
    Return the bytes of export file ``name`` (without ``.csv``) for a filter state.

    The bytes are cached as written, so a download equals ``python -m metrics export``'s file exactly.
    """
    require(key)
    return _export_csv(key, filters, options, name)


def filter_options(key: str) -> dict[str, list[str]]:
    """Return the values each sidebar filter offers for a dataset (see :func:`_filter_options`)."""
    require(key)
    return _filter_options(key)


@cache.memoize()
def _filter_options(key: str) -> dict[str, list[str]]:
    """
    Return the values each sidebar filter offers for a dataset, keyed by ``Filters`` field name.

    Campaigns are those of touches and of allocated spend (so ``(unassigned)`` is offered when such
    spend exists); products and sources those of tracking; platform, category and gender those of the
    influencers (unknown ids included); tiers in size order.
    """
    unfiltered = View(datasets.load(key))
    influencers = unfiltered.influencers
    tracking = unfiltered.dataset.tracking
    campaigns = pd.concat(
        [tracking.loc[tracking["influencer_id"].notna(), "campaign"], unfiltered.spend["campaign"]]
    )

    def values(series: pd.Series) -> list[str]:
        return sorted(str(v) for v in series.dropna().unique() if str(v) != "")

    present_tiers = set(influencers["tier"].dropna())
    return {
        "campaigns": values(campaigns),
        "products": values(tracking["product"]),
        "sources": values(tracking["source"]),
        "platforms": values(influencers["platform"]),
        "categories": values(influencers["category"]),
        "genders": values(influencers["gender"]),
        "tiers": [tier for tier in TIERS if tier in present_tiers],
    }


@cache.memoize()
def _data_quality_ipc(key: str) -> bytes:
    return to_ipc(export.build_table("data_quality", View(datasets.load(key))))


def data_quality(key: str) -> pd.DataFrame:
    """Return the data-quality report of a dataset, as data_quality.csv holds it (filters do not apply)."""
    require(key)
    return from_ipc(_data_quality_ipc(key))


# --- Campaigns tab ----------------------------------------------------------------------------------

IROAS_COLUMNS = ["incremental_revenue", "iroas", "iroas_low", "iroas_high"]
DEFAULT_COMPARED = 2
# The comparison's rows: metric column -> how its cell is written.
COMPARED_METRICS = {
    "revenue": formats.inr,
    "orders": lambda value: formats.number(value, 0 if float(value).is_integer() else 1),
    "spend": formats.inr,
    "roas": formats.ratio,
    "roi": formats.roi,
    "cpa": formats.inr,
    "aov": formats.inr,
    "touched_users": formats.number,
    "conversion_rate": formats.percent,
    "incremental_revenue": formats.inr,
    "iroas": formats.ratio,
}


def _entry(name: str, *arguments: object) -> str:
    """
    Return the cache key of result ``name`` for ``arguments``: equal filter states have equal ``repr``s.

    Used by the getters that need to ask whether a result is stored without computing it.
    """
    digest = hashlib.sha256(repr(arguments).encode()).hexdigest()
    return f"result:{name}:{digest}"


@cache.memoize()
def _campaign_returns_ipc(key: str, filters: Filters, options: Options) -> bytes:
    seen = view(key, filters, options)
    return to_ipc(incrementality.add_iroas(campaign_table(key, filters, options), seen, "campaign"))


def campaign_returns(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """
    Return the campaign table with its incrementality columns (campaigns.csv plus ``insufficient_data``).

    ``metrics.tables.campaign_table`` joined by ``metrics.incrementality.add_iroas(..., "campaign")``,
    computed once per (dataset, filters, options).
    """
    return from_ipc(_campaign_returns_ipc(key, filters, options))


@cache.memoize()
def _campaign_estimates_ipc(key: str, filters: Filters, options: Options) -> bytes:
    seen = view(key, filters, options)
    table = campaign_table(key, filters, options)
    return to_ipc(incrementality.add_iroas(table, seen, "campaign", interval=False))


def campaign_estimates(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """
    Return :func:`campaign_returns` without the bootstrap interval (``iroas_low``/``iroas_high`` empty).

    Incremental revenue, iROAS and ``insufficient_data`` equal :func:`campaign_returns`'s: the interval is
    the slow part, so a panel showing only the estimate can be drawn in the first paint.
    """
    return from_ipc(_campaign_estimates_ipc(key, filters, options))


@cache.memoize()
def campaign_rows(key: str, filters: Filters, options: Options) -> list[dict]:
    """Return the campaign grid's rows without incrementality columns, once per filter state."""
    return records(campaign_table(key, filters, options))


def campaign_return_rows(key: str, filters: Filters, options: Options) -> list[dict]:
    """Return the campaign grid's rows with incrementality and its interval, once per filter state."""
    require(key)
    entry = _entry("campaign_return_rows", key, filters, options)
    rows = cache.get(entry)
    if rows is None:
        rows = records(campaign_returns(key, filters, options))
        cache.set(entry, rows)
    return rows


def stored_campaign_return_rows(key: str, filters: Filters, options: Options) -> list[dict] | None:
    """Return :func:`campaign_return_rows` if it is stored already, else None (never computes it)."""
    return cache.get(_entry("campaign_return_rows", key, filters, options))


@cache.memoize()
def trend_panel(key: str, filters: Filters, options: Options) -> dict:
    """
    Return the per-campaign trend panel of a filter state, computed once per (dataset, filters, options).

    Returns
    -------
    dict
        ``{"figure": JSON str, "unit": "day" | "week", "shown": int, "count": int}``, or ``{"figure": None}``
        when the filters leave no trend.
    """
    trend = trends(key, filters, options)
    if trend.empty:
        return {"figure": None}
    count = campaign_charts.campaign_names(trend).nunique()
    return {
        "figure": pio.to_json(campaign_charts.trends_by_campaign(trend)),
        "unit": period_unit(trend),
        "shown": min(count, campaign_charts.SMALL_MULTIPLES),
        "count": count,
    }


def compared_cell(row: pd.Series, metric: str) -> str:
    """
    Return one comparison cell: the formatted value, or why an iROAS value is missing.

    Examples
    --------
    >>> compared_cell(pd.Series({"iroas": float("nan"), "insufficient_data": True}), "iroas")
    'insufficient data'
    >>> compared_cell(pd.Series({"roas": 3.214}), "roas")
    '3.21×'
    """
    value = row[metric]
    if metric in IROAS_COLUMNS and formats.is_undefined(value) and bool(row.get("insufficient_data")):
        return "insufficient data"
    return COMPARED_METRICS[metric](value) if not formats.is_undefined(value) else formats.DASH


def compared_cells(table: pd.DataFrame, campaigns: list[str]) -> list[list[str]]:
    """Return the comparison's cells: one row per metric of ``COMPARED_METRICS``, one column per campaign."""
    rows = table.set_index(table["campaign"].astype("string"))
    return [[compared_cell(rows.loc[c], metric) for c in campaigns] for metric in COMPARED_METRICS]


@cache.memoize()
def comparison_parts(key: str, filters: Filters, options: Options, picked: tuple[str, ...] | None) -> dict:
    """
    Return what the comparison shows for a filter state and a pick, computed once per both.

    iROAS is the point estimate (:func:`campaign_estimates`): the comparison shows no interval, so the
    bootstrap stays out of the first paint.

    Returns
    -------
    dict
        ``{"names": campaigns offered, "chosen": campaigns compared, "cells": None | list of rows,
        "figure": None | JSON str}``; cells and figure are None when fewer than two are chosen.
    """
    table = campaign_estimates(key, filters, options)
    names = table["campaign"].astype("string").tolist()
    chosen = names[:DEFAULT_COMPARED] if picked is None else [name for name in picked if name in names]
    parts = {"names": names, "chosen": chosen, "cells": None, "figure": None}
    if len(chosen) >= 2:
        trend = trends(key, filters, options)
        parts["cells"] = compared_cells(table, chosen)
        parts["figure"] = pio.to_json(campaign_charts.compare_trends(trend, chosen))
    return parts


# --- Overview tab -----------------------------------------------------------------------------------


@cache.memoize()
def overview_figures(key: str, filters: Filters, options: Options) -> str:
    """
    Return the Overview's figures as JSON, computed once per (dataset, filters, options).

    Returns
    -------
    str
        JSON of ``{"trend": {"figure", "unit"} | None, "campaigns": {"figure", "shown", "total"} | None,
        "influencers": {...} | None}``; None where the filters leave nothing to draw.
    """
    trend = trends(key, filters, options)
    campaigns = campaign_table(key, filters, options)
    influencers = influencer_returns(key, filters, options)
    parts: dict = {"trend": None, "campaigns": None, "influencers": None}
    if not trend.empty:
        figure = pio.to_json(overview_charts.revenue_spend_over_time(trend))
        parts["trend"] = {"figure": figure, "unit": period_unit(trend)}
    active = campaigns[(campaigns["revenue"] > 0) | (campaigns["spend"] > 0)]
    if not active.empty:
        figure = overview_charts.revenue_spend_bars(active, "campaign")
        parts["campaigns"] = {
            "figure": pio.to_json(figure),
            "shown": min(overview_charts.TOP_N, len(active)),
            "total": len(active),
        }
    active = influencers[(influencers["revenue"] > 0) | (influencers["spend"] > 0)]
    if not active.empty:
        labelled = active.assign(label=active["name"].fillna(active["influencer_id"]))
        figure = overview_charts.revenue_spend_bars(labelled, "label")
        parts["influencers"] = {
            "figure": pio.to_json(figure),
            "shown": min(overview_charts.TOP_N, len(active)),
            "total": len(active),
        }
    return json.dumps(parts)


# --- Influencers tab --------------------------------------------------------------------------------


@cache.memoize()
def _measured_ipc(key: str, filters: Filters, options: Options) -> bytes:
    table = influencer_table(key, filters, options)
    return to_ipc(incrementality.add_iroas(table, view(key, filters, options), "influencer_id"))


@cache.memoize()
def _scored_ipc(key: str, filters: Filters, options: Options) -> bytes:
    measured = from_ipc(_measured_ipc(key, filters, options.with_default_weights()))
    return to_ipc(scoring.score_influencers(measured, options.score_weights))


def scored_influencers(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """
    Return the influencer table with iROAS (and its interval), score components, score and quadrant.

    Its columns include every influencers.csv column (``metrics.export.influencers_file``), plus
    iroas_low/iroas_high, insufficient_data, roas_shrunk and the ``<component>_percentile`` columns.
    """
    return from_ipc(_scored_ipc(key, filters, options))


@cache.memoize()
def _estimated_ipc(key: str, filters: Filters, options: Options) -> bytes:
    table = influencer_table(key, filters, options)
    seen = view(key, filters, options)
    return to_ipc(incrementality.add_iroas(table, seen, "influencer_id", interval=False))


@cache.memoize()
def _scored_estimates_ipc(key: str, filters: Filters, options: Options) -> bytes:
    measured = from_ipc(_estimated_ipc(key, filters, options.with_default_weights()))
    return to_ipc(scoring.score_influencers(measured, options.score_weights))


def scored_estimates(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """
    Return :func:`scored_influencers` without the bootstrap interval (``iroas_low``/``iroas_high`` empty).

    Every other column equals :func:`scored_influencers`'s (the score uses the iROAS estimate, never its
    interval): the matrix, the Influencers tab's first screen, is drawn without waiting for the bootstrap.
    """
    require(key)
    return from_ipc(_scored_estimates_ipc(key, filters, options))


@cache.memoize()
def _personas_ipc(key: str, filters: Filters, options: Options) -> bytes:
    return to_ipc(personas.rank_personas(influencer_table(key, filters, options)))


def ranked_personas(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return ``metrics.personas.rank_personas`` of the filter state (personas.csv rows plus ranked, rank)."""
    return from_ipc(_personas_ipc(key, filters, options.with_default_weights()))


@cache.memoize()
def _weekly_ipc(key: str, filters: Filters, options: Options) -> bytes:
    return to_ipc(budget.weekly_spend_revenue(view(key, filters, options)))


def weekly(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return spend and credited revenue per influencer and ISO week (``metrics.budget.weekly_spend_revenue``)."""
    return from_ipc(_weekly_ipc(key, filters, options.with_default_weights()))


# --- Payouts tab ------------------------------------------------------------------------------------

DEFAULT_LOWER, DEFAULT_UPPER = 0.5, 2.0


def budget_options(options: Options) -> Options:
    """Return the options the optimizer's view uses: last touch, default score weights."""
    return replace(options, model="last_touch", score_weights=Options().score_weights)


@cache.memoize()
def _spend_sums_ipc(key: str, filters: Filters, options: Options) -> bytes:
    seen = view(key, filters, options)
    return to_ipc(payout_charts.spend_by_basis_platform(seen.spend, seen.influencers))


def spend_sums(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return spend per basis and platform (``figures.payouts.spend_by_basis_platform``) of a filter state."""
    require(key)
    return from_ipc(_spend_sums_ipc(key, filters, options))


# Named apart from the earlier plan (without the fit's details) so no entry cached before is read back.
@cache.memoize()
def _plan_with_fit(
    key: str,
    filters: Filters,
    options: Options,
    total: float | None,
    lower: float,
    upper: float,
    locked: tuple,
) -> dict:
    result = budget.recommend(view(key, filters, options), total, lower=lower, upper=upper, locked=locked)
    fit = result.fit
    return {
        "table": to_ipc(result.table),
        "fit_table": to_ipc(budget.fit_table(result)),
        "b": result.b,
        "fit": fit.summary if fit is not None else "",
        "identified": bool(fit is not None and fit.identified),
        "points": fit.points if fit is not None else 0,
        "b_low": fit.b_low if fit is not None else float("nan"),
        "b_high": fit.b_high if fit is not None else float("nan"),
        "current_spend": result.current_spend,
        "recommended_spend": result.recommended_spend,
        "predicted_revenue_current": result.predicted_revenue_current,
        "predicted_revenue_recommended": result.predicted_revenue_recommended,
        "predicted_change": result.predicted_change,
        "message": result.message,
        "excluded": len(result.excluded),
    }


def budget_plan(
    key: str,
    filters: Filters,
    options: Options,
    total: float | None = None,
    lower: float = DEFAULT_LOWER,
    upper: float = DEFAULT_UPPER,
    locked: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, dict]:
    """
    Return ``metrics.budget.recommend`` for a filter state: the plan table and its totals.

    Memoized on (dataset, filters, total, bounds, locked); the model is always last touch.
    """
    plan = _plan_with_fit(
        key, filters, budget_options(options), total, float(lower), float(upper), tuple(sorted(locked))
    )
    return from_ipc(plan["table"]), {k: v for k, v in plan.items() if k != "table"}


def budget_fit_table(*plan_arguments: object) -> pd.DataFrame:
    """Return budget_fit.csv's row for the plan :func:`budget_plan` gives for the same arguments."""
    return from_ipc(budget_plan(*plan_arguments)[1]["fit_table"])


# --- ROI tab ----------------------------------------------------------------------------------------


@cache.memoize()
def _iroas_ipc(key: str, filters: Filters, options: Options, by: str) -> bytes:
    return to_ipc(incrementality.iroas_table(view(key, filters, options), by))


def iroas_by(key: str, filters: Filters, options: Options, by: str) -> pd.DataFrame:
    """Return ``metrics.incrementality.iroas_table(view, by)`` (with its interval), cached."""
    return from_ipc(_iroas_ipc(key, filters, options, by))


@cache.memoize()
def _comparison_ipc(key: str, filters: Filters, options: Options, by: str) -> tuple[bytes, str | None]:
    table = comparison.model_comparison(view(key, filters, options), by)
    return to_ipc(table), table.attrs.get("markov_unavailable")


def model_comparison(
    key: str, filters: Filters, options: Options, by: str
) -> tuple[pd.DataFrame, str | None]:
    """
    Return ``metrics.comparison.model_comparison(view, by)`` and why the data-driven model is missing.

    The reason is None when the data-driven columns are there.
    """
    data, unavailable_reason = _comparison_ipc(key, filters, options, by)
    return from_ipc(data), unavailable_reason


@cache.memoize()
def _markov_ipc(key: str, filters: Filters, options: Options) -> tuple[bytes | None, str | None]:
    view = View(datasets.load(key), filters, options, journeys=journeys(key, options.lookback))
    try:
        return to_ipc(comparison.markov_table(view)), None
    except GroupingRefused as refused:
        return None, str(refused)


def markov_table(key: str, filters: Filters, options: Options) -> tuple[pd.DataFrame | None, str | None]:
    """Return ``metrics.comparison.markov_table`` at ``options.markov_by``, or None and the refusal."""
    data, refused = _markov_ipc(key, filters, options)
    return (from_ipc(data) if data is not None else None), refused


# --- Reports and the HTTP API ----------------------------------------------------------------------


@cache.memoize()
def report_bytes(key: str, filters: Filters, options: Options, kind: str) -> bytes:
    """
    Return the report file of a stored dataset's view, built once per (key, filters, options, kind).

    Raises
    ------
    store.datasets.DatasetExpired
        When the dataset is no longer stored.
    """
    dataset = datasets.load(key)
    return reports.build_report(dataset, kind, filters, options, credit=credit(key, options, filters))


@cache.memoize()
def _data_period_iso(key: str) -> tuple[str, str] | None:
    bounds = datasets.load(key).date_range
    return None if bounds is None else (bounds[0].date().isoformat(), bounds[1].date().isoformat())


def data_period(key: str) -> tuple[dt.date, dt.date] | None:
    """
    Return the first and last date of a stored dataset, remembered in the shared

    A request on a worker that has not loaded the dataset yet then needs no full load just to read its
    date range (a cache hit stays a few small reads).
    """
    period = _data_period_iso(key)
    return None if period is None else (dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1]))
