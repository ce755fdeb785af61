"""Source bytes: loading, binary and encoding sniffing, the delimiter and the header's column names."""

from __future__ import annotations

import base64
import binascii
import codecs
import csv
import io
import mmap
import re
from pathlib import Path

import numpy as np

from metrics.dataset import InputRejected
from metrics.ingest.report import Report, one_line
from metrics.schema import SCHEMA, ColumnSpec

MAX_COLUMNS = 1_000
"""A header with more columns is rejected before anything else is read (docs/data-contract.md)."""
MAX_EXTRA_COLUMNS = 50
"""Most columns outside the contract kept from influencers.csv; the rest are reported and dropped."""
DELIMITERS = (",", ";", "\t", "|")
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or zip archive, not a CSV file: save it as CSV (UTF-8) and retry"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook, not a CSV file: save it as CSV (UTF-8) and retry"),
    (b"%PDF", "a PDF document, not a CSV file"),
    (b"\x1f\x8b", "a gzip archive, not a CSV file: extract it first"),
    (b"\x89PNG", "an image, not a CSV file"),
    (b"\xff\xd8\xff", "an image, not a CSV file"),
)
NON_BLANK = re.compile(rb"[^\s]")
_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(rb"[\r\n]")


Buffer = bytes | mmap.mmap


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def load(name: str, source: bytes | str | Path) -> Buffer:
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
            raise InputRejected(name, f"cannot read {source}: {one_line(exc.strerror or exc)}") from None
    raise TypeError(f"unsupported source type {type(source).__name__}")


def decode(name: str, data: Buffer, filename: str | None, report: Report) -> Buffer:
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
    if NON_BLANK.search(data, len(_BOM) if head.startswith(_BOM) else 0) is None:
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


def first_line(data: Buffer) -> tuple[str, int]:
    """Return the header line (without its line break, which may be LF, CRLF or CR) and the offset after it."""
    found = _LINE_BREAK.search(data)
    if found is None:
        return bytes(data[:]).decode("utf-8", errors="replace"), len(data)
    end = found.start()
    after = end + (2 if data[end : end + 2] == b"\r\n" else 1)
    return bytes(data[:end]).decode("utf-8", errors="replace"), after


def first_record(data: Buffer, start: int, delimiter: str) -> list[str]:
    """Return the fields of the first data row (which may span lines inside quotes)."""
    chunk = bytes(data[start : start + 65536]).decode("utf-8", errors="replace")
    return next(csv.reader(io.StringIO(chunk, newline=""), delimiter=delimiter), [])


def sniff_delimiter(header: str) -> str:
    """Pick the delimiter occurring most often in the header line outside quotes (comma on a tie)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = [unquoted.count(d) for d in DELIMITERS]
    best = max(range(len(DELIMITERS)), key=lambda i: (counts[i], -i))
    return DELIMITERS[best] if counts[best] else ","


def split(line: str, delimiter: str) -> list[str]:
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


def map_columns(
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
