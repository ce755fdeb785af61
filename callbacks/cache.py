"""Server-side cache: the Flask-Caching object, Arrow IPC (de)serialisation and memoized metrics calls.

Every expensive result is memoized on a small key: (dataset key, frozen ``Filters``, frozen ``Options``),
never on data. A new upload gets a new dataset key, so nothing is ever invalidated by hand. Frames are
stored as Arrow IPC bytes (Flask-Caching only wraps the bytes), never as pickled DataFrames.

Cached getters (each returns a fresh frame):

* ``journeys(key, lookback)`` and ``credit(key, options, filters)`` — the attribution inputs, shared by
  every table of a dataset and model (filters only matter to the data-driven model);
* ``money_table`` (the money cards' KPIs), ``kpi_table`` (kpis.csv, iROAS included),
  ``previous_money_table``, ``campaign_table``, ``influencer_table``, ``trends``,
  ``payout_ledger``, ``insights`` — one per (key, filters, options);
* ``export_csv(key, filters, options, name)`` — the bytes of one export file, equal to
  ``python -m metrics export``'s file for the same filters and options;
* ``filter_options(key)`` — the values each sidebar dropdown offers.

To cache a new table of a filter state: add its metrics function to ``VIEW_TABLES`` and, if callers
want a named getter, a one-line wrapper around ``view_table``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd
import pyarrow as pa
from flask_caching import Cache

from callbacks import datasets
from metrics import export, kpis, payouts, tables
from metrics.filters import TIERS, Filters, Options
from metrics.journeys import journey_pairs
from metrics.view import View

cache = Cache()

# Views of the last few (key, filters, options) in this process: the tables of one filter state (KPIs,
# trend, campaign and influencer tables) are computed from one view instead of rebuilding it per table.
_VIEWS_KEPT = 2
_views: OrderedDict[tuple, View] = OrderedDict()
_views_lock = threading.Lock()


def to_ipc(frame: pd.DataFrame) -> bytes:
    """
    Serialise a frame as Arrow IPC stream bytes (dtypes kept; object columns come back as strings).

    See Also
    --------
    from_ipc : the inverse.
    """
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(data: bytes) -> pd.DataFrame:
    """Read a frame written by :func:`to_ipc`."""
    return pa.ipc.open_stream(data).read_all().to_pandas()


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
    callbacks.datasets.DatasetExpired
        When the dataset is no longer stored.
    """
    require(key)
    cache_key = (key, filters, options)
    with _views_lock:
        if cache_key in _views:
            _views.move_to_end(cache_key)
            return _views[cache_key]
    dataset = datasets.load(key)
    built = View(
        dataset,
        filters,
        options,
        credit=credit(key, options, filters),
        journeys=journeys(key, options.lookback),
    )
    with _views_lock:
        _views[cache_key] = built
        while len(_views) > _VIEWS_KEPT:
            _views.popitem(last=False)
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


def kpi_table(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return the one-row kpis.csv table of a filter state, incrementality included (slower)."""
    return view_table("kpis", key, filters, options)


def money_table(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return the money KPIs (``metrics.kpis.money_table``): revenue to AOV, for the money cards."""
    return view_table("money", key, filters, options)


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


def campaign_table(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return the campaign table of a filter state (``metrics.tables.campaign_table``)."""
    return view_table("campaigns", key, filters, options)


def influencer_table(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return the influencer table of a filter state (``metrics.tables.influencer_table``)."""
    return view_table("influencers", key, filters, options)


def influencer_returns(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return revenue, orders and spend of the influencers with either (``metrics.tables.influencer_returns``)."""
    return view_table("influencer_returns", key, filters, options)


def trends(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return revenue, orders and spend per (date, campaign) (``metrics.tables.trends``)."""
    return view_table("trends", key, filters, options)


def payout_ledger(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return the payout ledger (``metrics.payouts.payout_ledger``)."""
    return view_table("payouts", key, filters, options)


def insights(key: str, filters: Filters, options: Options) -> pd.DataFrame:
    """Return the view's findings as insights.csv holds them (``metrics.export.insights_file``)."""
    return view_table("insights", key, filters, options)


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
