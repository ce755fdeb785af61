"""Filter state and analysis options: small frozen values used as cache keys.

Equal filter states have equal ``repr``s (sorted tuples, ISO dates), so a memoized call on
``(dataset key, Filters, Options)`` hits the same cache entry whatever order the user picked values in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

import pandas as pd

MODELS = ("last_touch", "first_touch", "linear", "time_decay", "position_based", "markov")
HEURISTIC_MODELS = MODELS[:-1]
MODEL_LABELS = {
    "last_touch": "Last touch",
    "first_touch": "First touch",
    "linear": "Linear",
    "time_decay": "Time decay",
    "position_based": "Position-based (40/20/40)",
    "markov": "Data-driven (Markov)",
}
MARKOV_GROUPINGS = ("platform", "campaign", "category", "influencer")
# The dates a filter may name: the range a data file's dates may take (metrics/ingest/values.py). Beyond it
# pandas' nanosecond timestamps overflow, and such a date can only be a typo or a forged request.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
# Inclusive ranges of the numeric options, in days (docs/security.md, "Limits"). With half-life >= 0.5
# and lookback <= 365, a time-decay weight never underflows to zero (2**-730 is well inside a float).
OPTION_RANGES: dict[str, tuple[float, float]] = {
    "lookback": (0, 365),
    "half_life": (0.5, 365),
    "window": (1, 365),
}


class InvalidOption(ValueError):
    """Raise for a filter date or an option value out of its range; ``name`` is the field's name."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(message)


def check_date(name: str, value: dt.date | None) -> None:
    """
    Raise :class:`InvalidOption` when ``value`` is outside ``DATE_MIN``..``DATE_MAX``.

    Examples
    --------
    >>> check_date("start", dt.date(2025, 1, 1))
    >>> check_date("start", dt.date(2300, 1, 1))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    metrics.filters.InvalidOption: start must be a date from 1900-01-01 to 2199-12-31, got 2300-01-01
    """
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise InvalidOption(
            name, f"{name} must be a date from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}, got {value}"
        )


def check_option(name: str, value: object) -> None:
    """
    Raise :class:`InvalidOption` unless ``value`` is a finite number in ``OPTION_RANGES[name]``.

    ``lookback`` and ``window`` are whole days; ``half_life`` may be fractional.

    Examples
    --------
    >>> check_option("half_life", 7.0)
    >>> check_option("half_life", float("nan"))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    metrics.filters.InvalidOption: half_life must be a number from 0.5 to 365, got nan
    """
    low, high = OPTION_RANGES[name]
    whole = name != "half_life"
    kind = "a whole number" if whole else "a number"
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if (
        not is_number
        or not math.isfinite(value)
        or (whole and value != int(value))
        or not low <= value <= high
    ):
        raise InvalidOption(name, f"{name} must be {kind} from {low:g} to {high:g}, got {value!r}")


TIERS = ("nano", "micro", "macro", "mega")

# Filter field -> URL query key (docs/ids.md, "URL query"); the same names are the CLI options.
LIST_FIELDS = {
    "campaigns": "campaign",
    "products": "product",
    "sources": "source",
    "platforms": "platform",
    "categories": "category",
    "genders": "gender",
    "tiers": "tier",
}


def _as_date(value: str | dt.date | pd.Timestamp | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _as_tuple(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(sorted({str(v) for v in values if v is not None and str(v) != ""}))


@dataclass(frozen=True)
class Filters:
    """
    Describe which slice of the data a view shows.

    An empty tuple means "no filter" on that dimension; ``start``/``end`` are inclusive and either may
    be open. Build one with :meth:`make`, which sorts and de-duplicates, so equal states compare and
    hash equal.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    campaigns: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_date("start", self.start)
        check_date("end", self.end)

    @classmethod
    def make(
        cls,
        start: str | dt.date | None = None,
        end: str | dt.date | None = None,
        **lists: Iterable[str] | str | None,
    ) -> Filters:
        """Build filters from loose values (ISO strings, lists in any order, ``None`` for unset)."""
        unknown = set(lists) - set(LIST_FIELDS)
        if unknown:
            raise TypeError(f"unknown filter field(s): {', '.join(sorted(unknown))}")
        return cls(
            start=_as_date(start),
            end=_as_date(end),
            **{name: _as_tuple(lists.get(name)) for name in LIST_FIELDS},
        )

    @property
    def has_dates(self) -> bool:
        """Return True when the date filter is set on either side."""
        return self.start is not None or self.end is not None

    @property
    def has_influencer_filter(self) -> bool:
        """Return True when platform, category, gender or tier narrows the influencers."""
        return bool(self.platforms or self.categories or self.genders or self.tiers)

    def date_mask(self, dates: pd.Series) -> pd.Series:
        """Return a boolean mask of ``dates`` inside the (inclusive, possibly open) date range."""
        mask = pd.Series(True, index=dates.index)
        if self.start is not None:
            mask &= dates >= pd.Timestamp(self.start)
        if self.end is not None:
            mask &= dates <= pd.Timestamp(self.end)
        return mask

    def to_query(self) -> dict[str, list[str]]:
        """Return the URL query form (keys of docs/ids.md, "URL query"), leaving unset filters out."""
        query: dict[str, list[str]] = {}
        if self.start is not None:
            query["start"] = [self.start.isoformat()]
        if self.end is not None:
            query["end"] = [self.end.isoformat()]
        for name, key in LIST_FIELDS.items():
            if getattr(self, name):
                query[key] = list(getattr(self, name))
        return query

    @classmethod
    def from_query(cls, query: dict[str, list[str]]) -> Filters:
        """Build filters from a parsed URL query (``urllib.parse.parse_qs`` form)."""
        first = {k: (v[0] if v else None) for k, v in query.items()}
        return cls.make(
            start=first.get("start"),
            end=first.get("end"),
            **{name: query.get(key) for name, key in LIST_FIELDS.items()},
        )

    def to_dict(self) -> dict:
        """Return a JSON-safe dict (for ``dcc.Store``)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or isinstance(value, dt.date):
                out[f.name] = None if value is None else value.isoformat()
            else:
                out[f.name] = list(value)
        return out

    @classmethod
    def from_dict(cls, data: dict | None) -> Filters:
        """Inverse of :meth:`to_dict`; tolerant of missing keys."""
        data = data or {}
        return cls.make(
            start=data.get("start"),
            end=data.get("end"),
            **{name: data.get(name) for name in LIST_FIELDS},
        )


@dataclass(frozen=True)
class Options:
    """
    Hold the analysis options that change numbers but are not filters.

    Parameters
    ----------
    model : str, default "last_touch"
        Attribution model driving every KPI and table (one of ``MODELS``).
    lookback : int, default 30
        Attribution lookback window in days (inclusive).
    half_life : float, default 7
        Half-life in days of the time-decay model.
    window : int, default 14
        Pre/post window length L in days for incrementality.
    markov_by : str, default "platform"
        Grouping of the data-driven (Markov) model.
    score_weights : tuple of (str, float), default DEFAULT_SCORE_WEIGHTS
        Weights of the influencer score components, summing to 1.
    """

    model: str = "last_touch"
    lookback: int = 30
    half_life: float = 7.0
    window: int = 14
    markov_by: str = "platform"
    score_weights: tuple[tuple[str, float], ...] = field(
        default=(
            ("roas", 0.3),
            ("engagement_rate", 0.2),
            ("conversion_rate", 0.2),
            ("revenue", 0.2),
            ("cpe", 0.1),
        )
    )

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown attribution model {self.model!r}; choose one of {', '.join(MODELS)}")
        if self.markov_by not in MARKOV_GROUPINGS:
            raise ValueError(
                f"unknown Markov grouping {self.markov_by!r}; choose one of {', '.join(MARKOV_GROUPINGS)}"
            )
        for name in OPTION_RANGES:
            check_option(name, getattr(self, name))

    def with_model(self, model: str) -> Options:
        """Return a copy using another attribution model."""
        return replace(self, model=model)

    def with_default_weights(self) -> Options:
        """Return a copy with the default score weights (for results the score does not change)."""
        return replace(self, score_weights=Options().score_weights)
