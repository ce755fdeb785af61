"""Multi-touch attribution: journeys, model weights and credited amounts (docs/attribution.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.filters import Filters, Options

CREDIT_COLUMNS = ["conversion_row", "touch_row", "weight"]


def conversion_mask(tracking: pd.DataFrame) -> pd.Series:
    """Return True for conversions: influencer touches (non-empty influencer_id) with orders > 0."""
    return tracking["influencer_id"].notna() & (tracking["orders"] > 0)


def credit(tracking: pd.DataFrame, options: Options, filters: Filters | None = None) -> pd.DataFrame:
    """
    Split every conversion over the touches of its journey under ``options.model``.

    Parameters
    ----------
    tracking : DataFrame
        Validated tracking rows in file order (positions are the row numbers used here).
    options : Options
        Model, lookback and half-life.
    filters : Filters, optional
        Only the data-driven model depends on it (its null paths use touches in the date filter).

    Returns
    -------
    DataFrame
        ``conversion_row``, ``touch_row`` (positions in ``tracking``) and ``weight``; weights of one
        conversion sum to 1.
    """
    if options.model != "last_touch":
        raise NotImplementedError(f"attribution model {options.model!r} is not available yet")
    rows = np.flatnonzero(conversion_mask(tracking).to_numpy())
    return pd.DataFrame({"conversion_row": rows, "touch_row": rows, "weight": np.ones(len(rows))})
