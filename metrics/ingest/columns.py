"""Column checks: converting each column to its contract type, then the whole-file checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.ingest.reader import STRING, category_series, string_series, to_strings
from metrics.ingest.report import Report
from metrics.ingest.values import INT_LIMIT, date_column, parse_number_text
from metrics.schema import BASIS_VALUES, ColumnSpec, column_dtype

NOT_HTTP_URL = "not an http(s) URL"
# A post link is only ever a web page: a value with any other scheme (javascript:, data:, file:...) is
# kept as text and reported. Browsers ignore spaces, tabs and control characters around and inside a
# scheme ("java\tscript:"), so they are removed before looking at it; a value without a scheme ("u",
# "instagram.com/p/1") is a plain text note, not a link, and is left alone.
_URL_IGNORED = r"[\x00-\x20]"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*:"
_HTTP_SCHEME = r"(?i)https?:"


@dataclass
class _Converted:
    series: pd.Series
    drop: np.ndarray | None  # rows to drop, None when none


def _raw_text(column: pa.ChunkedArray) -> pd.Series:
    return string_series(to_strings(column, trim=False))


def convert_text(
    canonical: str, spec: ColumnSpec, column: pa.ChunkedArray, lines, report: Report
) -> _Converted:
    # Padding spaces break joins between files (" A" is not "A").
    if spec.categorical:
        series = category_series(column)
        has_blanks = bool((series.array.codes < 0).any())
    else:
        column = to_strings(column, trim=True)
        series = string_series(column)
        has_blanks = column.null_count > 0
    if not has_blanks or spec.blank == "allow":
        return _Converted(series, None)
    blank = series.isna().to_numpy(dtype=bool)
    action = "row dropped" if spec.blank == "drop" else "kept empty"
    report.rows(canonical, "missing value", action, np.flatnonzero(blank), "", lines)
    return _Converted(series, blank if spec.blank == "drop" else None)


def convert_number(
    canonical: str, spec: ColumnSpec, column: pa.ChunkedArray, comma_decimal: bool, lines, report: Report
) -> _Converted:
    kind = column.type
    whole = spec.kind == "int"
    dtype = column_dtype(spec)
    if (pa.types.is_integer(kind) or pa.types.is_floating(kind)) and column.null_count == 0:
        # The clean path: pyarrow already produced non-negative numbers (whole ones where needed).
        numbers = column.to_numpy()
        clean = numbers.size == 0 or numbers.min() >= 0
        if clean and pa.types.is_floating(kind):
            clean = bool(np.isfinite(numbers).all()) and (
                not whole or bool((numbers == np.round(numbers)).all() and numbers.max() < INT_LIMIT)
            )
        if clean:
            return _Converted(pd.Series(numbers).astype(dtype), None)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_null(kind):
        values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64)
        blank = np.isnan(values) if not pa.types.is_null(kind) else np.ones(len(values), bool)
        if column.null_count:
            blank = column.is_null().to_numpy(zero_copy_only=False)
        raw = None
    else:
        raw = _raw_text(column)
        values, blank = parse_number_text(raw, comma_decimal_possible=comma_decimal)

    def raw_values() -> pd.Series:
        return raw if raw is not None else _raw_text(column)

    finite = np.isfinite(values)
    bad = ~blank & ~finite
    not_whole = np.zeros(len(values), bool)
    if whole:
        rounded = np.round(values)
        close = finite & (np.abs(values - rounded) <= 1e-9 * np.maximum(1.0, np.abs(values)))
        not_whole = finite & ~close
        values = np.where(close, rounded, values)
    negative = finite & ~not_whole & (values < 0)
    too_large = finite & ~not_whole & (values >= INT_LIMIT) if whole else np.zeros(len(values), bool)

    required = spec.required
    action_bad = "row dropped" if required else "value cleared"
    if bad.any():
        report.rows(canonical, "not a number", action_bad, np.flatnonzero(bad), raw_values(), lines)
    if not_whole.any():
        report.rows(
            canonical, "not a whole number", action_bad, np.flatnonzero(not_whole), raw_values(), lines
        )
    if negative.any():
        report.rows(canonical, "negative number", action_bad, np.flatnonzero(negative), raw_values(), lines)
    if too_large.any():
        report.rows(canonical, "number too large", action_bad, np.flatnonzero(too_large), raw_values(), lines)
    invalid = bad | not_whole | negative | too_large
    drop = invalid.copy() if required else None
    if required and blank.any() and spec.blank != "allow":
        if spec.blank == "zero":
            report.rows(canonical, "missing value", "read as 0", np.flatnonzero(blank), "", lines)
            values = np.where(blank, 0.0, values)
        else:
            report.rows(canonical, "missing value", "row dropped", np.flatnonzero(blank), "", lines)
            drop |= blank
    values = np.where(invalid, np.nan, values)
    if whole and not spec.nullable_int:
        series = pd.Series(np.where(np.isnan(values), 0, values).astype(np.int64))
    elif whole:
        series = pd.Series(pd.array(values, dtype="Int64"))
    else:
        series = pd.Series(values, dtype="float64")
    return _Converted(series, drop if drop is not None and drop.any() else None)


def convert_date(canonical: str, column: pa.ChunkedArray, lines, report: Report) -> _Converted:
    parsed = date_column(column)
    bad = np.isnat(parsed.values) & ~parsed.blank
    if parsed.mixed_note is not None:
        report.note(
            "column mixes day-first and month-first dates",
            parsed.mixed_note[1],
            canonical,
            parsed.mixed_note[0],
        )
    if bad.any():
        report.rows(canonical, "not a date", "row dropped", np.flatnonzero(bad), _raw_text(column), lines)
    if parsed.blank.any():
        report.rows(canonical, "missing value", "row dropped", np.flatnonzero(parsed.blank), "", lines)
    drop = bad | parsed.blank
    return _Converted(pd.Series(parsed.values), drop if drop.any() else None)


def convert_basis(canonical: str, column: pa.ChunkedArray, lines, report: Report) -> _Converted:
    raw = string_series(to_strings(column, trim=True))
    key = raw.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    basis = key.map(BASIS_VALUES).astype("string")
    blank = raw.isna().to_numpy(dtype=bool)
    unknown = basis.isna().to_numpy(dtype=bool) & ~blank
    report.rows(
        canonical,
        "unknown basis (expected post or order)",
        "row dropped",
        np.flatnonzero(unknown),
        raw,
        lines,
    )
    report.rows(canonical, "missing value", "row dropped", np.flatnonzero(blank), "", lines)
    drop = blank | unknown
    return _Converted(basis, drop if drop.any() else None)


# --------------------------------------------------------------------------------------------------
# Whole-file checks


def unify_spelling(column: str, values: pd.Series, keep: np.ndarray, lines, report: Report) -> pd.Series:
    """Map values differing only in case or spacing to their most common spelling, reporting each change."""
    codes, uniques = pd.factorize(values.where(pd.Series(keep)))
    keys = pd.Series(uniques, dtype="string").str.strip().str.replace(r"\s+", " ", regex=True).str.casefold()
    if not keys.duplicated().any():
        return values
    found = codes >= 0
    ranked = pd.DataFrame(
        {
            "key": keys,
            "count": np.bincount(codes[found], minlength=len(uniques)),
            # factorize numbers values by first appearance: on equal counts the earlier spelling wins
            "code": np.arange(len(uniques)),
        }
    ).sort_values(["key", "count", "code"], ascending=[True, False, True])
    preferred = ranked.drop_duplicates("key").set_index("key")["code"].reindex(keys).to_numpy()
    spelling = np.asarray(uniques, dtype=object)
    changed_unique = preferred != np.arange(len(uniques))
    positions = np.flatnonzero(found & changed_unique[np.where(found, codes, 0)])
    unified = values.to_numpy(dtype=object, na_value=None).copy()
    unified[positions] = spelling[preferred[codes[positions]]]
    action = np.full(len(values), "", dtype=object)
    action[positions] = "read as " + unified[positions].astype(str)
    report.rows(
        column, "same value spelt differently (letter case or spaces)", action, positions, values, lines
    )
    return pd.Series(pd.array(unified, dtype=STRING))


def drop_duplicates(column: str, values: pd.Series, keep: np.ndarray, lines, report: Report) -> np.ndarray:
    """Return the rows repeating an earlier kept row's value of ``column`` (the first row is kept)."""
    kept = values.where(pd.Series(keep))
    repeated = (kept.duplicated(keep="first") & kept.notna()).to_numpy(dtype=bool)
    if not repeated.any():
        return repeated
    first_line = pd.Series(lines).where(kept.notna()).groupby(kept).transform("first")
    action = "row dropped; the same id on row " + first_line.astype("Int64").astype(str) + " is kept"
    report.rows(
        column, f"duplicate {column}", action.to_numpy(dtype=object), np.flatnonzero(repeated), values, lines
    )
    return repeated


def warn_future(
    column: str, dates: pd.Series, keep: np.ndarray, today: dt.date, lines, report: Report
) -> None:
    future = keep & (dates > pd.Timestamp(today)).to_numpy(dtype=bool)
    report.rows(
        column, f"date after today ({today.isoformat()})", "kept", np.flatnonzero(future), dates, lines
    )


def warn_engagement(frame: dict[str, pd.Series], keep: np.ndarray, lines, report: Report) -> None:
    likes, comments, reach = (frame[c].to_numpy(dtype=np.int64) for c in ("likes", "comments", "reach"))
    positions = np.flatnonzero(keep & (likes + comments > reach))
    shown = np.full(len(likes), "", dtype=object)
    for position in positions[: report.cap]:
        shown[position] = f"{likes[position]} + {comments[position]} > {reach[position]}"
    report.rows("reach", "likes + comments exceed reach", "kept", positions, shown, lines)


def warn_url(urls: pd.Series, keep: np.ndarray, lines, report: Report) -> None:
    """Report links that are not web addresses (``javascript:``, ``data:``...): kept, never made a link."""
    bare = urls.str.replace(_URL_IGNORED, "", regex=True)
    schemed = bare.str.match(_SCHEME) & ~bare.str.match(_HTTP_SCHEME)
    other = keep & schemed.fillna(False).to_numpy(dtype=bool)
    report.rows("url", NOT_HTTP_URL, "kept as text", np.flatnonzero(other), urls, lines)
