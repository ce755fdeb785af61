"""Value parsers: numbers (currencies, grouping, suffixes) and dates in the formats the contract accepts."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.ingest.reader import string_series, to_strings

_CURRENCY = r"(?:₹|rs\.?|inr|us\$|\$|usd|€|eur|£|gbp)"
_NUMBER_SHAPE = re.compile(rf"^([+-]?)\s*(?:{_CURRENCY})?\s*([+-]?)\s*(.*?)\s*(?:{_CURRENCY}|/-)?$")
_MULTIPLIERS = {
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "l": 1e5,
    "lac": 1e5,
    "lakh": 1e5,
    "lakhs": 1e5,
    "cr": 1e7,
    "crore": 1e7,
    "crores": 1e7,
}
_SUFFIX = re.compile(r"^(.*?\d)\s*(" + "|".join(sorted(_MULTIPLIERS, key=len, reverse=True)) + r")$")
# Western (1,234,567.89) or Indian (12,34,567.89) grouping, or none.
_POINT_DECIMAL = r"(?:(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3})(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+)"
# European (1.234.567,89), allowed only in files not delimited by commas.
_COMMA_DECIMAL = r"(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d*)?"
_GROUP_SPACE = r"(?<=\d)[ '](?=\d{3}(?!\d))"
# Whole numbers from here up do not fit an int64 column: casting would wrap them to nonsense.
INT_LIMIT = 2.0**63


def parse_number_text(text: pd.Series, *, comma_decimal_possible: bool) -> tuple[np.ndarray, np.ndarray]:
    """
    Parse numbers written by people: ``₹1,299.00``, ``Rs. 1,299``, ``1 299``, ``12,34,567``, ``1.2M``.

    Works on the distinct values, then maps back to the rows.

    Returns
    -------
    values : ndarray of float
        NaN where blank or not a number.
    blank : ndarray of bool
        Empty cells (also ``-`` and the like).
    """
    codes, uniques = pd.factorize(text)
    raw = pd.Series(uniques, dtype="string").str.strip().str.lower()
    raw = raw.str.replace("\u2212", "-", regex=False).str.replace(r"[\u00a0\u202f\u2009]", " ", regex=True)
    blank_u = raw.isin(["", "-", "—", "–"]).to_numpy(dtype=bool)
    in_parens = raw.str.fullmatch(r"\(.*\)").fillna(False).to_numpy(dtype=bool)
    raw = raw.where(~in_parens, raw.str.slice(1, -1))
    shape = raw.str.extract(_NUMBER_SHAPE)
    negative = in_parens ^ ((shape[0] == "-") | (shape[1] == "-")).fillna(False).to_numpy(dtype=bool)
    body = shape[2].fillna("")
    suffix = body.str.extract(_SUFFIX)
    multiplier = suffix[1].map(_MULTIPLIERS).fillna(1.0).to_numpy(dtype=np.float64)
    body = suffix[0].fillna(body)
    point = body.str.replace(_GROUP_SPACE, ",", regex=True)
    comma = body.str.replace(_GROUP_SPACE, ".", regex=True)
    point_ok = point.str.fullmatch(_POINT_DECIMAL).fillna(False).to_numpy(dtype=bool)
    comma_ok = comma.str.fullmatch(_COMMA_DECIMAL).fillna(False).to_numpy(dtype=bool)
    # Decimal comma only when some value can be nothing else and none is unmistakably point-decimal.
    use_comma = comma_decimal_possible and (comma_ok & ~point_ok).any() and not (point_ok & ~comma_ok).any()
    if use_comma:
        digits = comma.where(comma_ok).str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        digits = point.where(point_ok).str.replace(",", "", regex=False)
    number = pd.to_numeric(digits, errors="coerce").to_numpy(dtype=np.float64)
    number = np.where(negative, -number, number) * multiplier
    number[blank_u] = np.nan
    found = codes >= 0
    values = np.full(codes.size, np.nan)
    values[found] = number[codes[found]]
    blank = ~found
    blank[found] = blank_u[codes[found]]
    return values, blank


# -- dates


_TIME = (
    r"(?:[t\s,]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2})?)?"
)
_ISO_DATE = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
_NUMERIC_DATE = re.compile(rf"^(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}}|\d{{2}}){_TIME}$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_NAME = re.compile(r"[a-z]{3}")
_DATE_BOUNDS = (pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01"))


@dataclass
class _DateColumn:
    values: np.ndarray  # datetime64[ns], NaT where blank or bad
    blank: np.ndarray
    mixed_note: tuple[str, str] | None = None  # (example values, action) when orders are mixed


def _parse_date_text(text: pd.Series) -> _DateColumn:
    """
    Parse dates written as ISO, ``dd/mm/yyyy`` (or month-first), ``yyyymmdd`` or with month names.

    Day-first unless a value shows month-first (a second number above 12); a column showing both is read
    value by value and reported, ambiguous values day-first. A time of day is dropped.
    """
    codes, uniques = pd.factorize(text)
    raw = pd.Series(uniques, dtype="string").str.strip().str.lower()
    blank_u = (raw == "").fillna(True).to_numpy(dtype=bool)
    iso, compact, numeric = (
        raw.str.extract(pattern).astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
        for pattern in (_ISO_DATE, _COMPACT_DATE, _NUMERIC_DATE)
    )
    first, second, year = numeric.T
    is_numeric = ~np.isnan(first)
    year = np.where(year < 100, np.where(year < 70, 2000 + year, 1900 + year), year)
    day_first_shown = is_numeric & (first > 12) & (second <= 12)
    month_first_shown = is_numeric & (second > 12) & (first <= 12)
    mixed = bool(day_first_shown.any() and month_first_shown.any())
    month_first = month_first_shown if mixed else (is_numeric & month_first_shown.any())
    day = np.where(month_first, second, first)
    month = np.where(month_first, first, second)

    ymd = np.where(np.isnan(iso), compact, iso)
    ymd = np.where(np.isnan(ymd), np.column_stack([year, month, day]), ymd)
    ymd[np.isnan(ymd).any(axis=1)] = np.nan
    parts = pd.DataFrame(ymd, columns=["year", "month", "day"])
    parsed = pd.to_datetime(parts, errors="coerce")
    worded = (
        parsed.isna() & raw.str.contains(_MONTH_NAME).fillna(False) & raw.str.contains(r"\d").fillna(False)
    )
    if worded.any():
        # Month names ("3 Jan 2025", "Jan 3, 2025") leave no day/month ambiguity.
        parsed[worded] = pd.to_datetime(
            raw[worded], format="mixed", dayfirst=True, errors="coerce"
        ).dt.normalize()
    parsed = parsed.where((parsed >= _DATE_BOUNDS[0]) & (parsed < _DATE_BOUNDS[1]))
    parsed_u = parsed.to_numpy(dtype="datetime64[ns]")

    found = codes >= 0
    values = np.full(codes.size, np.datetime64("NaT"), dtype="datetime64[ns]")
    values[found] = parsed_u[codes[found]]
    blank = ~found
    blank[found] = blank_u[codes[found]]
    note = None
    if mixed:
        ambiguous_u = is_numeric & ~day_first_shown & ~month_first_shown & (first != second)
        ambiguous_rows = int(ambiguous_u[codes[found]].sum())
        examples = (
            f"{uniques[np.flatnonzero(day_first_shown)[0]]}, {uniques[np.flatnonzero(month_first_shown)[0]]}"
        )
        note = (
            examples,
            f"each date read in the order it shows; {ambiguous_rows:,} ambiguous dates read day-first",
        )
    return _DateColumn(values, blank, note)


def date_column(column: pa.ChunkedArray) -> _DateColumn:
    kind = column.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        if pa.types.is_timestamp(kind):
            column = pc.floor_temporal(column, unit="day")
        extremes = pc.min_max(column)
        low, high = extremes["min"].as_py(), extremes["max"].as_py()
        in_range = low is None or (
            pd.Timestamp(low) >= _DATE_BOUNDS[0] and pd.Timestamp(high) < _DATE_BOUNDS[1]
        )
        if in_range:
            values = pc.cast(column, pa.timestamp("ns")).to_numpy(zero_copy_only=False)
            blank = (
                column.is_null().to_numpy(zero_copy_only=False)
                if column.null_count
                else np.zeros(len(column), bool)
            )
            return _DateColumn(values.astype("datetime64[ns]", copy=False), blank)
    if pa.types.is_null(kind):
        return _DateColumn(
            np.full(len(column), np.datetime64("NaT"), dtype="datetime64[ns]"), np.ones(len(column), bool)
        )
    return _parse_date_text(string_series(to_strings(column, trim=True)))
