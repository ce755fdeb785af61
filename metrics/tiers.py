"""Follower tiers: nano < 10k, micro < 100k, macro < 1M, mega >= 1M (docs/metrics.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.filters import TIERS

TIER_BOUNDS = (10_000, 100_000, 1_000_000)


def follower_tier(follower_count: pd.Series) -> pd.Series:
    """
    Map follower counts to tiers; a missing count gives a missing tier.

    Examples
    --------
    >>> follower_tier(pd.Series([9_999, 10_000, 999_999, 1_000_000])).tolist()
    ['nano', 'micro', 'macro', 'mega']
    """
    counts = pd.to_numeric(follower_count, errors="coerce")
    codes = np.searchsorted(np.asarray(TIER_BOUNDS), counts.fillna(-1).to_numpy(), side="right")
    tiers = pd.Series(np.asarray(TIERS, dtype=object)[codes], index=follower_count.index, dtype=object)
    return tiers.where(counts.notna()).astype("string")
