"""Safe ratios: a zero denominator gives NaN (shown "—"), never inf and never an error."""

from __future__ import annotations

import numpy as np
import pandas as pd


def ratio_of_sums(num: pd.Series | float, den: pd.Series | float) -> pd.Series | float:
    """
    Divide sums, giving NaN (never inf) where ``den`` is zero or missing.

    Parameters
    ----------
    num, den : Series or float
        Sums over the same index, e.g. revenue and spend by campaign.

    Examples
    --------
    >>> ratio_of_sums(pd.Series([10.0, 5.0]), pd.Series([2.0, 0.0])).tolist()
    [5.0, nan]
    >>> ratio_of_sums(3.0, 0.0)
    nan
    """
    if isinstance(num, pd.Series) or isinstance(den, pd.Series):
        den_series = den if isinstance(den, pd.Series) else pd.Series(den, index=num.index)
        den_series = den_series.astype("float64")
        return pd.Series(num, dtype="float64").div(den_series.where(den_series != 0))
    num_f, den_f = float(num), float(den)
    if den_f == 0 or np.isnan(den_f):
        return float("nan")
    return num_f / den_f
