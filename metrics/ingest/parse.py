"""Parse one file, build a dataset from parsed files, read a directory: the public entry points."""

from __future__ import annotations

import csv
import datetime as dt
import mmap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from metrics.dataset import FILES, Dataset, InputRejected
from metrics.ingest.columns import (
    convert_basis,
    convert_date,
    convert_number,
    convert_text,
    drop_duplicates,
    unify_spelling,
    warn_engagement,
    warn_future,
    warn_url,
)
from metrics.ingest.reader import (
    DICTIONARY,
    TEXT,
    check_row_limit,
    in_appearance_order,
    read_table,
    string_series,
    to_strings,
    too_many_rows,
)
from metrics.ingest.report import EMPTY_QUALITY, Report, one_line, show
from metrics.ingest.sniff import (
    MAX_COLUMNS,
    MAX_EXTRA_COLUMNS,
    decode,
    first_line,
    first_record,
    load,
    map_columns,
    sniff_delimiter,
    split,
)
from metrics.lookup import isin
from metrics.schema import (
    ALWAYS_PRESENT,
    SCHEMA,
    UNIFIED_SPELLING,
    column_dtype,
    empty_frame,
)

REPORT_CAP = 1_000
"""Most report rows listed per (file, column, problem); one more row counts the rest."""
UNKNOWN_INFLUENCER = "influencer_id not in influencers.csv"
NO_PAYOUT = "no payout row in payouts.csv"
NOT_PROVIDED = "file not provided"
CROSS_FILE_PROBLEMS = (UNKNOWN_INFLUENCER, NO_PAYOUT, NOT_PROVIDED)


@dataclass(frozen=True, eq=False)
class ParsedFile:
    """
    Hold one parsed and validated file.

    Parameters
    ----------
    frame : DataFrame
        The validated rows, typed per the frame contract (metrics/dataset.py), in file order.
    quality : DataFrame
        The file's own data-quality rows (cross-file checks are added by :func:`build_dataset`).
    rows_read : int
        Data rows found in the file (blank lines not counted).
    rows_dropped : int
        Rows left out of ``frame``.
    columns : Mapping of str to str
        Canonical column name -> the header as written in the file (shows which synonyms were used).
    lines : ndarray of int, optional
        The file row (header = 1) of each row of ``frame``; ``None`` means ``index + 2``.
    """

    frame: pd.DataFrame
    quality: pd.DataFrame
    rows_read: int
    rows_dropped: int
    columns: Mapping[str, str] = field(default_factory=dict)
    lines: np.ndarray | None = None

    def line_numbers(self) -> np.ndarray:
        """Return the file row of each row of ``frame`` (header = row 1)."""
        if self.lines is not None:
            return self.lines
        return np.arange(len(self.frame), dtype=np.int64) + 2


def parse_file(
    name: str,
    source: bytes | str | Path,
    *,
    filename: str | None = None,
    max_rows: int | None = None,
    today: dt.date | None = None,
    report_cap: int = REPORT_CAP,
    quote_header: bool = True,
) -> ParsedFile:
    """
    Parse and validate one input file on its own.

    Parameters
    ----------
    name : str
        Which file it is: one of ``influencers``, ``posts``, ``tracking``, ``payouts``.
    source : bytes, str or Path
        The file's bytes; a ``Path``; a ``str`` holding CSV text, a browser upload's ``data:...;base64,``
        URL, or (a single line) the path of an existing file.
    filename : str, optional
        The name the user gave the file, quoted in rejection messages.
    max_rows : int, optional
        Reject a file with more data rows than this (browser uploads), counted before the file is parsed.
    today : date, optional
        Dates after it are warned about as future dates; default ``date.today()``.
    report_cap : int, default REPORT_CAP
        Most report rows per (column, problem); one more row counts the rest.
    quote_header : bool, default True
        List the header's cells in a missing-column rejection. False for a file read from the server's
        disk, whose content must not be shown to the user beyond the contract's column names.

    Returns
    -------
    ParsedFile

    Raises
    ------
    InputRejected
        When the file cannot be used at all: not CSV text, empty, a required column missing (the
        message names it and lists the columns found), two columns mapping to one name, too many rows.
    """
    if name not in SCHEMA:
        raise KeyError(f"unknown file {name!r}; expected one of {', '.join(FILES)}")
    specs = SCHEMA[name]
    today = today or dt.date.today()
    report = Report(name, report_cap)
    data = decode(name, load(name, source), filename, report)

    label = filename or f"{name}.csv"
    header, body_start = first_line(data)
    header = header.removeprefix("\ufeff")
    delimiter = sniff_delimiter(header)
    try:
        headers = split(header, delimiter)
        if headers and not headers[-1].strip():
            # A header ending in empty cells over rows that stop earlier: the empty cells are not columns.
            width = len(first_record(data, body_start, delimiter))
            if 0 < width < len(headers) and not any(h.strip() for h in headers[width:]):
                headers = headers[:width]
    except csv.Error as exc:
        # e.g. a header cell over the csv module's field limit: the message holds no cell content.
        raise InputRejected(name, f"{label} cannot be read as CSV ({one_line(exc)})") from None
    if len(headers) > MAX_COLUMNS:
        # Checked before the columns are matched: a very wide header costs time in every step after this.
        raise InputRejected(
            name,
            f"{label} has {len(headers):,} columns, over the limit of {MAX_COLUMNS:,}; "
            "remove the columns the dashboard does not use",
        )
    mapping, extras = map_columns(name, headers, quote_header)
    if len(extras) > MAX_EXTRA_COLUMNS:
        dropped = list(extras)[MAX_EXTRA_COLUMNS:]
        extras = dict(list(extras.items())[:MAX_EXTRA_COLUMNS])
        report.note(
            f"{len(dropped):,} extra columns beyond the first {MAX_EXTRA_COLUMNS} (columns outside the contract)",
            "columns dropped",
            value=show(", ".join(dropped)),
        )

    wanted: dict[int, pa.DataType | None] = {}
    for canonical, index in mapping.items():
        kind = specs[canonical].kind
        wanted[index] = TEXT if kind in ("text", "basis") else None
        if specs[canonical].categorical:
            wanted[index] = DICTIONARY
    for index in extras.values():
        wanted[index] = TEXT
    if max_rows is not None:
        check_row_limit(name, data, body_start, delimiter, len(headers), max_rows, label)
    parsed = read_table(name, data, delimiter, len(headers), wanted, body_start, report)
    if isinstance(data, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        # The table holds copies of the values: the file's pages need not count in this process's memory
        # while the columns are converted (its peak).
        data.madvise(mmap.MADV_DONTNEED)
    if max_rows is not None and parsed.rows_read > max_rows:
        # Only lines ending in a lone CR inside an LF file escape the count before parsing.
        raise InputRejected(name, too_many_rows(label, max_rows))
    table, lines = parsed.table, parsed.lines
    if parsed.rows_read == 0:
        report.note("no data rows", "read as empty")

    comma_decimal = delimiter != ","
    n_rows = table.num_rows
    columns: dict[str, pd.Series] = {}
    drop = np.zeros(n_rows, dtype=bool)
    for canonical, spec in specs.items():
        if canonical not in mapping:
            continue
        column = table[f"c{mapping[canonical]}"]
        if spec.kind == "text":
            converted = convert_text(canonical, spec, column, lines, report)
        elif spec.kind in ("int", "amount"):
            converted = convert_number(canonical, spec, column, comma_decimal, lines, report)
        elif spec.kind == "date":
            converted = convert_date(canonical, column, lines, report)
        else:
            converted = convert_basis(canonical, column, lines, report)
        columns[canonical] = converted.series
        if converted.drop is not None:
            drop |= converted.drop
    for column_name in ALWAYS_PRESENT.get(name, ()):
        columns.setdefault(
            column_name, pd.Series(np.full(n_rows, np.nan), dtype=column_dtype(specs[column_name]))
        )
    for extra, index in extras.items():
        columns[extra] = string_series(to_strings(table[f"c{index}"], trim=True))

    keep = ~drop
    for column_name in UNIFIED_SPELLING.get(name, ()):
        columns[column_name] = unify_spelling(column_name, columns[column_name], keep, lines, report)
    if name == "influencers":
        drop |= drop_duplicates("influencer_id", columns["influencer_id"], keep, lines, report)
    if name == "posts" and "post_id" in columns:
        drop |= drop_duplicates("post_id", columns["post_id"], keep, lines, report)
    keep = ~drop
    if "date" in columns:
        warn_future("date", columns["date"], keep, today, lines, report)
    if name == "posts":
        warn_engagement(columns, keep, lines, report)
    if "url" in columns:
        warn_url(columns["url"], keep, lines, report)

    ordered = {c: columns[c] for c in specs if c in columns} | {c: columns[c] for c in extras}
    frame = pd.DataFrame(ordered, copy=False)
    if drop.any():
        frame = frame.loc[keep].reset_index(drop=True)
        lines = lines[keep]
        # A dropped row may have held a value's only or first occurrence.
        for column_name in frame.columns[(frame.dtypes == "category").to_numpy()]:
            frame[column_name] = in_appearance_order(frame[column_name])
    return ParsedFile(
        frame=frame,
        quality=report.frame(),
        rows_read=parsed.rows_read,
        rows_dropped=int(parsed.rows_read - len(frame)),
        columns={canonical: headers[index].strip() for canonical, index in mapping.items()},
        lines=lines,
    )


def build_dataset(parsed: Mapping[str, ParsedFile], *, report_cap: int = REPORT_CAP) -> Dataset:
    """
    Combine parsed files into a Dataset, running the checks that span files.

    A file missing from ``parsed`` becomes an empty typed frame and one "file not provided" report row.
    Cross-file checks: ids in posts, tracking and payouts that influencers.csv lacks (kept, shown as unknown
    influencers; skipped when influencers.csv is missing) and influencers without a payout row (kept with
    spend 0; skipped when payouts.csv is missing). Cross-file rows already in a parsed file's ``quality``
    (a report taken back from an earlier dataset) are replaced, so rebuilding never duplicates them.

    Parameters
    ----------
    parsed : Mapping of str to ParsedFile
        Parsed files by name (``influencers``, ``posts``, ``tracking``, ``payouts``).
    report_cap : int, default REPORT_CAP
        Most report rows per (file, column, problem) for the cross-file checks.
    """
    unknown = set(parsed) - set(FILES)
    if unknown:
        raise KeyError(f"unknown file(s) {', '.join(sorted(unknown))}; expected {', '.join(FILES)}")
    frames = {name: parsed[name].frame if name in parsed else empty_frame(name) for name in FILES}
    cross = {name: Report(name, report_cap) for name in FILES}
    for name in FILES:
        if name not in parsed:
            cross[name].note(NOT_PROVIDED, "read as empty")

    if "influencers" in parsed:
        known = frames["influencers"]["influencer_id"]
        for name in ("posts", "tracking", "payouts"):
            if name not in parsed:
                continue
            ids = frames[name]["influencer_id"]
            stranger = ids.notna().to_numpy(dtype=bool) & ~isin(ids, known)
            cross[name].rows(
                "influencer_id",
                UNKNOWN_INFLUENCER,
                "kept as an unknown influencer",
                np.flatnonzero(stranger),
                ids,
                parsed[name].line_numbers(),
            )
    if "influencers" in parsed and "payouts" in parsed:
        ids = frames["influencers"]["influencer_id"]
        unpaid = ~isin(ids, frames["payouts"]["influencer_id"])
        cross["influencers"].rows(
            "influencer_id",
            NO_PAYOUT,
            "kept with spend 0",
            np.flatnonzero(unpaid),
            ids,
            parsed["influencers"].line_numbers(),
        )

    blocks = []
    for name in FILES:
        if name in parsed and not parsed[name].quality.empty:
            own_checks = parsed[name].quality
            # A file's report taken back from an earlier dataset may hold old cross-file rows: redo them.
            blocks.append(
                own_checks[~own_checks["problem"].str.startswith(CROSS_FILE_PROBLEMS).to_numpy(bool)]
            )
        own = cross[name].frame()
        if not own.empty:
            blocks.append(own)
    quality = pd.concat(blocks, ignore_index=True) if blocks else EMPTY_QUALITY.copy()
    return Dataset(quality=quality, **frames)


def read_files(
    sources: Mapping[str, bytes | str | Path],
    *,
    today: dt.date | None = None,
    max_rows: int | None = None,
    report_cap: int = REPORT_CAP,
) -> Dataset:
    """
    Parse and validate several files (keys: file names, ``.csv`` optional, any letter case).

    A file left out becomes an empty frame, reported once. See :func:`parse_file` for the arguments.
    """
    by_name: dict[str, bytes | str | Path] = {}
    for key, source in sources.items():
        name = str(key).strip().lower().removesuffix(".csv")
        if name not in FILES:
            raise InputRejected(str(key), f"unknown file; expected one of {', '.join(FILES)}")
        if name in by_name:
            raise InputRejected(name, "given twice")
        by_name[name] = source
    parsed = {
        name: parse_file(name, by_name[name], max_rows=max_rows, today=today, report_cap=report_cap)
        for name in FILES
        if name in by_name
    }
    return build_dataset(parsed, report_cap=report_cap)


def read_dir(path: str | Path, *, today: dt.date | None = None, report_cap: int = REPORT_CAP) -> Dataset:
    """
    Read ``influencers.csv``, ``posts.csv``, ``tracking.csv`` and ``payouts.csv`` from a directory.

    File names are matched case-insensitively; a missing (or doubly matched) file is an
    :class:`InputRejected` naming it.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise InputRejected(str(directory), "no such directory")
    entries: dict[str, list[Path]] = {}
    for entry in directory.iterdir():
        if entry.is_file():
            entries.setdefault(entry.name.lower(), []).append(entry)
    sources: dict[str, Path] = {}
    for name in FILES:
        found = sorted(entries.get(f"{name}.csv", []))
        if not found:
            raise InputRejected(name, f"{name}.csv not found in {directory}")
        if len(found) > 1:
            raise InputRejected(name, f"several files match {name}.csv: {', '.join(p.name for p in found)}")
        sources[name] = found[0]
    return read_files(sources, today=today, report_cap=report_cap)
