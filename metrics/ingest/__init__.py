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

The steps, each module building only on those before it:

* ``report``: the data-quality report a file's problems are collected in;
* ``sniff``: the source's bytes (binary files, encodings, BOM), the delimiter and the header's columns;
* ``reader``: row limits and pyarrow's parse into typed columns;
* ``values``: number and date parsers for the columns that need repair;
* ``columns``: each column converted to its contract type, then the whole-file checks (spelling,
  duplicates, future dates, engagement, links);
* ``parse``: :func:`parse_file`, :func:`build_dataset` (the cross-file checks), :func:`read_files`,
  :func:`read_dir`;
* ``templates``: :func:`template_csv`.

Ingest only reads: it leaves the memory the parse freed to the allocators. A caller that keeps the dataset
for long hands it back to the system (``store.memory.release_unused``).
"""

from metrics.dataset import InputRejected
from metrics.ingest.parse import REPORT_CAP, ParsedFile, build_dataset, parse_file, read_dir, read_files
from metrics.ingest.reader import NULL_VALUES
from metrics.ingest.sniff import MAX_COLUMNS, MAX_EXTRA_COLUMNS, normalise_column_name
from metrics.ingest.templates import template_csv
from metrics.schema import empty_frame

__all__ = [
    "MAX_COLUMNS",
    "MAX_EXTRA_COLUMNS",
    "NULL_VALUES",
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
