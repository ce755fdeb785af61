"""
Read and validate the four input CSV files into a :class:`~metrics.dataset.Dataset` (docs/data-contract.md).

A file that cannot be used at all raises :class:`~metrics.dataset.InputRejected` with a one-line message.
Anything else never throws a file away: every problem cell becomes a row of the data-quality report
(``file, row, column, value, problem, action``), the bad row is dropped or repaired as the ``action`` says,
and the good rows are kept. ``row`` is the line a spreadsheet shows: the header is row 1, the first data
row is row 2.

The clean path stays close to pyarrow's own CSV speed: pyarrow parses and infers the types, and only a
column that did not come out with the expected type (``₹1,299``, ``25/07/2025``...) is repaired, working on
its distinct values rather than on every row.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import csv
import ctypes
import ctypes.util
import datetime as dt
import io
import mmap
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from metrics.dataset import FILES, QUALITY_COLUMNS, Dataset, InputRejected, empty_quality
from metrics.lookup import isin
from metrics.schema import (
    ALWAYS_PRESENT,
    BASIS_VALUES,
    SCHEMA,
    UNIFIED_SPELLING,
    ColumnSpec,
    column_dtype,
    empty_frame,
)

__all__ = [
    "MAX_COLUMNS",
    "MAX_EXTRA_COLUMNS",
    "REPORT_CAP",
    "InputRejected",
    "ParsedFile",
    "build_dataset",
    "empty_frame",
    "normalise_column_name",
    "parse_file",
    "read_dir",
    "read_files",
    "template_csv",
]

REPORT_CAP = 1_000
"""Most report rows listed per (file, column, problem); one more row counts the rest."""
MAX_COLUMNS = 1_000
"""A header with more columns is rejected before anything else is read (docs/data-contract.md)."""
MAX_EXTRA_COLUMNS = 50
"""Most columns outside the contract kept from influencers.csv; the rest are reported and dropped."""
NOT_HTTP_URL = "not an http(s) URL"
# A post link is only ever a web page: a value with any other scheme (javascript:, data:, file:...) is
# kept as text and reported. Browsers ignore spaces, tabs and control characters around and inside a
# scheme ("java\tscript:"), so they are removed before looking at it; a value without a scheme ("u",
# "instagram.com/p/1") is a plain text note, not a link, and is left alone.
_URL_IGNORED = r"[\x00-\x20]"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*:"
_HTTP_SCHEME = r"(?i)https?:"

# Cells pyarrow reads as empty. "none" is left out: it can be a real category or source value.
NULL_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A", "-", "—"]
DELIMITERS = (",", ";", "\t", "|")
VALUE_WIDTH = 200  # longest value quoted in the report (captions can be long)
STRING = pd.StringDtype("pyarrow")
# pandas keeps arrow-backed strings as large_string: reading them so saves a conversion per column.
TEXT = pa.large_string()
# Categorical text columns are dictionary-encoded by the CSV reader's threads, block by block.
_DICTIONARY = pa.dictionary(pa.int32(), TEXT)
# pyarrow's default pool (mimalloc): at M it parses about 0.1 s faster than the C allocator, which would
# keep about 0.8x the CSV size less memory; both fit the budgets (docs/data-contract.md, Decisions).
PARSE_POOL = pa.default_memory_pool()


def _find_malloc_trim():
    """Return glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (AttributeError, OSError, TypeError):
        return None


_MALLOC_TRIM = _find_malloc_trim()

_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or zip archive, not a CSV file: save it as CSV (UTF-8) and retry"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook, not a CSV file: save it as CSV (UTF-8) and retry"),
    (b"%PDF", "a PDF document, not a CSV file"),
    (b"\x1f\x8b", "a gzip archive, not a CSV file: extract it first"),
    (b"\x89PNG", "an image, not a CSV file"),
    (b"\xff\xd8\xff", "an image, not a CSV file"),
)
_NON_BLANK = re.compile(rb"[^\s]")
_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(rb"[\r\n]")
_EMPTY_QUALITY = empty_quality()
UNKNOWN_INFLUENCER = "influencer_id not in influencers.csv"
NO_PAYOUT = "no payout row in payouts.csv"
NOT_PROVIDED = "file not provided"
CROSS_FILE_PROBLEMS = (UNKNOWN_INFLUENCER, NO_PAYOUT, NOT_PROVIDED)

TEMPLATES = {
    "influencers": (
        "influencer_id,name,category,gender,follower_count,platform\n"
        "INF001,Asha Rao,Fitness,Female,125000,Instagram\n"
        "INF002,Vikram Shah,Tech,Male,48000,YouTube\n"
    ),
    "posts": (
        "post_id,influencer_id,platform,date,url,caption,reach,likes,comments,campaign\n"
        'P001,INF001,Instagram,2025-01-05,https://www.instagram.com/p/abc123,"New year, new goals #ad",'
        "40000,2100,85,New Year\n"
        "P002,INF002,YouTube,2025-01-07,https://www.youtube.com/watch?v=xyz789,Unboxing the Pro headphones,"
        "15000,900,120,New Year\n"
    ),
    "tracking": (
        "source,campaign,influencer_id,user_id,product,date,orders,revenue,order_id\n"
        "influencer,New Year,INF001,U1001,Whey Protein,2025-01-06,1,1299.00,ORD-1\n"
        "organic,,,U1002,Whey Protein,2025-01-06,1,1299.00,ORD-2\n"
    ),
    "payouts": ("influencer_id,basis,total_payout,rate\nINF001,post,15000,15000\nINF002,order,2400,200\n"),
}


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


# --------------------------------------------------------------------------------------------------
# The report


@dataclass
class _Finding:
    column: str
    problem: str
    action: str | np.ndarray
    lines: np.ndarray  # file rows, -1 when unknown
    values: np.ndarray  # object array of str, aligned with lines
    total: int


class _Report:
    """Collect one file's findings, capped per (column, problem) as they arrive."""

    def __init__(self, file: str, cap: int):
        self.file = file
        self.cap = cap
        self.notes: list[tuple[str, str, str, str]] = []
        self.findings: dict[tuple[str, str], list[_Finding]] = {}

    def note(self, problem: str, action: str, column: str = "", value: str = "") -> None:
        """Add a finding about the whole file or a whole column (empty row)."""
        self.notes.append((column, value, problem, action))

    def rows(
        self,
        column: str,
        problem: str,
        action: str | np.ndarray,
        positions: np.ndarray,
        values: pd.Series | np.ndarray | str,
        lines: np.ndarray,
    ) -> None:
        """
        Add one finding per position.

        ``values`` and ``lines`` (and ``action`` when it is an array) are full-length arrays indexed by
        ``positions``; only the first ``cap`` positions are materialised.
        """
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return
        kept = positions[: self.cap]
        if isinstance(values, str):
            shown = np.full(kept.size, values, dtype=object)
        else:
            taken = values.iloc[kept] if isinstance(values, pd.Series) else np.asarray(values)[kept]
            shown = np.array([_show(v) for v in taken], dtype=object)
        kept_action = action if isinstance(action, str) else np.asarray(action, dtype=object)[kept]
        self.findings.setdefault((column, problem), []).append(
            _Finding(column, problem, kept_action, np.asarray(lines)[kept], shown, int(positions.size))
        )

    def frame(self) -> pd.DataFrame:
        """Return the findings as data-quality rows: whole-file notes first, then one block per problem."""
        blocks = []
        if self.notes:
            column, value, problem, action = zip(*self.notes, strict=True)
            blocks.append(_quality_block(self.file, np.full(len(column), -1), column, value, problem, action))
        for (column, problem), parts in self.findings.items():
            lines = np.concatenate([p.lines for p in parts])
            values = np.concatenate([p.values for p in parts])
            actions = np.concatenate(
                [
                    np.full(p.lines.size, p.action, dtype=object) if isinstance(p.action, str) else p.action
                    for p in parts
                ]
            )
            order = np.argsort(lines, kind="stable")[: self.cap]
            blocks.append(
                _quality_block(self.file, lines[order], column, values[order], problem, actions[order])
            )
            more = sum(p.total for p in parts) - order.size
            listed = set(actions[order])
            if more > 0:
                blocks.append(
                    _quality_block(
                        self.file,
                        np.array([-1]),
                        column,
                        "",
                        f"{problem} ({more:,} more rows not listed)",
                        listed.pop() if len(listed) == 1 else "as in the rows listed above",
                    )
                )
        if not blocks:
            return _EMPTY_QUALITY.copy()
        return pd.concat(blocks, ignore_index=True)


def _quality_block(file, lines, column, value, problem, action) -> pd.DataFrame:
    lines = np.asarray(lines, dtype=np.int64)
    size = lines.size
    frame = pd.DataFrame(
        {
            "file": pd.array(np.full(size, file, dtype=object), dtype="string"),
            "row": pd.array(np.where(lines < 0, None, lines), dtype="Int64"),
        }
    )
    for name, content in (("column", column), ("value", value), ("problem", problem), ("action", action)):
        array = (
            np.full(size, content, dtype=object)
            if isinstance(content, str)
            else np.asarray(content, dtype=object)
        )
        frame[name] = pd.array(array, dtype="string")
    return frame[QUALITY_COLUMNS]


def _show(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    text = str(value)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --------------------------------------------------------------------------------------------------
# Bytes, encodings and the header


Buffer = bytes | mmap.mmap


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def _load(name: str, source: bytes | str | Path) -> Buffer:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str):
        head = source[:256]
        if head.startswith("data:") and ";base64," in head:
            # The browser upload's data URL (dcc.Upload contents).
            try:
                return base64.b64decode(source.split(",", 1)[1], validate=False)
            except (binascii.Error, ValueError):
                raise InputRejected(name, "the upload is not valid base64 data") from None
        if "\n" in source or len(source) >= 4096 or not _is_file(source):
            return source.encode("utf-8")
        source = Path(source)
    if isinstance(source, Path):
        try:
            with source.open("rb") as handle:
                if source.stat().st_size == 0:
                    return b""
                # Mapped, not read: pyarrow's threads fault the pages in while they parse.
                return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError as exc:
            raise InputRejected(name, f"cannot read {source}: {_one_line(exc.strerror or exc)}") from None
    raise TypeError(f"unsupported source type {type(source).__name__}")


def _decode(name: str, data: Buffer, filename: str | None, report: _Report) -> Buffer:
    """Return the file as UTF-8 (a BOM left in place), or reject what is not CSV text."""
    label = f"{filename} is" if filename else "the file is"
    head = data[:65536]
    for signature, what in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise InputRejected(name, f"{label} {what}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a BOM.
        data = bytes(data).decode("utf-16", errors="replace").encode("utf-8")
        head = data[:65536]
    if _NON_BLANK.search(data, len(_BOM) if head.startswith(_BOM) else 0) is None:
        raise InputRejected(name, f"{label} empty")
    # The whole file, not just its head: a NUL further down would pass into the text columns unseen.
    if data.find(b"\x00") >= 0:
        raise InputRejected(name, f"{label} binary, not CSV text")
    if np.frombuffer(data, dtype=np.uint8).max() < 0x80:
        return data
    try:
        codecs.utf_8_decode(data, "strict", True)
        return data
    except UnicodeDecodeError:
        text = codecs.decode(bytes(data), "cp1252", "replace")
    if "\ufffd" in text:
        report.note(
            "characters that are neither UTF-8 nor Windows-1252 (cp1252)", "replaced with \ufffd; rows kept"
        )
    return text.encode("utf-8")


def _first_line(data: Buffer) -> tuple[str, int]:
    """Return the header line (without its line break, which may be LF, CRLF or CR) and the offset after it."""
    found = _LINE_BREAK.search(data)
    if found is None:
        return bytes(data[:]).decode("utf-8", errors="replace"), len(data)
    end = found.start()
    after = end + (2 if data[end : end + 2] == b"\r\n" else 1)
    return bytes(data[:end]).decode("utf-8", errors="replace"), after


def _first_record(data: Buffer, start: int, delimiter: str) -> list[str]:
    """Return the fields of the first data row (which may span lines inside quotes)."""
    chunk = bytes(data[start : start + 65536]).decode("utf-8", errors="replace")
    return next(csv.reader(io.StringIO(chunk, newline=""), delimiter=delimiter), [])


def _sniff_delimiter(header: str) -> str:
    """Pick the delimiter occurring most often in the header line outside quotes (comma on a tie)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = [unquoted.count(d) for d in DELIMITERS]
    best = max(range(len(DELIMITERS)), key=lambda i: (counts[i], -i))
    return DELIMITERS[best] if counts[best] else ","


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def normalise_column_name(header: str) -> str:
    """
    Normalise a header for matching: split camelCase, drop bracketed notes, lower-case, join words with ``_``.

    Examples
    --------
    >>> normalise_column_name(" Follower Count ")
    'follower_count'
    >>> normalise_column_name("Revenue (INR)")
    'revenue'
    >>> normalise_column_name("influencerID")
    'influencer_id'
    >>> normalise_column_name("post-url")
    'post_url'
    """
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", str(header))
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text.strip())
    return re.sub(r"[^0-9a-z]+", "_", text.casefold()).strip("_")


def _map_columns(
    name: str, headers: list[str], quote_header: bool = True
) -> tuple[dict[str, int], dict[str, int]]:
    """
    Match the header to the schema (``quote_header``: list the header's cells when a column is missing).

    Returns
    -------
    tuple of dict
        Canonical name -> header position, and (influencers only) extra column name -> position.
    """
    specs = SCHEMA[name]
    normalised = [normalise_column_name(h) for h in headers]
    positions: dict[str, list[int]] = {}
    for index, key in enumerate(normalised):
        if key:
            positions.setdefault(key, []).append(index)
    mapping: dict[str, int] = {}
    claimed: set[int] = set()

    def conflict(canonical: str, found: list[int]) -> InputRejected:
        shown = " and ".join(repr(headers[i].strip()) for i in found[:3])
        verb = "both map" if len(found) == 2 else "all map"
        return InputRejected(name, f"columns {shown} {verb} to {canonical}; keep only one of them")

    def take(canonical: str, spec: ColumnSpec) -> None:
        exact = [i for i in positions.get(canonical, []) if i not in claimed]
        if len(exact) > 1:
            raise conflict(canonical, exact)
        if exact:
            mapping[canonical] = exact[0]
            claimed.add(exact[0])
            return
        for tier in spec.synonyms:
            found = [i for synonym in tier for i in positions.get(synonym, []) if i not in claimed]
            if len(found) > 1:
                raise conflict(canonical, found)
            if found:
                mapping[canonical] = found[0]
                claimed.add(found[0])
                return

    required = [c for c, s in specs.items() if s.required]
    optional = [c for c, s in specs.items() if not s.required]
    # Canonical names first, so a synonym never takes a column that is named exactly for something else
    # (``views`` stands in for reach only when there is no reach or impressions).
    for canonical in required:
        exact = positions.get(canonical, [])
        if len(exact) > 1:
            raise conflict(canonical, exact)
        if exact:
            mapping[canonical] = exact[0]
            claimed.add(exact[0])
    for canonical in required:
        if canonical not in mapping:
            take(canonical, specs[canonical])
    missing = [c for c in required if c not in mapping]
    if missing:
        found = [h.strip() for h in headers if h.strip()]
        listed = ", ".join(found[:40]) + (f" and {len(found) - 40} more" if len(found) > 40 else "")
        problem = f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        if quote_header:
            problem += f"; columns found: {listed or 'none'}"
        raise InputRejected(name, problem)
    for canonical in optional:
        take(canonical, specs[canonical])

    extras: dict[str, int] = {}
    if name == "influencers":
        for index, key in enumerate(normalised):
            if index in claimed or not key:
                continue
            unique, suffix = key, 2
            while unique in extras or unique in specs:
                unique, suffix = f"{key}_{suffix}", suffix + 1
            extras[unique] = index
    return mapping, extras


# --------------------------------------------------------------------------------------------------
# Parsing


@dataclass
class _Table:
    table: pa.Table
    lines: np.ndarray  # file row of each table row
    rows_read: int


# Bytes scanned per step when counting line breaks: bounds the temporary comparison array.
_COUNT_BLOCK = 1 << 23


def _line_count(data: Buffer, start: int) -> int:
    """Return how many lines the file has from ``start`` on: no more records than this can follow."""
    view = np.frombuffer(data, dtype=np.uint8)[start:]
    if view.size == 0:
        return 0
    counts = {}
    for byte in (0x0A, 0x0D):  # LF (and CRLF) files; then old Mac files, whose lines end in CR alone
        counts[byte] = sum(
            int(np.count_nonzero(view[i : i + _COUNT_BLOCK] == byte))
            for i in range(0, view.size, _COUNT_BLOCK)
        )
        if counts[byte]:
            break
    # The last line needs no line break.
    return max(counts.values()) + 1


def too_many_rows(label: str, max_rows: int) -> str:
    """
    Return the rejection message of a file over the row limit.

    Examples
    --------
    >>> too_many_rows("big.csv", 1000)
    'big.csv has more than 1,000 data rows, the upload limit; load bigger files through a server folder (DATA_DIR) or the command line'
    """
    noun = "row" if max_rows == 1 else "rows"
    return (
        f"{label} has more than {max_rows:,} data {noun}, the upload limit; "
        "load bigger files through a server folder (DATA_DIR) or the command line"
    )


def _check_row_limit(
    name: str, data: Buffer, body_start: int, delimiter: str, n_columns: int, max_rows: int, label: str
) -> None:
    """
    Reject a file with more than ``max_rows`` data rows before parsing it.

    Counting line breaks (a few tens of ms for 200 MB) settles most files, as records cannot outnumber lines.
    Only a file with more lines than the limit has its records counted, by pyarrow's streaming reader
    with the parse's own options (blank lines skipped, rows with a wrong number of fields counted as
    read), which stops at the first block past the limit: an oversized file costs the time of
    ``max_rows`` rows, never of the whole file. A file the reader cannot read is left to the full parse,
    whose message says why.
    """
    if _line_count(data, body_start) <= max_rows:
        return
    column_names = [f"c{i}" for i in range(n_columns)]
    broken = 0

    def on_invalid(row) -> str:
        nonlocal broken
        broken += bool(row.text.strip())
        return "skip"

    try:
        reader = pacsv.open_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=column_names, skip_rows=1, block_size=1 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=data.find(b'"') >= 0,
                ignore_empty_lines=True,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=column_names[:1], column_types={column_names[0]: TEXT}
            ),
        )
        rows = 0
        for batch in reader:
            rows += batch.num_rows
            if rows + broken > max_rows:
                break
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return
    if rows + broken > max_rows:
        raise InputRejected(name, too_many_rows(label, max_rows))


def _read_table(
    name: str,
    data: Buffer,
    delimiter: str,
    n_columns: int,
    wanted: dict[int, pa.DataType | None],
    body_start: int,
    report: _Report,
) -> _Table:
    """Parse the data rows with pyarrow; rows with a wrong number of fields are reported and skipped."""
    column_names = [f"c{i}" for i in range(n_columns)]
    include = [column_names[i] for i in sorted(wanted)]
    if _NON_BLANK.search(data, body_start) is None:
        empty = pa.table({c: pa.array([], type=wanted[int(c[1:])] or TEXT) for c in include})
        return _Table(empty, np.array([], dtype=np.int64), 0)

    def attempt(use_threads: bool) -> tuple[pa.Table, list]:
        invalid: list = []

        def on_invalid(row) -> str:
            invalid.append(row)
            return "skip"

        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(
                column_names=column_names, skip_rows=1, use_threads=use_threads, block_size=1 << 22
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                # Quoted line breaks (multi-line captions) need the slower chunking; look for a quote first.
                newlines_in_values=data.find(b'"') >= 0,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={column_names[i]: t for i, t in wanted.items() if t is not None},
                include_columns=include,
                null_values=NULL_VALUES,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
            memory_pool=PARSE_POOL,
        )
        return table, invalid

    try:
        table, invalid = attempt(use_threads=True)
        zoned = [
            index
            for index in wanted
            if pa.types.is_timestamp(table[f"c{index}"].type) and table[f"c{index}"].type.tz is not None
        ]
        if zoned:
            # pyarrow turns "10:00+05:30" into UTC and loses the written day: read those columns as text.
            wanted = {**wanted, **dict.fromkeys(zoned, TEXT)}
            table, invalid = attempt(use_threads=True)
        if invalid and any(row.number is None for row in invalid):
            # Only the single-threaded reader knows the row numbers of skipped rows.
            table, invalid = attempt(use_threads=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        detail = _one_line(str(exc).split("\n")[0])[:200]
        raise InputRejected(name, f"cannot be read as CSV ({detail})") from None

    # pyarrow numbers rows like a spreadsheet: the header is row 1.
    lines = np.arange(2, table.num_rows + 2, dtype=np.int64)
    numbers = np.array([r.number if r.number is not None else -1 for r in invalid], dtype=np.int64)
    if invalid and (numbers > 0).all():
        lines = np.setdiff1d(np.arange(2, table.num_rows + numbers.size + 2), numbers)
    # A line of spaces is a blank line, not a broken row.
    broken = [i for i, row in enumerate(invalid) if row.text.strip()]
    if broken and table.num_rows == 0:
        raise InputRejected(
            name,
            f"no data row has the header's {n_columns} fields "
            f"(first row has {invalid[broken[0]].actual_columns}); check the delimiter and quotes",
        )
    report.rows(
        "",
        "wrong number of fields",
        np.array([_wrong_fields_action(r) for r in invalid], dtype=object),
        np.array(broken, dtype=np.int64),
        np.array([r.text for r in invalid], dtype=object),
        numbers,
    )
    rows_read = table.num_rows + len(broken)

    # Blank lines come through as all-empty rows; a column without nulls proves there are none.
    if table.num_columns and table.num_rows and all(c.null_count > 0 for c in table.columns):
        empty = np.ones(table.num_rows, dtype=bool)
        for column in table.columns:
            empty &= column.is_null().to_numpy(zero_copy_only=False)
        if empty.any():
            table = table.filter(pa.array(~empty))
            lines = lines[~empty]
            rows_read -= int(empty.sum())
    return _Table(table, lines, rows_read)


def _wrong_fields_action(row) -> str:
    """Return the action of a row with a wrong field count, pointing at an open quote when it spans lines."""
    action = f"row dropped (expected {row.expected_columns} fields, found {row.actual_columns})"
    spanned = len(row.text.splitlines())
    if spanned > 1:
        # A quote left open takes in the lines after it, good rows included, until the next quote.
        action = f"{action[:-1]}; the row runs over {spanned} lines: check for a quote left open)"
    return action


def _has_padding(column: pa.ChunkedArray) -> bool:
    """
    Return True when some value starts or ends with a space or tab.

    Looks at the bytes on either side of each value boundary in the string offsets, after a quick scan
    for any blank byte at all, so a clean column costs a fraction of trimming it.
    """
    for chunk in column.chunks:
        if len(chunk) == 0 or chunk.buffers()[2] is None:
            continue
        _, offset_buffer, data_buffer = chunk.buffers()
        offset_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offset_buffer, dtype=offset_type)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
        blank = (data == 0x20) | (data == 0x09)
        if data.size == 0 or not blank.any():
            continue
        # A value's first byte sits at its start offset and its last byte just before the next offset.
        # Empty values need no care: the bytes they point at belong to a neighbour, itself padded if blank.
        starts = offsets - offsets[0]
        if blank.take(starts, mode="clip").any() or blank.take(starts - 1, mode="clip").any():
            return True
    return False


def _to_strings(column: pa.ChunkedArray, trim: bool) -> pa.ChunkedArray:
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = pc.cast(column, TEXT)
    if trim and _has_padding(column):
        column = pc.utf8_trim_whitespace(column)
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)
    return column


def _string_series(column: pa.ChunkedArray) -> pd.Series:
    return column.to_pandas(types_mapper={pa.string(): STRING, pa.large_string(): STRING}.get)


def _category_series(column: pa.ChunkedArray) -> pd.Series:
    """
    Return a text column as a pandas ``category``: its values in order of first appearance as categories.

    The codes are then exactly ``pandas.factorize``'s (-1 where missing), which the metrics reuse
    instead of factorising a million strings again (docs/data-contract.md). The column comes
    dictionary-encoded from the CSV reader, so only the few distinct values are trimmed.
    """
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(_to_strings(column, trim=False))
    if column.num_chunks > 1:
        # Each block of the file has its own dictionary; unifying them appends the values each block adds,
        # in block order, so the values stay in order of first appearance.
        column = column.unify_dictionaries()
    if column.num_chunks == 0:
        column = pa.chunked_array([pa.array([], type=_DICTIONARY)])
    dictionary = pa.chunked_array([column.chunk(0).dictionary])
    indices = pa.chunked_array([chunk.indices for chunk in column.chunks], type=column.type.index_type)
    codes = pc.fill_null(indices, -1).to_numpy()
    if not _has_padding(dictionary):
        categories = pd.Index(_string_series(_to_strings(dictionary, trim=False)))
        return pd.Series(pd.Categorical.from_codes(codes, categories=categories, validate=False))
    # Trimming can merge values (" A" and "A") or empty one: number the trimmed values afresh.
    merged, categories = pd.factorize(_string_series(_to_strings(dictionary, trim=True)))
    codes = np.append(merged, -1)[codes]
    series = pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(categories), validate=False))
    return _in_appearance_order(series)


def _in_appearance_order(series: pd.Series) -> pd.Series:
    """Return a categorical with only the values present as categories, in order of first appearance."""
    codes = series.array.codes
    found = codes >= 0
    order, first = pd.factorize(codes[found])
    if len(first) == len(series.cat.categories) and (first == np.arange(len(first))).all():
        return series
    renumbered = np.full(len(codes), -1, dtype=np.int32)
    renumbered[found] = order
    return pd.Series(
        pd.Categorical.from_codes(renumbered, categories=series.cat.categories.take(first)),
        index=series.index,
    )


# -- numbers


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


def _parse_number_text(text: pd.Series, *, comma_decimal_possible: bool) -> tuple[np.ndarray, np.ndarray]:
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


def _date_column(column: pa.ChunkedArray) -> _DateColumn:
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
    return _parse_date_text(_string_series(_to_strings(column, trim=True)))


# --------------------------------------------------------------------------------------------------
# Columns


@dataclass
class _Converted:
    series: pd.Series
    drop: np.ndarray | None  # rows to drop, None when none


def _raw_text(column: pa.ChunkedArray) -> pd.Series:
    return _string_series(_to_strings(column, trim=False))


def _convert_text(
    canonical: str, spec: ColumnSpec, column: pa.ChunkedArray, lines, report: _Report
) -> _Converted:
    # Padding spaces break joins between files (" A" is not "A").
    if spec.categorical:
        series = _category_series(column)
        has_blanks = bool((series.array.codes < 0).any())
    else:
        column = _to_strings(column, trim=True)
        series = _string_series(column)
        has_blanks = column.null_count > 0
    if not has_blanks or spec.blank == "allow":
        return _Converted(series, None)
    blank = series.isna().to_numpy(dtype=bool)
    action = "row dropped" if spec.blank == "drop" else "kept empty"
    report.rows(canonical, "missing value", action, np.flatnonzero(blank), "", lines)
    return _Converted(series, blank if spec.blank == "drop" else None)


def _convert_number(
    canonical: str, spec: ColumnSpec, column: pa.ChunkedArray, comma_decimal: bool, lines, report: _Report
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
        values, blank = _parse_number_text(raw, comma_decimal_possible=comma_decimal)

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


def _convert_date(canonical: str, column: pa.ChunkedArray, lines, report: _Report) -> _Converted:
    parsed = _date_column(column)
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


def _convert_basis(canonical: str, column: pa.ChunkedArray, lines, report: _Report) -> _Converted:
    raw = _string_series(_to_strings(column, trim=True))
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


def _unify_spelling(column: str, values: pd.Series, keep: np.ndarray, lines, report: _Report) -> pd.Series:
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


def _drop_duplicates(column: str, values: pd.Series, keep: np.ndarray, lines, report: _Report) -> np.ndarray:
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


def _warn_future(
    column: str, dates: pd.Series, keep: np.ndarray, today: dt.date, lines, report: _Report
) -> None:
    future = keep & (dates > pd.Timestamp(today)).to_numpy(dtype=bool)
    report.rows(
        column, f"date after today ({today.isoformat()})", "kept", np.flatnonzero(future), dates, lines
    )


def _warn_engagement(frame: dict[str, pd.Series], keep: np.ndarray, lines, report: _Report) -> None:
    likes, comments, reach = (frame[c].to_numpy(dtype=np.int64) for c in ("likes", "comments", "reach"))
    positions = np.flatnonzero(keep & (likes + comments > reach))
    shown = np.full(len(likes), "", dtype=object)
    for position in positions[: report.cap]:
        shown[position] = f"{likes[position]} + {comments[position]} > {reach[position]}"
    report.rows("reach", "likes + comments exceed reach", "kept", positions, shown, lines)


def _warn_url(urls: pd.Series, keep: np.ndarray, lines, report: _Report) -> None:
    """Report links that are not web addresses (``javascript:``, ``data:``...): kept, never made a link."""
    bare = urls.str.replace(_URL_IGNORED, "", regex=True)
    schemed = bare.str.match(_SCHEME) & ~bare.str.match(_HTTP_SCHEME)
    other = keep & schemed.fillna(False).to_numpy(dtype=bool)
    report.rows("url", NOT_HTTP_URL, "kept as text", np.flatnonzero(other), urls, lines)


# --------------------------------------------------------------------------------------------------
# Public API


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
    report = _Report(name, report_cap)
    data = _decode(name, _load(name, source), filename, report)

    label = filename or f"{name}.csv"
    header, body_start = _first_line(data)
    header = header.removeprefix("\ufeff")
    delimiter = _sniff_delimiter(header)
    try:
        headers = _split(header, delimiter)
        if headers and not headers[-1].strip():
            # A header ending in empty cells over rows that stop earlier: the empty cells are not columns.
            width = len(_first_record(data, body_start, delimiter))
            if 0 < width < len(headers) and not any(h.strip() for h in headers[width:]):
                headers = headers[:width]
    except csv.Error as exc:
        # e.g. a header cell over the csv module's field limit: the message holds no cell content.
        raise InputRejected(name, f"{label} cannot be read as CSV ({_one_line(exc)})") from None
    if len(headers) > MAX_COLUMNS:
        # Checked before the columns are matched: a very wide header costs time in every step after this.
        raise InputRejected(
            name,
            f"{label} has {len(headers):,} columns, over the limit of {MAX_COLUMNS:,}; "
            "remove the columns the dashboard does not use",
        )
    mapping, extras = _map_columns(name, headers, quote_header)
    if len(extras) > MAX_EXTRA_COLUMNS:
        dropped = list(extras)[MAX_EXTRA_COLUMNS:]
        extras = dict(list(extras.items())[:MAX_EXTRA_COLUMNS])
        report.note(
            f"{len(dropped):,} extra columns beyond the first {MAX_EXTRA_COLUMNS} (columns outside the contract)",
            "columns dropped",
            value=_show(", ".join(dropped)),
        )

    wanted: dict[int, pa.DataType | None] = {}
    for canonical, index in mapping.items():
        kind = specs[canonical].kind
        wanted[index] = TEXT if kind in ("text", "basis") else None
        if specs[canonical].categorical:
            wanted[index] = _DICTIONARY
    for index in extras.values():
        wanted[index] = TEXT
    if max_rows is not None:
        _check_row_limit(name, data, body_start, delimiter, len(headers), max_rows, label)
    parsed = _read_table(name, data, delimiter, len(headers), wanted, body_start, report)
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
            converted = _convert_text(canonical, spec, column, lines, report)
        elif spec.kind in ("int", "amount"):
            converted = _convert_number(canonical, spec, column, comma_decimal, lines, report)
        elif spec.kind == "date":
            converted = _convert_date(canonical, column, lines, report)
        else:
            converted = _convert_basis(canonical, column, lines, report)
        columns[canonical] = converted.series
        if converted.drop is not None:
            drop |= converted.drop
    for column_name in ALWAYS_PRESENT.get(name, ()):
        columns.setdefault(
            column_name, pd.Series(np.full(n_rows, np.nan), dtype=column_dtype(specs[column_name]))
        )
    for extra, index in extras.items():
        columns[extra] = _string_series(_to_strings(table[f"c{index}"], trim=True))

    keep = ~drop
    for column_name in UNIFIED_SPELLING.get(name, ()):
        columns[column_name] = _unify_spelling(column_name, columns[column_name], keep, lines, report)
    if name == "influencers":
        drop |= _drop_duplicates("influencer_id", columns["influencer_id"], keep, lines, report)
    if name == "posts" and "post_id" in columns:
        drop |= _drop_duplicates("post_id", columns["post_id"], keep, lines, report)
    keep = ~drop
    if "date" in columns:
        _warn_future("date", columns["date"], keep, today, lines, report)
    if name == "posts":
        _warn_engagement(columns, keep, lines, report)
    if "url" in columns:
        _warn_url(columns["url"], keep, lines, report)

    ordered = {c: columns[c] for c in specs if c in columns} | {c: columns[c] for c in extras}
    frame = pd.DataFrame(ordered, copy=False)
    if drop.any():
        frame = frame.loc[keep].reset_index(drop=True)
        lines = lines[keep]
        # A dropped row may have held a value's only or first occurrence.
        for column_name in frame.columns[(frame.dtypes == "category").to_numpy()]:
            frame[column_name] = _in_appearance_order(frame[column_name])
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
    cross = {name: _Report(name, report_cap) for name in FILES}
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
    quality = pd.concat(blocks, ignore_index=True) if blocks else _EMPTY_QUALITY.copy()
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
    dataset = build_dataset(parsed, report_cap=report_cap)
    _release_parse_memory()
    return dataset


def _release_parse_memory() -> None:
    """
    Hand the memory freed after parsing back to the system.

    The parsed tables are gone once the frames are built, but the allocators keep their pages for reuse:
    left alone, a loaded dataset would hold about twice its size in memory (docs/data-contract.md).
    """
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


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


def template_csv(name: str) -> str:
    """
    Return a template for one input file: its header and two example rows.

    The four templates form a small valid dataset together (the same influencer ids).

    Examples
    --------
    >>> template_csv("payouts").splitlines()[0]
    'influencer_id,basis,total_payout,rate'
    """
    if name not in TEMPLATES:
        raise KeyError(f"unknown file {name!r}; expected one of {', '.join(FILES)}")
    return TEMPLATES[name]
