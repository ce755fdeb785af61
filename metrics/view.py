"""One filtered, modelled look at a dataset: the frames every metric table is computed from (docs/metrics.md).

A :class:`View` applies the filter rules once:

* conversions are selected by their own date, product and source;
* their journeys use all earlier touches (also before the start date and of other campaigns), and the
  campaign, platform, category, gender and tier filters keep the credit that lands on matching touches;
* influencer attributes come from influencers.csv (an influencer id missing there gets the platform of
  its posts and empty other attributes);
* spend is allocated on its own (:mod:`metrics.spend`), then filtered by campaign and influencer; product
  and source never split it.

Every frame is computed lazily, once per view. The filter-independent work (integer codes of the tracking
columns, journeys, credit per model, the pieces of the spend allocation) is done once per dataset object
and shared by all its views, so a filter change costs array masks, not a pass over strings.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics import attribution
from metrics.dataset import Dataset
from metrics.filters import Filters, Options
from metrics.journeys import SortedTouches, conversion_mask, journey_pairs, sort_touches
from metrics.lazy import lazy
from metrics.lookup import isin
from metrics.ratios import ratio_of_sums
from metrics.spend import SpendParts, SpendRows, allocate_rows, spend_frame, spend_parts
from metrics.tiers import follower_tier

ATTRIBUTES = ["platform", "category", "gender", "tier"]
# Who an influencer is: the first columns of every influencer table.
PROFILE_COLUMNS = ["influencer_id", "name", "platform", "category", "gender", "follower_count", "tier"]
INFLUENCER_COLUMNS = [*PROFILE_COLUMNS, "known"]
CREDITED_COLUMNS = [
    "conversion_row",
    "touch_row",
    "weight",
    "user_id",
    "date",
    "product",
    "source",
    "influencer_id",
    "campaign",
    *ATTRIBUTES,
    "orders",
    "revenue",
]
FUNNEL_COLUMNS = ["touched_users", "converting_users", "conversion_rate"]
# Option-dependent results (journeys, credit) kept per dataset: a few model switches stay instant.
RECENT_RESULTS = 8
FILTER_OF_ATTRIBUTE = {
    "platform": "platforms",
    "category": "categories",
    "gender": "genders",
    "tier": "tiers",
}
TEXT_COLUMNS = ["influencer_id", "name", "platform", "category", "gender"]


def factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """
    Return ``pandas.factorize(column)`` as (codes, values): values in order of first appearance, -1 missing.

    A categorical column whose categories already are its values in order of first appearance (as
    ``metrics.ingest`` builds them, docs/data-contract.md) gives its own small codes without a copy.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.array.codes  # the categorical's own array: ``.cat.codes`` would copy it
        present = pd.unique(codes)
        present = present[present >= 0]
        if len(present) == len(column.cat.categories) and (present == np.arange(len(present))).all():
            return codes, pd.Index(column.cat.categories)
    if isinstance(column.array, pd.arrays.ArrowStringArray):
        # Arrow's hash encoding of one contiguous array is about twice as fast as pandas' factorize on a
        # chunked one (the tracking file's user ids: 0.2 s against 0.4 s at a million rows).
        encoded = pc.dictionary_encode(pa.chunked_array(pa.array(column.array)).combine_chunks())
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        return codes, pd.Index(pd.array(encoded.dictionary, dtype=column.dtype))
    codes, values = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Index(values)


def _allowed(codes: np.ndarray, values: pd.Index, selected: tuple[str, ...]) -> np.ndarray:
    """Return a mask of ``codes`` whose value is in ``selected`` (all True without a selection; -1 never)."""
    if not selected:
        return np.ones(len(codes), dtype=bool)
    lookup = np.append(isin(values, selected), False)
    return lookup[codes]


def _distinct(values: np.ndarray) -> np.ndarray:
    """Return the sorted distinct values of an int64 array (a sort: numpy's hash-based unique is slower here)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _contains(sorted_distinct: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Return whether each of ``values`` occurs in ``sorted_distinct``."""
    if not len(sorted_distinct):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_distinct, values), len(sorted_distinct) - 1)
    return sorted_distinct[at] == values


def _sum_by_code(sums: pd.DataFrame, codes: np.ndarray, values: pd.Index, name: str) -> pd.DataFrame:
    """Return the columns of ``sums`` summed per code (row order kept within a group; -1 left out)."""
    # pandas' grouped sum is compensated: grouping the same rows in the same order by integer codes
    # gives exactly the sums a grouping by the names gives.
    summed = sums.groupby(codes, sort=False).sum()
    summed = summed[summed.index >= 0]
    summed.index = pd.Index(values.take(summed.index.to_numpy()), dtype="string", name=name)
    return summed


def _unknown_platforms(posts: pd.DataFrame, unknown: pd.Index) -> pd.Series:
    """Return the most frequent post platform of each unknown id (ties: the one posted first)."""
    own = posts.loc[posts["influencer_id"].isin(unknown), ["influencer_id", "platform"]].reset_index(
        drop=True
    )
    if own.empty:
        return pd.Series(dtype="string")
    own["first"] = own.index
    counted = own.groupby(["influencer_id", "platform"], as_index=False).agg(
        posts=("first", "size"), first=("first", "min")
    )
    counted = counted.sort_values(["influencer_id", "posts", "first"], ascending=[True, False, True])
    chosen = counted.drop_duplicates("influencer_id")
    return pd.Series(chosen["platform"].to_numpy(), index=chosen["influencer_id"].to_numpy(), dtype="string")


def all_influencers(dataset: Dataset) -> pd.DataFrame:
    """
    Return every influencer id of the dataset with its attributes.

    Ids of influencers.csv first, in file order, then ids seen only in posts, tracking or payouts (sorted),
    with ``known`` False, the platform of their posts (the most frequent one) and other attributes empty.

    Returns
    -------
    DataFrame
        influencer_id, name, platform, category, gender, follower_count (Int64), tier, known.
    """
    known = dataset.influencers
    frame = pd.DataFrame(
        {
            "influencer_id": known["influencer_id"].astype("string"),
            "name": known["name"].astype("string"),
            "platform": known["platform"].astype("string"),
            "category": known["category"].astype("string"),
            "gender": known["gender"].astype("string"),
            "follower_count": known["follower_count"].astype("Int64"),
        }
    )
    seen = pd.Index(
        pd.concat(
            [
                pd.Series(dataset.posts["influencer_id"].unique()),
                pd.Series(dataset.tracking["influencer_id"].unique()),
                pd.Series(dataset.payouts["influencer_id"].unique()),
            ]
        )
        .astype("string")
        .dropna()
        .unique()
    )
    unknown = seen.difference(pd.Index(frame["influencer_id"])).sort_values()
    if len(unknown):
        extra = pd.DataFrame({"influencer_id": pd.array(unknown, dtype="string")})
        extra["platform"] = extra["influencer_id"].map(_unknown_platforms(dataset.posts, unknown))
        frame = pd.concat([frame, extra], ignore_index=True)
    frame = frame.astype({c: "string" for c in TEXT_COLUMNS}).astype({"follower_count": "Int64"})
    frame["tier"] = follower_tier(frame["follower_count"])
    frame["known"] = np.arange(len(frame)) < len(known)
    return frame[INFLUENCER_COLUMNS].reset_index(drop=True)


class Prepared:
    """
    Hold the filter-independent work on one dataset: integer codes of the tracking columns and memos.

    Built once per :class:`Dataset` object (see :func:`prepare`); datasets are immutable, so it never goes
    stale. Codes are positions into the matching ``*_values`` index, -1 for a missing value.
    """

    def __init__(self, dataset: Dataset) -> None:
        tracking = dataset.tracking
        self.influencers = all_influencers(dataset)
        ids = pd.Index(self.influencers["influencer_id"])
        # Factorize first, then look the few distinct ids up: get_indexer on a million strings is slow.
        codes, uniques = factorize(tracking["influencer_id"])
        lookup = np.append(ids.get_indexer(uniques.astype("string")), -1).astype(np.int32)
        self.influencer = lookup[codes]
        self.attribute_codes: dict[str, np.ndarray] = {}
        self.attribute_values: dict[str, pd.Index] = {}
        for attribute in ATTRIBUTES:
            attribute_codes, values = pd.factorize(self.influencers[attribute], use_na_sentinel=True)
            self.attribute_codes[attribute] = np.append(attribute_codes, -1)
            self.attribute_values[attribute] = pd.Index(values)
        user, _ = factorize(tracking["user_id"])
        # int32 codes hold any user count a machine can load, in half the memory of factorize's int64.
        self.user = user.astype(np.int32) if user.dtype == np.int64 else user
        self.date = tracking["date"].to_numpy(dtype="datetime64[ns]")
        self.is_conversion = conversion_mask(tracking).fillna(False).to_numpy(dtype=bool)
        # Views of the frame's own arrays, not copies (orders become float per credited row).
        self.orders = tracking["orders"].to_numpy()
        self.revenue = tracking["revenue"].to_numpy(dtype="float64")
        self._columns: dict[str, tuple[np.ndarray, pd.Index]] = {}
        self._memo: dict[Any, Any] = {}
        self._recent: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._dataset = weakref.ref(dataset)

    def column(self, name: str) -> tuple[np.ndarray, pd.Index]:
        """Return the codes and values of a tracking column, factorized once."""
        if name not in self._columns:
            self._columns[name] = factorize(self._dataset().tracking[name])
        return self._columns[name]

    def group_codes(self, by: str) -> tuple[np.ndarray, pd.Index]:
        """Return per tracking row the code of its group ``by`` (a touch attribute or a tracking column)."""
        if by == "influencer_id":
            return self.influencer, pd.Index(self.influencers["influencer_id"])
        if by in self.attribute_codes:
            return self.attribute_codes[by][self.influencer], self.attribute_values[by]
        return self.column(by)

    def memo(self, key: Any, compute: Callable[[], Any], *, recent: bool = False) -> Any:
        """
        Return ``compute()``, computed once per key for this dataset.

        With ``recent``, the result joins a small least-recently-used set (``RECENT_RESULTS`` entries)
        instead of being kept for the dataset's life: for results that vary with options.
        """
        store = self._recent if recent else self._memo
        with self._lock:
            if key in store:
                if recent:
                    self._recent.move_to_end(key)
                return store[key]
        # Computed outside the lock: two threads may both compute a missing entry, never block each other.
        result = compute()
        with self._lock:
            store[key] = result
            if recent and len(self._recent) > RECENT_RESULTS:
                self._recent.popitem(last=False)
        return result


def prepare(dataset: Dataset) -> Prepared:
    """Return the :class:`Prepared` work of ``dataset``, built once and kept in ``dataset.derived``."""
    return dataset.derived.get("prepared", lambda: Prepared(dataset))


class View:
    """
    Hold a dataset seen through filters and options, with the derived frames every table needs.

    Parameters
    ----------
    dataset : Dataset
        The validated frames.
    filters : Filters, optional
        The slice to show (default: everything).
    options : Options, optional
        Attribution model and its parameters (default: last touch, 30-day lookback).
    credit : DataFrame, optional
        A precomputed ``metrics.attribution.credit(dataset.tracking, options, filters)`` frame (conversion_row,
        touch_row, weight), e.g. cached per dataset and options; computed when omitted.
    journeys : DataFrame, optional
        Precomputed ``metrics.journeys.journey_pairs(dataset.tracking, options.lookback)`` (all its
        columns), used for converting users and handed to the attribution model; computed when omitted.

    Attributes
    ----------
    influencers : DataFrame
        Every influencer, also ids only seen in posts, tracking or payouts (``known`` False); not filtered.
    selected_ids : Index
        Ids passing the platform, category, gender and tier filters.
    tracking : DataFrame
        Tracking rows with ``row`` (position) and the touch influencer's attributes; not filtered.
    credited : DataFrame
        One row per (conversion, credited touch) after the filters, with credited orders and revenue.
    spend : DataFrame
        Allocated spend after the filters: influencer_id, campaign, date (NaT = undated), basis, spend.
    posts : DataFrame
        Posts in the date, influencer and campaign filters, with the influencer's attributes.
    touches : DataFrame
        Influencer touches dated in the date filter and passing the campaign and influencer filters.
    """

    def __init__(
        self,
        dataset: Dataset,
        filters: Filters | None = None,
        options: Options | None = None,
        *,
        credit: pd.DataFrame | None = None,
        journeys: pd.DataFrame | None = None,
    ) -> None:
        self.dataset = dataset
        self.filters = filters if filters is not None else Filters()
        self.options = options if options is not None else Options()
        self._credit = credit
        self._journeys = journeys
        self._funnels: dict[str | None, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"View(filters={self.filters!r}, options={self.options!r})"

    @lazy
    def prepared(self) -> Prepared:
        """Return the dataset's filter-independent codes and memos."""
        return prepare(self.dataset)

    # --- influencers -------------------------------------------------------------------------------

    @property
    def influencers(self) -> pd.DataFrame:
        """Return every influencer id with its attributes (see :func:`all_influencers`)."""
        return self.prepared.influencers

    @lazy
    def _selected(self) -> np.ndarray:
        """Return, per row of :attr:`influencers`, whether it passes the influencer filters."""
        prepared = self.prepared
        mask = np.ones(len(prepared.influencers), dtype=bool)
        for attribute, field in FILTER_OF_ATTRIBUTE.items():
            codes = prepared.attribute_codes[attribute][:-1]
            mask = mask & _allowed(codes, prepared.attribute_values[attribute], getattr(self.filters, field))
        return mask

    @lazy
    def selected_ids(self) -> pd.Index:
        """Return the ids passing the platform, category, gender and tier filters."""
        return pd.Index(self.influencers.loc[self._selected, "influencer_id"], name="influencer_id")

    # --- tracking masks ----------------------------------------------------------------------------

    def _date_mask(self, dates: np.ndarray) -> np.ndarray:
        mask = np.ones(len(dates), dtype=bool)
        if self.filters.start is not None:
            mask = mask & (dates >= np.datetime64(self.filters.start, "ns"))
        if self.filters.end is not None:
            mask = mask & (dates <= np.datetime64(self.filters.end, "ns"))
        return mask

    @lazy
    def touch_passes(self) -> np.ndarray:
        """
        Return, per tracking row, whether it is an influencer touch passing the campaign and influencer filters.

        Any date: journeys use touches before the start date too.
        """
        prepared = self.prepared
        campaign_codes, campaigns = prepared.column("campaign")
        mask = (prepared.influencer >= 0) & _allowed(campaign_codes, campaigns, self.filters.campaigns)
        if self.filters.has_influencer_filter:
            mask = mask & np.append(self._selected, False)[prepared.influencer]
        return mask

    @lazy
    def dated(self) -> np.ndarray:
        """Return, per tracking row, whether its date lies in the date filter."""
        return self._date_mask(self.prepared.date)

    @lazy
    def conversion_selected(self) -> np.ndarray:
        """Return, per tracking row, whether it is a conversion selected by its date, product and source."""
        prepared = self.prepared
        products, product_values = prepared.column("product")
        sources, source_values = prepared.column("source")
        return (
            prepared.is_conversion
            & self.dated
            & _allowed(products, product_values, self.filters.products)
            & _allowed(sources, source_values, self.filters.sources)
        )

    # --- tracking, credit, journeys ----------------------------------------------------------------

    @property
    def tracking(self) -> pd.DataFrame:
        """Return tracking rows with ``row`` (their position) and the touch influencer's attributes."""
        return self.prepared.memo("tracking", self._enriched_tracking)

    def _enriched_tracking(self) -> pd.DataFrame:
        prepared = self.prepared
        tracking = self.dataset.tracking.reset_index(drop=True)
        # Taking from the few distinct values (-1 gives <NA>) is several times faster than a Categorical.
        attributes = {
            attribute: pd.array(prepared.attribute_values[attribute], dtype="string").take(
                prepared.attribute_codes[attribute][prepared.influencer], allow_fill=True
            )
            for attribute in ATTRIBUTES
        }
        return tracking.assign(row=np.arange(len(tracking)), **attributes)

    @property
    def journeys(self) -> pd.DataFrame:
        """
        Return (conversion_row, touch_row, ...) for every touch in every conversion's journey.

        Journey membership is model-independent: it decides the converting users of a group.
        """
        if self._journeys is not None:
            return self._journeys
        return self.prepared.memo(("journeys", self.options.lookback), self._compute_journeys, recent=True)

    def _compute_journeys(self) -> pd.DataFrame:
        return journey_pairs(self.dataset.tracking, self.options.lookback, touches=self.sorted_touches)

    @property
    def sorted_touches(self) -> SortedTouches:
        """Return the influencer touches sorted by (user, date, file order), once per dataset and lookback."""
        return self.prepared.memo(("sorted_touches", self.options.lookback), self._sort_touches, recent=True)

    def _sort_touches(self) -> SortedTouches:
        # The user codes are the dataset's own: factorising a million user ids again is the costly step.
        return sort_touches(self.dataset.tracking, self.options.lookback, user_codes=self.prepared.user)

    @property
    def credit(self) -> pd.DataFrame:
        """Return the attribution credit of every conversion (conversion_row, touch_row, weight), unfiltered."""
        if self._credit is not None:
            return self._credit
        return self._view_credit

    @lazy
    def _view_credit(self) -> pd.DataFrame:
        # The data-driven chain is estimated on the filtered period, so it is computed per view; the other
        # models ignore filters and are shared by every view of the dataset with these options.
        if self.options.model == "markov":
            return self._compute_credit()
        key = ("credit", self.options.model, self.options.lookback, self.options.half_life)
        return self.prepared.memo(key, self._compute_credit, recent=True)

    def _compute_credit(self) -> pd.DataFrame:
        # Rule-based weights need only the journeys; the data-driven chain also walks the sorted touches.
        return attribution.credit(
            self.dataset.tracking,
            self.options,
            self.filters,
            attributes=self.influencers,
            pairs=self.journeys,
            touches=self.sorted_touches if self.options.model == "markov" else None,
        )

    @lazy
    def _credited_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return conversion_row, touch_row, weight, credited orders and revenue of :attr:`credited`."""
        credit = self.credit
        conversion_rows = credit["conversion_row"].to_numpy(dtype="int64")
        touch_rows = credit["touch_row"].to_numpy(dtype="int64")
        keep = self.conversion_selected[conversion_rows] & self.touch_passes[touch_rows]
        conversion_rows, touch_rows = conversion_rows[keep], touch_rows[keep]
        weight = credit["weight"].to_numpy(dtype="float64")[keep]
        prepared = self.prepared
        orders = weight * prepared.orders[conversion_rows].astype(np.float64)
        revenue = weight * prepared.revenue[conversion_rows]
        return conversion_rows, touch_rows, weight, orders, revenue

    @lazy
    def credited(self) -> pd.DataFrame:
        """
        Return one row per (selected conversion, credited touch passing the filters) with credited amounts.

        ``weight`` is the touch's journey weight; credited orders and revenue are it times the
        conversion's, under every model (docs/attribution.md).
        """
        conversion_rows, touch_rows, weight, orders, revenue = self._credited_rows
        tracking = self.dataset.tracking
        # Text as ``string`` whatever the frame stores it as (categorical in ingested data).
        conversion = tracking[["user_id", "date", "product", "source"]].take(conversion_rows)
        conversion = conversion.astype({"user_id": "string", "product": "string", "source": "string"})
        touch = tracking[["influencer_id", "campaign"]].take(touch_rows)
        people = self.influencers[ATTRIBUTES].take(self.prepared.influencer[touch_rows])
        frame = pd.concat(
            [
                pd.DataFrame({"conversion_row": conversion_rows, "touch_row": touch_rows, "weight": weight}),
                conversion.reset_index(drop=True),
                touch.reset_index(drop=True).astype("string"),
                people.reset_index(drop=True),
            ],
            axis=1,
        )
        frame["orders"] = orders
        frame["revenue"] = revenue
        return frame[CREDITED_COLUMNS]

    def credited_totals(self, by: str | None = None) -> pd.DataFrame:
        """
        Sum the credited revenue and orders of :attr:`credited`, overall or per group of the credited touch.

        Equal to ``credited.groupby(by, sort=False)[["revenue", "orders"]].sum()`` (same sums, in the same
        row order) without building the frame: the groups are integer codes.

        Parameters
        ----------
        by : str, optional
            ``campaign``, ``influencer_id``, ``platform``, ``category``, ``gender`` or ``tier``; None for
            one row of everything (index ``"all"``).

        Returns
        -------
        DataFrame
            revenue, orders (float64) indexed by the group value (string); touches without a group value
            are left out of groups.
        """
        _, touch_rows, _, orders, revenue = self._credited_rows
        if by is None:
            return pd.DataFrame(
                {"revenue": [float(pd.Series(revenue).sum())], "orders": [float(pd.Series(orders).sum())]},
                index=pd.Index(["all"], dtype="string", name="group"),
            )
        codes, values = self.prepared.group_codes(by)
        sums = pd.DataFrame({"revenue": revenue, "orders": orders})
        return _sum_by_code(sums, codes[touch_rows], values, by)

    def credited_daily(self, by: str) -> pd.DataFrame:
        """
        Sum the credited revenue and orders per (conversion date, group of the credited touch).

        Equal to ``credited.groupby(["date", by], dropna=False)[["revenue", "orders"]].sum()`` (the same
        sums, summed in the same row order) without building the frame.

        Returns
        -------
        DataFrame
            revenue, orders indexed by (date, ``by``), sorted; a touch without a group value has ``<NA>``.
        """
        conversion_rows, touch_rows, _, orders, revenue = self._credited_rows
        codes, values = self.prepared.group_codes(by)
        dates = self.dataset.tracking["date"].to_numpy()[conversion_rows]
        sums = pd.DataFrame({"revenue": revenue, "orders": orders})
        summed = sums.groupby([dates, codes[touch_rows]], dropna=False).sum()
        group_codes = summed.index.get_level_values(1).to_numpy()
        # Code -1 (no group value) takes the appended missing value.
        labels = pd.array([*values, pd.NA], dtype="string")
        labels = labels.take(np.where(group_codes < 0, len(values), group_codes))
        summed.index = pd.MultiIndex.from_arrays(
            [summed.index.get_level_values(0), labels], names=["date", by]
        )
        return summed

    # --- spend, posts, touches ---------------------------------------------------------------------

    @property
    def spend_parts(self) -> SpendParts:
        """Return the filter-independent pieces of the spend allocation (computed once per dataset)."""
        return self.prepared.memo("spend_parts", lambda: spend_parts(self.dataset))

    @lazy
    def _spend_rows(self) -> SpendRows:
        """Return the allocated spend rows (codes) in the date filter, kept for campaign and influencer filters."""
        parts = self.spend_parts
        rows = allocate_rows(parts, self.filters)
        mask = np.ones(len(rows), dtype=bool)
        if self.filters.campaigns:
            mask &= np.append(isin(parts.campaigns, self.filters.campaigns), False)[rows.campaign]
        if self.filters.has_influencer_filter:
            mask &= isin(parts.ids, self.selected_ids)[rows.influencer]
        return rows.take(mask)

    @lazy
    def spend(self) -> pd.DataFrame:
        """Return allocated spend in the date filter, kept for the campaign and influencer filters."""
        return spend_frame(self._spend_rows, self.spend_parts)

    def spend_totals(self, by: str | None = None) -> pd.DataFrame:
        """
        Sum the allocated spend of :attr:`spend`, overall or per ``campaign`` or ``influencer_id``.

        Equal to ``spend.groupby(by, sort=False)[["spend"]].sum()`` without building the frame.

        Returns
        -------
        DataFrame
            spend (float64) indexed by the group value (string), or one row ``"all"`` when ``by`` is None.
        """
        rows = self._spend_rows
        if by is None:
            return pd.DataFrame(
                {"spend": [float(pd.Series(rows.spend).sum())]},
                index=pd.Index(["all"], dtype="string", name="group"),
            )
        sums = pd.DataFrame({"spend": rows.spend})
        if by == "campaign":
            return _sum_by_code(sums, rows.campaign, self.spend_parts.campaigns, by)
        if by == "influencer_id":
            return _sum_by_code(sums, rows.influencer, self.spend_parts.ids, by)
        raise ValueError(f"spend is summed by campaign or influencer_id, not {by!r}")

    @lazy
    def posts(self) -> pd.DataFrame:
        """
        Return posts in the date, influencer and campaign filters with the influencer's attributes.

        The post's own platform is kept as ``post_platform``; ``platform`` is the influencer's. With a
        campaign filter, a post is kept by its own ``campaign`` when the file has that column, else when its
        influencer has a touch in those campaigns (at any date).
        """
        posts = self._all_posts
        mask = self._post_mask
        if mask.all():
            # A shallow copy shares the dataset's posts instead of a second copy (copy-on-write keeps them apart).
            return posts.copy(deep=False)
        return posts[mask].reset_index(drop=True)

    def post_totals(self, columns: list[str]) -> pd.Series:
        """Return the sums of ``columns`` over :attr:`posts` without building that frame (for the KPIs)."""
        posts, mask = self._all_posts, self._post_mask
        return pd.Series({name: posts[name].to_numpy()[mask].sum() for name in columns})

    @property
    def _all_posts(self) -> pd.DataFrame:
        return self.prepared.memo("posts", self._posts_with_attributes)

    @lazy
    def _post_mask(self) -> np.ndarray:
        """Return which of the dataset's posts :attr:`posts` keeps."""
        posts = self._all_posts
        mask = self._date_mask(posts["date"].to_numpy(dtype="datetime64[ns]"))
        if self.filters.has_influencer_filter:
            mask = mask & isin(posts["influencer_id"], self.selected_ids)
        if self.filters.campaigns:
            if "campaign" in posts:
                mask = mask & isin(posts["campaign"], self.filters.campaigns)
            else:
                in_campaigns = self.influencers["influencer_id"].take(
                    _distinct(self.prepared.influencer[self.touch_passes].astype(np.int64))
                )
                mask = mask & isin(posts["influencer_id"], in_campaigns)
        return mask

    def _posts_with_attributes(self) -> pd.DataFrame:
        posts = self.dataset.posts.reset_index(drop=True).rename(columns={"platform": "post_platform"})
        posts["influencer_id"] = posts["influencer_id"].astype("string")
        people = self.influencers.set_index("influencer_id")[[*ATTRIBUTES, "follower_count"]]
        found = people.reindex(posts["influencer_id"].to_numpy()).reset_index(drop=True)
        return pd.concat([posts, found], axis=1)

    @lazy
    def touches(self) -> pd.DataFrame:
        """Return influencer touches dated in the date filter that pass the campaign and influencer filters."""
        return self.tracking[self.touch_passes & self.dated].reset_index(drop=True)

    # --- users -------------------------------------------------------------------------------------

    def user_funnel(self, by: str | None = None) -> pd.DataFrame:
        """
        Count touched and converting users per group.

        Touched users of a group are users with a touch of that group dated in the date filter;
        converting users are those touched users with a selected conversion whose journey holds a touch of
        the group (model-independent); conversion rate = converting users / touched users.

        Parameters
        ----------
        by : str, optional
            A touch column to group by (``campaign``, ``influencer_id``, ``platform``, ``category``,
            ``gender``, ``tier`` or another tracking column); None for one group of everything (index
            ``"all"``).

        Returns
        -------
        DataFrame
            Indexed by the group value: touched_users, converting_users (int64), conversion_rate; groups
            without touched users are left out (except the single ``"all"`` row).
        """
        if by not in self._funnels:
            self._funnels[by] = self._user_funnel(by)
        return self._funnels[by]

    def _user_funnel(self, by: str | None) -> pd.DataFrame:
        prepared = self.prepared
        user_codes = prepared.user
        if by is None:
            group_codes = np.zeros(len(user_codes), dtype=np.int64)
            group_values = pd.Index(["all"], dtype="string")
        else:
            group_codes, group_values = prepared.group_codes(by)
        valid = (group_codes >= 0) & (user_codes >= 0)

        # A (group, user) pair is one int64, so de-duplicating pairs is one sort.
        touched_rows = np.flatnonzero(self.touch_passes & self.dated & valid)
        touched = _distinct(group_codes[touched_rows].astype(np.int64) << 32 | user_codes[touched_rows])

        journeys = self.journeys
        conversion_rows = journeys["conversion_row"].to_numpy(dtype="int64")
        touch_rows = journeys["touch_row"].to_numpy(dtype="int64")
        keep = self.conversion_selected[conversion_rows] & self.touch_passes[touch_rows] & valid[touch_rows]
        converting = _distinct(
            group_codes[touch_rows[keep]].astype(np.int64) << 32 | user_codes[conversion_rows[keep]]
        )
        converting = converting[_contains(touched, converting)]

        size = len(group_values)
        funnel = pd.DataFrame(
            {
                "touched_users": np.bincount(touched >> 32, minlength=size),
                "converting_users": np.bincount(converting >> 32, minlength=size),
            },
            index=pd.Index(group_values, name=by or "group"),
        )
        if by is not None:
            funnel = funnel[funnel["touched_users"] > 0]
        funnel["conversion_rate"] = ratio_of_sums(funnel["converting_users"], funnel["touched_users"])
        return funnel[FUNNEL_COLUMNS]
