"""
A corpus of bad input files: a small valid dataset and cases that each break one file in exactly one way.

Every case says what ``metrics.ingest`` must do with it (docs/data-contract.md): either refuse the file
(``InputRejected``, the message fragments it must contain) or accept it with the exact data-quality rows
and the rows kept. The expected rows are worked out by hand from the valid dataset below, with the other
three files valid; "today" is ``TODAY`` so future dates stay future.

Write the corpus to a folder (one sub-folder per case holding the four files, and ``cases.json``)::

    python -m tests.bad_inputs.generate OUT
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import gzip
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from metrics.dataset import FILES

TODAY = dt.date(2025, 6, 1)

HEADERS = {
    "influencers": ["influencer_id", "name", "category", "gender", "follower_count", "platform"],
    "posts": ["influencer_id", "platform", "date", "url", "caption", "reach", "likes", "comments"],
    "tracking": ["source", "campaign", "influencer_id", "user_id", "product", "date", "orders", "revenue"],
    "payouts": ["influencer_id", "basis", "total_payout"],
}
# Spreadsheet rows: the header is row 1, so the first data row below is row 2. Every payout has units
# (posts for a post basis, coded orders for an order basis), so the valid dataset has an empty report.
ROWS = {
    "influencers": [
        ["A", "Asha Rao", "Fitness", "Female", "125000", "Instagram"],
        ["B", "Bala Iyer", "Tech", "Male", "48000", "YouTube"],
        ["C", "Chitra Sen", "Beauty", "Female", "9000", "Instagram"],
    ],
    "posts": [
        ["A", "Instagram", "2025-01-05", "https://example.com/p/1", "New year goals", "40000", "2100", "85"],
        ["A", "Instagram", "2025-01-19", "https://example.com/p/2", "Leg day", "30000", "1500", "40"],
        ["B", "YouTube", "2025-01-07", "https://example.com/p/3", "Unboxing the Pro", "15000", "900", "120"],
        ["C", "Instagram", "2025-01-23", "https://example.com/p/4", "Glow routine", "8000", "400", "30"],
    ],
    "tracking": [
        ["influencer", "Launch", "A", "U1", "Whey", "2025-01-06", "1", "1299.00"],
        ["influencer", "Launch", "B", "U2", "Whey", "2025-01-08", "2", "2598.00"],
        ["influencer", "Launch", "C", "U3", "Bar", "2025-01-24", "1", "499.00"],
        ["organic", "", "", "U4", "Whey", "2025-01-11", "1", "1299.00"],
        ["influencer", "Launch", "B", "U5", "Bar", "2025-01-20", "0", "0"],
    ],
    "payouts": [["A", "post", "15000"], ["B", "order", "2400"], ["C", "post", "3000"]],
}
ROW_COUNTS = {name: len(rows) for name, rows in ROWS.items()}

UNKNOWN = ("influencer_id not in influencers.csv", "kept as an unknown influencer")
NO_PAYOUT = ("no payout row in payouts.csv", "kept with spend 0")

QualityRow = tuple[str, int | None, str, str, str]  # file, row, column, problem, action


@dataclass(frozen=True)
class Case:
    """
    One defective file and what ingest must make of it, the other three files being valid.

    Parameters
    ----------
    name : str
        Identifier, also the folder name in the written corpus.
    file : str
        Which input file is defective.
    defect : str
        The one thing wrong with it.
    content : bytes
        The defective file.
    rejected : tuple of str
        Fragments the ``InputRejected`` message must contain; empty when the file is accepted.
    quality : tuple of QualityRow
        The whole dataset's data-quality rows, exactly and in order (accepted files).
    rows : Mapping of str to int
        Rows kept per file where they differ from the valid dataset.
    values : tuple
        ``(file, frame row, column, value)`` cells the kept data must hold.
    columns : Mapping of str to tuple
        Exact frame columns of a file, where the case is about which columns are kept.
    """

    name: str
    file: str
    defect: str
    content: bytes
    rejected: tuple[str, ...] = ()
    quality: tuple[QualityRow, ...] = ()
    rows: Mapping[str, int] = field(default_factory=dict)
    values: tuple[tuple[str, int, str, object], ...] = ()
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        """Return whether ingest must accept the file."""
        return not self.rejected

    def row_counts(self) -> dict[str, int]:
        """Return the rows each file must keep."""
        return {**ROW_COUNTS, **self.rows}

    def sources(self) -> dict[str, bytes]:
        """Return the four files' bytes: the valid dataset with this case's file replaced."""
        return {**valid_files(), self.file: self.content}


def render(header: list[str], rows: list[list[str]], *, delimiter: str = ",", newline: str = "\n") -> str:
    """Return CSV text, quoting only the fields that need it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def base(name: str) -> tuple[list[str], list[list[str]]]:
    """Return a copy of one valid file's header and rows."""
    return list(HEADERS[name]), [list(row) for row in ROWS[name]]


def valid_text(name: str) -> str:
    """Return one valid file as CSV text."""
    return render(*base(name))


def valid_files() -> dict[str, bytes]:
    """Return the four valid files' bytes."""
    return {name: valid_text(name).encode() for name in FILES}


def edited(name: str, row: int, column: str, value: str) -> str:
    """Return a valid file with one cell (spreadsheet ``row``, header = row 1) replaced."""
    header, rows = base(name)
    rows[row - 2][header.index(column)] = value
    return render(header, rows)


def appended(name: str, *values: str) -> str:
    """Return a valid file with one more row."""
    header, rows = base(name)
    return render(header, [*rows, list(values)])


def with_column(name: str, column: str, values: list[str]) -> str:
    """Return a valid file with one more column."""
    header, rows = base(name)
    return render([*header, column], [[*row, value] for row, value in zip(rows, values, strict=True)])


def without_column(name: str, column: str) -> str:
    """Return a valid file without one column."""
    header, rows = base(name)
    index = header.index(column)
    return render(
        [h for i, h in enumerate(header) if i != index],
        [[v for i, v in enumerate(row) if i != index] for row in rows],
    )


def renamed(name: str, renames: Mapping[str, str]) -> str:
    """Return a valid file with some headers renamed."""
    header, rows = base(name)
    return render([renames.get(h, h) for h in header], rows)


def with_dates(name: str, dates: list[str]) -> str:
    """Return a valid file with its date column rewritten."""
    header, rows = base(name)
    index = header.index("date")
    for row, date in zip(rows, dates, strict=True):
        row[index] = date
    return render(header, rows)


def day(text: str) -> pd.Timestamp:
    """Return a date as the frames hold it."""
    return pd.Timestamp(text)


def _cases() -> list[Case]:
    def case(name: str, file: str, defect: str, content: str | bytes, **expected) -> Case:
        data = content.encode() if isinstance(content, str) else content
        return Case(name, file, defect, data, **expected)

    influencer_header = ", ".join(HEADERS["influencers"])
    huge_caption = "x" * 1_000_000
    return [
        # -- influencers.csv
        case(
            "influencers_missing_column",
            "influencers",
            "the follower_count column is missing",
            without_column("influencers", "follower_count"),
            rejected=(
                "influencers: missing required column follower_count",
                f"columns found: {influencer_header.replace(', follower_count', '')}",
            ),
        ),
        case(
            "influencers_two_synonyms_one_column",
            "influencers",
            "followers and no. of followers both stand for follower_count",
            with_column("influencers", "no. of followers", ["125000", "48000", "9000"]).replace(
                "follower_count", "followers", 1
            ),
            rejected=("influencers: columns 'followers' and 'no. of followers' both map to follower_count",),
        ),
        case(
            "influencers_synonyms",
            "influencers",
            "ID and followers instead of influencer_id and follower_count",
            renamed("influencers", {"influencer_id": "ID", "follower_count": "followers"}),
            values=(("influencers", 0, "influencer_id", "A"), ("influencers", 2, "follower_count", 9000)),
        ),
        case(
            "influencers_extra_column",
            "influencers",
            "an extra City column",
            with_column("influencers", "City", ["Pune", "Chennai", "Kolkata"]),
            values=(("influencers", 1, "city", "Chennai"),),
            columns={"influencers": (*HEADERS["influencers"], "city")},
        ),
        case(
            "influencers_utf8_bom",
            "influencers",
            "a UTF-8 byte-order mark",
            codecs.BOM_UTF8 + valid_text("influencers").encode(),
            values=(("influencers", 0, "influencer_id", "A"),),
        ),
        case(
            "influencers_cp1252",
            "influencers",
            "Windows-1252 text (Zoë Café)",
            edited("influencers", 4, "name", "Zoë Café").encode("cp1252"),
            values=(("influencers", 2, "name", "Zoë Café"),),
        ),
        case(
            "influencers_undecodable_byte",
            "influencers",
            "a byte that is neither UTF-8 nor Windows-1252",
            edited("influencers", 4, "name", "Chitra#").encode().replace(b"#", b"\x81"),
            quality=(
                (
                    "influencers",
                    None,
                    "",
                    "characters that are neither UTF-8 nor Windows-1252 (cp1252)",
                    "replaced with \ufffd; rows kept",
                ),
            ),
            values=(("influencers", 2, "name", "Chitra\ufffd"),),
        ),
        case(
            "influencers_cr_line_breaks",
            "influencers",
            "old Mac line breaks (CR only)",
            render(*base("influencers"), newline="\r"),
            values=(("influencers", 2, "platform", "Instagram"),),
        ),
        case(
            "influencers_unicode_names",
            "influencers",
            "a Devanagari name and an emoji",
            edited("influencers", 2, "name", "आशा राव").replace("Bala Iyer", "Bala 🚀"),
            values=(("influencers", 0, "name", "आशा राव"), ("influencers", 1, "name", "Bala 🚀")),
        ),
        case(
            "influencers_duplicate_id",
            "influencers",
            "influencer A listed twice",
            appended("influencers", "A", "Asha R", "Fitness", "Female", "1000", "Instagram"),
            quality=(
                (
                    "influencers",
                    5,
                    "influencer_id",
                    "duplicate influencer_id",
                    "row dropped; the same id on row 2 is kept",
                ),
            ),
            values=(("influencers", 0, "follower_count", 125000), ("influencers", 0, "name", "Asha Rao")),
        ),
        case(
            "influencers_not_whole_number",
            "influencers",
            "a follower count of 9000.5",
            edited("influencers", 4, "follower_count", "9000.5"),
            quality=(
                ("influencers", 4, "follower_count", "not a whole number", "row dropped"),
                ("posts", 5, "influencer_id", *UNKNOWN),
                ("tracking", 4, "influencer_id", *UNKNOWN),
                ("payouts", 4, "influencer_id", *UNKNOWN),
            ),
            rows={"influencers": 2},
            values=(("posts", 3, "influencer_id", "C"),),
        ),
        case(
            "influencers_spelling",
            "influencers",
            "platform written instagram once",
            edited("influencers", 4, "platform", "instagram"),
            quality=(
                (
                    "influencers",
                    4,
                    "platform",
                    "same value spelt differently (letter case or spaces)",
                    "read as Instagram",
                ),
            ),
            values=(("influencers", 2, "platform", "Instagram"),),
        ),
        case(
            "influencers_excel_workbook",
            "influencers",
            "an Excel workbook named .csv",
            b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + bytes(64),
            rejected=("influencers: ", "Excel workbook", "save it as CSV (UTF-8)"),
        ),
        # -- posts.csv
        case(
            "posts_two_columns_one_name",
            "posts",
            "reach given twice (reach and 'Reach ')",
            with_column("posts", "Reach ", ["40000", "30000", "15000", "8000"]),
            rejected=("posts: columns 'reach' and 'Reach' both map to reach; keep only one of them",),
        ),
        case(
            "posts_synonyms",
            "posts",
            "post_url and impressions instead of url and reach",
            renamed("posts", {"url": "post_url", "reach": "impressions"}),
            values=(("posts", 0, "url", "https://example.com/p/1"), ("posts", 0, "reach", 40000)),
        ),
        case(
            "posts_extra_column",
            "posts",
            "an extra sponsor column",
            with_column("posts", "sponsor", ["Acme", "", "Acme", ""]),
            columns={"posts": tuple(HEADERS["posts"])},
        ),
        case(
            "posts_tab_delimiter",
            "posts",
            "tab-delimited",
            render(*base("posts"), delimiter="\t"),
            values=(("posts", 2, "caption", "Unboxing the Pro"), ("posts", 3, "reach", 8000)),
        ),
        case(
            "posts_quoted_commas",
            "posts",
            "commas inside a quoted caption",
            edited("posts", 2, "caption", "New year, new goals, #ad"),
            values=(("posts", 0, "caption", "New year, new goals, #ad"), ("posts", 0, "reach", 40000)),
        ),
        case(
            "posts_quoted_newlines",
            "posts",
            "line breaks inside a quoted caption",
            edited("posts", 2, "caption", "New year\ngoals\r\n#ad"),
            values=(("posts", 0, "caption", "New year\ngoals\r\n#ad"), ("posts", 1, "reach", 30000)),
        ),
        case(
            "posts_empty_file",
            "posts",
            "an empty file (0 bytes)",
            b"",
            rejected=("posts: ", "empty"),
        ),
        case(
            "posts_not_a_number",
            "posts",
            "reach written as lots",
            edited("posts", 3, "reach", "lots"),
            quality=(("posts", 3, "reach", "not a number", "row dropped"),),
            rows={"posts": 3},
            values=(("posts", 1, "caption", "Unboxing the Pro"),),
        ),
        case(
            "posts_number_too_large",
            "posts",
            "a like count beyond any 64-bit integer",
            edited("posts", 3, "likes", "99999999999999999999999"),
            quality=(("posts", 3, "likes", "number too large", "row dropped"),),
            rows={"posts": 3},
            values=(("posts", 1, "likes", 900),),
        ),
        case(
            "posts_bad_optional_number",
            "posts",
            "an optional shares column with many in it",
            with_column("posts", "shares", ["10", "many", "5", "0"]),
            quality=(("posts", 3, "shares", "not a number", "value cleared"),),
            values=(("posts", 0, "shares", 10), ("posts", 1, "shares", pd.NA), ("posts", 1, "reach", 30000)),
        ),
        case(
            "posts_day_first_dates",
            "posts",
            "dates written dd/mm/yyyy",
            with_dates("posts", ["05/01/2025", "19/01/2025", "07/01/2025", "23/01/2025"]),
            values=(("posts", 1, "date", day("2025-01-19")), ("posts", 2, "date", day("2025-01-07"))),
        ),
        case(
            "posts_month_first_dates",
            "posts",
            "dates written mm/dd/yyyy",
            with_dates("posts", ["01/05/2025", "01/19/2025", "01/07/2025", "01/23/2025"]),
            values=(("posts", 0, "date", day("2025-01-05")), ("posts", 2, "date", day("2025-01-07"))),
        ),
        case(
            "posts_mixed_date_orders",
            "posts",
            "a date column showing both day-first and month-first dates",
            with_dates("posts", ["2025-01-05", "19/01/2025", "07/01/2025", "01/23/2025"]),
            quality=(
                (
                    "posts",
                    None,
                    "date",
                    "column mixes day-first and month-first dates",
                    "each date read in the order it shows; 1 ambiguous dates read day-first",
                ),
            ),
            values=(("posts", 2, "date", day("2025-01-07")), ("posts", 3, "date", day("2025-01-23"))),
        ),
        case(
            "posts_invalid_date",
            "posts",
            "a date of 31 February",
            edited("posts", 4, "date", "31/02/2025"),
            quality=(("posts", 4, "date", "not a date", "row dropped"),),
            rows={"posts": 3},
            values=(("posts", 2, "influencer_id", "C"),),
        ),
        case(
            "posts_likes_exceed_reach",
            "posts",
            "likes + comments above reach",
            edited("posts", 5, "likes", "9000"),
            quality=(("posts", 5, "reach", "likes + comments exceed reach", "kept"),),
            values=(("posts", 3, "likes", 9000),),
        ),
        case(
            "posts_unknown_influencer",
            "posts",
            "a post by an influencer not in influencers.csv",
            appended(
                "posts", "Z", "Instagram", "2025-01-25", "https://example.com/p/5", "Hi", "5000", "100", "10"
            ),
            quality=(("posts", 6, "influencer_id", *UNKNOWN),),
            rows={"posts": 5},
            values=(("posts", 4, "influencer_id", "Z"),),
        ),
        case(
            "posts_too_few_fields",
            "posts",
            "a row missing its last field",
            valid_text("posts").replace("1500,40\n", "1500\n"),
            quality=(("posts", 3, "", "wrong number of fields", "row dropped (expected 8 fields, found 7)"),),
            rows={"posts": 3},
            values=(("posts", 1, "comments", 120),),
        ),
        case(
            "posts_unclosed_quote",
            "posts",
            "a caption whose opening quote is never closed",
            valid_text("posts").replace(",Leg day,", ',"Leg day,'),
            quality=(
                (
                    "posts",
                    3,
                    "",
                    "wrong number of fields",
                    "row dropped (expected 8 fields, found 5; the row runs over 3 lines: check for a quote "
                    "left open)",
                ),
            ),
            rows={"posts": 1},
            values=(("posts", 0, "caption", "New year goals"),),
        ),
        case(
            "posts_huge_caption",
            "posts",
            "a 1 MB caption",
            edited("posts", 2, "caption", huge_caption),
            values=(("posts", 0, "caption", huge_caption), ("posts", 1, "caption", "Leg day")),
        ),
        case(
            "posts_binary",
            "posts",
            "binary content named .csv",
            bytes(range(256)) * 64,
            rejected=("posts: ", "binary, not CSV text"),
        ),
        case(
            "posts_nul_after_64_kb",
            "posts",
            "a NUL byte past the first 64 KB",
            edited("posts", 2, "caption", "y" * 70_000).replace("Leg day", "Leg\x00day"),
            rejected=("posts: ", "binary, not CSV text"),
        ),
        # -- tracking.csv
        case(
            "tracking_missing_column",
            "tracking",
            "the date column is missing",
            without_column("tracking", "date"),
            rejected=(
                "tracking: missing required column date",
                "columns found: source, campaign, influencer_id, user_id, product, orders, revenue",
            ),
        ),
        case(
            "tracking_semicolon_delimiter",
            "tracking",
            "semicolon-delimited",
            render(*base("tracking"), delimiter=";"),
            values=(("tracking", 1, "revenue", 2598.0), ("tracking", 1, "orders", 2)),
        ),
        case(
            "tracking_currency_strings",
            "tracking",
            "revenue written ₹1,299.00 and Rs. 2,598",
            edited("tracking", 2, "revenue", "₹1,299.00").replace("2598.00", '"Rs. 2,598"'),
            values=(("tracking", 0, "revenue", 1299.0), ("tracking", 1, "revenue", 2598.0)),
        ),
        case(
            "tracking_negative_number",
            "tracking",
            "orders of -1",
            edited("tracking", 2, "orders", "-1"),
            quality=(("tracking", 2, "orders", "negative number", "row dropped"),),
            rows={"tracking": 4},
            values=(("tracking", 0, "user_id", "U2"),),
        ),
        case(
            "tracking_future_date",
            "tracking",
            "a date in 2099",
            edited("tracking", 6, "date", "2099-01-20"),
            quality=(("tracking", 6, "date", f"date after today ({TODAY.isoformat()})", "kept"),),
            values=(("tracking", 4, "date", day("2099-01-20")),),
        ),
        case(
            "tracking_unknown_influencer",
            "tracking",
            "an order coded to an influencer not in influencers.csv",
            appended("tracking", "influencer", "Launch", "Z", "U6", "Whey", "2025-01-21", "1", "1299.00"),
            quality=(("tracking", 7, "influencer_id", *UNKNOWN),),
            rows={"tracking": 6},
            values=(("tracking", 5, "influencer_id", "Z"),),
        ),
        case(
            "tracking_too_many_fields",
            "tracking",
            "a row with one field too many",
            valid_text("tracking").replace("499.00\n", "499.00,extra\n"),
            quality=(
                ("tracking", 4, "", "wrong number of fields", "row dropped (expected 8 fields, found 9)"),
            ),
            rows={"tracking": 4},
            values=(("tracking", 2, "user_id", "U4"),),
        ),
        case(
            "tracking_missing_user",
            "tracking",
            "a row without its user_id",
            edited("tracking", 6, "user_id", ""),
            quality=(("tracking", 6, "user_id", "missing value", "row dropped"),),
            rows={"tracking": 4},
        ),
        case(
            "tracking_blank_revenue",
            "tracking",
            "an order without its revenue",
            edited("tracking", 5, "revenue", ""),
            quality=(("tracking", 5, "revenue", "missing value", "read as 0"),),
            values=(("tracking", 3, "revenue", 0.0), ("tracking", 3, "orders", 1)),
        ),
        case(
            "tracking_blank_lines",
            "tracking",
            "blank lines between rows",
            valid_text("tracking").replace("499.00\n", "499.00\n\n\n"),
            values=(("tracking", 3, "user_id", "U4"),),
        ),
        case(
            "tracking_gzip",
            "tracking",
            "gzip content named .csv",
            gzip.compress(valid_text("tracking").encode(), mtime=0),
            rejected=("tracking: ", "gzip archive"),
        ),
        case(
            "tracking_whitespace_only",
            "tracking",
            "only spaces and line breaks",
            " \n\t\n\n",
            rejected=("tracking: ", "empty"),
        ),
        # -- payouts.csv
        case(
            "payouts_synonym",
            "payouts",
            "payout instead of total_payout",
            renamed("payouts", {"total_payout": "payout"}),
            values=(("payouts", 1, "total_payout", 2400.0),),
        ),
        case(
            "payouts_header_only",
            "payouts",
            "a header and no rows",
            render(HEADERS["payouts"], []),
            quality=(
                ("influencers", 2, "influencer_id", *NO_PAYOUT),
                ("influencers", 3, "influencer_id", *NO_PAYOUT),
                ("influencers", 4, "influencer_id", *NO_PAYOUT),
                ("payouts", None, "", "no data rows", "read as empty"),
            ),
            rows={"payouts": 0},
        ),
        case(
            "payouts_crlf",
            "payouts",
            "Windows line breaks (CRLF)",
            render(*base("payouts"), newline="\r\n"),
            values=(("payouts", 0, "basis", "post"), ("payouts", 2, "total_payout", 3000.0)),
        ),
        case(
            "payouts_utf16",
            "payouts",
            "UTF-16 with a byte-order mark (Excel's Unicode text)",
            valid_text("payouts").encode("utf-16"),
            values=(("payouts", 1, "basis", "order"),),
        ),
        case(
            "payouts_padded_ids",
            "payouts",
            "ids padded with spaces and a tab",
            valid_text("payouts").replace("A,", " A ,").replace("B,", "\tB,").replace("C,", "C  ,"),
            values=(("payouts", 0, "influencer_id", "A"), ("payouts", 1, "influencer_id", "B")),
        ),
        case(
            "payouts_unknown_basis",
            "payouts",
            "a basis of monthly",
            edited("payouts", 4, "basis", "monthly"),
            quality=(
                ("influencers", 4, "influencer_id", *NO_PAYOUT),
                ("payouts", 4, "basis", "unknown basis (expected post or order)", "row dropped"),
            ),
            rows={"payouts": 2},
        ),
        case(
            "payouts_unknown_influencer",
            "payouts",
            "a payout to an influencer not in influencers.csv",
            appended("payouts", "Z", "post", "1000"),
            quality=(("payouts", 5, "influencer_id", *UNKNOWN),),
            rows={"payouts": 4},
        ),
        case(
            "payouts_unquoted_thousands",
            "payouts",
            "an amount with an unquoted thousands separator (15,000)",
            valid_text("payouts").replace("15000", "15,000"),
            quality=(
                ("influencers", 2, "influencer_id", *NO_PAYOUT),
                ("payouts", 2, "", "wrong number of fields", "row dropped (expected 3 fields, found 4)"),
            ),
            rows={"payouts": 2},
        ),
    ]


CASES: list[Case] = _cases()


def write(out: Path, cases: list[Case] | None = None) -> list[Path]:
    """
    Write each case as a folder of four files (``OUT/<case>/``), the valid dataset as ``OUT/valid/``,
    and ``OUT/cases.json`` with each case's defect and expected outcome. Returns the case folders.
    """
    out.mkdir(parents=True, exist_ok=True)
    folders = []
    for folder, sources in [("valid", valid_files())] + [(c.name, c.sources()) for c in cases or CASES]:
        target = out / folder
        target.mkdir(exist_ok=True)
        for name, data in sources.items():
            (target / f"{name}.csv").write_bytes(data)
        folders.append(target)
    manifest = [
        {
            "case": c.name,
            "file": c.file,
            "defect": c.defect,
            "outcome": "rejected" if c.rejected else "accepted",
            "message": list(c.rejected),
            "quality": [list(row) for row in c.quality],
            "rows": c.row_counts(),
        }
        for c in cases or CASES
    ]
    (out / "cases.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return folders[1:]


def main(argv: list[str] | None = None) -> int:
    """Write the corpus to the folder given on the command line."""
    parser = argparse.ArgumentParser(prog="python -m tests.bad_inputs.generate", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write (created when missing)")
    args = parser.parse_args(argv)
    folders = write(args.out)
    print(f"wrote {len(folders)} cases and the valid dataset to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
