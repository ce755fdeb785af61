"""The parsed, validated input: four typed frames plus the data-quality report.

Frame contract (docs/data-contract.md). Row order is the file order (after dropped rows are removed,
the index is a fresh RangeIndex): attribution breaks same-day ties by it.

influencers : influencer_id (str, unique), name, category, gender, platform (str),
              follower_count (int64), plus any extra columns of the file, kept as text
posts       : influencer_id, platform, url, caption (str), date (datetime64, midnight),
              reach, likes, comments (int64); optional post_id, campaign (str), views, shares, saves (Int64)
tracking    : source, campaign, influencer_id, product (category of str, in order of first appearance;
              influencer_id/campaign may be missing), user_id (str), date (datetime64, midnight),
              orders (int64), revenue (float64); optional brand (category), order_id (str)
payouts     : influencer_id (str), basis ("post" | "order"), total_payout (float64), rate (float64, NaN when
              not given); optional orders, posts (float64)
quality     : file, row, column, value, problem, action (all str except row: Int64, the 1-based line number
              in the file counting the header as line 1, empty for file-level findings)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import pandas as pd

from metrics.lazy import lazy

FILES = ("influencers", "posts", "tracking", "payouts")
QUALITY_COLUMNS = ["file", "row", "column", "value", "problem", "action"]

Value = TypeVar("Value")

REQUIRED = {
    "influencers": ["influencer_id", "name", "category", "gender", "follower_count", "platform"],
    "posts": ["influencer_id", "platform", "date", "url", "caption", "reach", "likes", "comments"],
    "tracking": ["source", "campaign", "influencer_id", "user_id", "product", "date", "orders", "revenue"],
    "payouts": ["influencer_id", "basis", "total_payout"],
}
OPTIONAL = {
    "influencers": [],
    "posts": ["post_id", "campaign", "views", "shares", "saves"],
    "tracking": ["brand", "order_id"],
    "payouts": ["rate", "orders", "posts"],
}


class InputRejected(ValueError):
    """
    Raise when a file cannot be used at all (not a CSV, empty, a required column missing, too big).

    The message names the file and the problem, and for a missing column the columns found.
    """

    def __init__(self, file: str, problem: str):
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}")


def empty_quality() -> pd.DataFrame:
    """Return an empty data-quality report with its columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype="string") for c in QUALITY_COLUMNS})
    frame["row"] = frame["row"].astype("Int64")
    return frame


class Derived:
    """
    Hold the work derived from one dataset's frames, each piece computed once while the dataset lives.

    Datasets are immutable, so an entry never goes stale, and it goes away with its dataset. The entries:
    ``"prepared"`` (:class:`metrics.view.Prepared`, the integer codes every view shares),
    ``"incrementality"`` (the revenue panel of :mod:`metrics.incrementality` and its memos) and, in the
    app, ``"views"`` (the recent views of ``store.results``).
    """

    def __init__(self) -> None:
        self._entries: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], Value]) -> Value:
        """Return the entry ``key``, computing it with ``compute()`` the first time."""
        with self._lock:
            if key in self._entries:
                return self._entries[key]
        # Computed outside the lock: two threads may both compute a missing entry; the first one stays.
        value = compute()
        with self._lock:
            return self._entries.setdefault(key, value)


@dataclass(frozen=True)
class Dataset:
    """
    Hold the four validated frames and the data-quality report.

    Treat it as immutable: functions return new frames and never modify these in place. Use
    :meth:`replace` to swap one file (the dashboard's single-file upload).

    Attributes
    ----------
    derived : Derived
        Work derived from the frames (codes, panels), kept with the dataset; a replaced dataset starts
        with an empty one.
    """

    influencers: pd.DataFrame
    posts: pd.DataFrame
    tracking: pd.DataFrame
    payouts: pd.DataFrame
    quality: pd.DataFrame = field(default_factory=empty_quality)
    derived: Derived = field(default_factory=Derived, init=False, repr=False, compare=False)

    def frame(self, name: str) -> pd.DataFrame:
        """Return the frame of one file by name (one of ``FILES`` or ``"quality"``)."""
        return getattr(self, name)

    def replace(self, **frames: pd.DataFrame) -> Dataset:
        """Return a copy with some frames replaced."""
        return replace(self, **frames)

    @lazy
    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """Return the (min, max) date over tracking and posts, or None when both are empty."""
        # Computed once per dataset: every KPI refresh asks for it, and a concat of a million dates is not free.
        bounds = [
            (column.min(), column.max())
            for column in (self.tracking["date"], self.posts["date"])
            if column.notna().any()
        ]
        if not bounds:
            return None
        return min(low for low, _ in bounds), max(high for _, high in bounds)
