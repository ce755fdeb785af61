"""The CSV reader: row limits and pyarrow's parse of a file into typed columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from metrics.dataset import InputRejected
from metrics.ingest.report import Report, one_line
from metrics.ingest.sniff import NON_BLANK, Buffer

# Cells pyarrow reads as empty. "none" is left out: it can be a real category or source value.
NULL_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A", "-", "—"]
STRING = pd.StringDtype("pyarrow")
# pandas keeps arrow-backed strings as large_string: reading them so saves a conversion per column.
TEXT = pa.large_string()
# Categorical text columns are dictionary-encoded by the CSV reader's threads, block by block.
DICTIONARY = pa.dictionary(pa.int32(), TEXT)
# pyarrow's default pool (mimalloc): at M it parses about 0.1 s faster than the C allocator, which would
# keep about 0.8x the CSV size less memory; both fit the budgets (docs/data-contract.md, Decisions).
PARSE_POOL = pa.default_memory_pool()


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


def check_row_limit(
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


def read_table(
    name: str,
    data: Buffer,
    delimiter: str,
    n_columns: int,
    wanted: dict[int, pa.DataType | None],
    body_start: int,
    report: Report,
) -> _Table:
    """Parse the data rows with pyarrow; rows with a wrong number of fields are reported and skipped."""
    column_names = [f"c{i}" for i in range(n_columns)]
    include = [column_names[i] for i in sorted(wanted)]
    if NON_BLANK.search(data, body_start) is None:
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
        detail = one_line(str(exc).split("\n")[0])[:200]
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


def to_strings(column: pa.ChunkedArray, trim: bool) -> pa.ChunkedArray:
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = pc.cast(column, TEXT)
    if trim and _has_padding(column):
        column = pc.utf8_trim_whitespace(column)
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)
    return column


def string_series(column: pa.ChunkedArray) -> pd.Series:
    return column.to_pandas(types_mapper={pa.string(): STRING, pa.large_string(): STRING}.get)


def category_series(column: pa.ChunkedArray) -> pd.Series:
    """
    Return a text column as a pandas ``category``: its values in order of first appearance as categories.

    The codes are then exactly ``pandas.factorize``'s (-1 where missing), which the metrics reuse
    instead of factorising a million strings again (docs/data-contract.md). The column comes
    dictionary-encoded from the CSV reader, so only the few distinct values are trimmed.
    """
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(to_strings(column, trim=False))
    if column.num_chunks > 1:
        # Each block of the file has its own dictionary; unifying them appends the values each block adds,
        # in block order, so the values stay in order of first appearance.
        column = column.unify_dictionaries()
    if column.num_chunks == 0:
        column = pa.chunked_array([pa.array([], type=DICTIONARY)])
    dictionary = pa.chunked_array([column.chunk(0).dictionary])
    indices = pa.chunked_array([chunk.indices for chunk in column.chunks], type=column.type.index_type)
    codes = pc.fill_null(indices, -1).to_numpy()
    if not _has_padding(dictionary):
        categories = pd.Index(string_series(to_strings(dictionary, trim=False)))
        return pd.Series(pd.Categorical.from_codes(codes, categories=categories, validate=False))
    # Trimming can merge values (" A" and "A") or empty one: number the trimmed values afresh.
    merged, categories = pd.factorize(string_series(to_strings(dictionary, trim=True)))
    codes = np.append(merged, -1)[codes]
    series = pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(categories), validate=False))
    return in_appearance_order(series)


def in_appearance_order(series: pd.Series) -> pd.Series:
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
