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
    if isinstance(num, pd.Series) and isinstance(den, pd.Series) and not num.index.equals(den.index):
        den_series = den.astype("float64")
        return num.astype("float64").div(den_series.where(den_series != 0))
    if isinstance(num, pd.Series) or isinstance(den, pd.Series):
        # Same index: plain numpy, several times faster than aligned pandas arithmetic (the KPI cards and
        # every metric table compute dozens of ratios per filter change).
        shape = num if isinstance(num, pd.Series) else den
        num_values = _floats(num, len(shape))
        den_values = _floats(den, len(shape))
        out = np.full(len(shape), np.nan)
        np.divide(num_values, den_values, out=out, where=den_values != 0)
        name = num.name if isinstance(num, pd.Series) and getattr(den, "name", num.name) == num.name else None
        return pd.Series(out, index=shape.index, name=name)
    num_f, den_f = float(num), float(den)
    if den_f == 0 or np.isnan(den_f):
        return float("nan")
    return num_f / den_f


def _floats(values: pd.Series | float, size: int) -> np.ndarray:
    """Return ``values`` as float64 (missing as NaN), a scalar repeated ``size`` times."""
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    return np.full(size, float(values))
