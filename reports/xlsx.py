"""The Excel report (XlsxWriter): a Summary sheet, then one sheet per export file (docs/reports.md).

Each data sheet holds exactly the frame of its CSV export: the same columns, the same values (numbers stay
numbers, undefined values are empty cells, dates are dates), with number formats for display only
(rupees with Indian grouping, ``×`` for multiples, ``%`` for rates), a frozen header row, an autofilter
and fitted column widths.

Text is never turned into a formula, link or number: strings are written as strings, and a text cell
starting with ``=``, ``+``, ``-`` or ``@`` also gets Excel's quote-prefix flag (what typing ``'`` does),
so editing it later keeps it text. The CSV export writes the same cell as ``'=...`` because a CSV cell
has no other way to say "text".
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from metrics import formats, glossary
from metrics.export import FORMULA_PREFIXES
from reports import columns
from reports.content import ReportData, format_date, format_period

SUMMARY = "Summary"
MAX_WIDTH = 60
MIN_WIDTH = 8
HEADER_COLOUR = "#343A40"
# Widest text sampled per column when fitting widths; enough to see the shape of a long column.
WIDTH_SAMPLE = 5_000


class _ShortestFloat(float):
    """A float that prints as its shortest round-trip repr whatever format is asked for."""

    def __format__(self, spec: str) -> str:
        return repr(float(self))


class _ExactWorksheet(Worksheet):
    """
    A worksheet writing numbers with every digit that tells them apart.

    XlsxWriter writes a number with 16 significant digits, which can change its last bit; the shortest
    repr reads back as exactly the float the CSV export writes.
    """

    def _xml_number_element(self, number, attributes=None):
        super()._xml_number_element(_ShortestFloat(number), attributes or [])


class _Formats:
    """The workbook's cell formats, created once per format string."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.header = book.add_format(
            {
                "bold": True,
                "font_color": "white",
                "bg_color": HEADER_COLOUR,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.text_formula = book.add_format({"quote_prefix": True})
        self._numbers: dict[str, object] = {}

    def number(self, number_format: str | None):
        if number_format is None:
            return None
        if number_format not in self._numbers:
            self._numbers[number_format] = self.book.add_format({"num_format": number_format})
        return self._numbers[number_format]


def _write_text(
    sheet: Worksheet, row: int, col: int, text: str, formats_: _Formats, cell_format=None
) -> None:
    if text == "":
        return
    if text.startswith(FORMULA_PREFIXES):
        sheet.write_string(row, col, text, formats_.text_formula)
    else:
        sheet.write_string(row, col, text, cell_format)


def _write_number(sheet: Worksheet, row: int, col: int, value: object, cell_format) -> None:
    if value is None or value is pd.NA:
        return
    number = float(value)
    if math.isfinite(number):
        sheet.write_number(row, col, number, cell_format)


def _write_column(sheet: Worksheet, column: int, series: pd.Series, formats_: _Formats) -> None:
    """Write one frame column below its header: numbers as numbers, dates as dates, the rest as text."""
    cell_format = formats_.number(columns.number_format(str(series.name), series))
    if pd.api.types.is_datetime64_any_dtype(series):
        date_format = formats_.number(columns.NUMBER_FORMATS[columns.DATE])
        for row, value in enumerate(series.tolist(), start=1):
            if not pd.isna(value):
                sheet.write_datetime(row, column, value.to_pydatetime(), date_format)
    elif pd.api.types.is_bool_dtype(series):
        for row, value in enumerate(series.tolist(), start=1):
            if not pd.isna(value):
                sheet.write_boolean(row, column, bool(value))
    elif pd.api.types.is_numeric_dtype(series):
        for row, value in enumerate(series.tolist(), start=1):
            _write_number(sheet, row, column, value, cell_format)
    else:
        for row, value in enumerate(series.tolist(), start=1):
            if (
                value is not None
                and value is not pd.NA
                and not (isinstance(value, float) and math.isnan(value))
            ):
                _write_text(sheet, row, column, str(value), formats_)


def _width(series: pd.Series) -> int:
    """Return a column width in characters that fits the header and the displayed values."""
    name = str(series.name)
    header = len(name)
    values = series.dropna()
    if values.empty:
        content = 0
    elif pd.api.types.is_datetime64_any_dtype(values):
        content = 10
    elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        largest = float(np.nanmax(np.abs(values.to_numpy(dtype=float)))) if len(values) else 0.0
        content = len(columns.display(name, largest)) + 2
    else:
        content = int(values.head(WIDTH_SAMPLE).astype("string").str.len().max())
    return int(min(MAX_WIDTH, max(MIN_WIDTH, header + 2, content + 2)))


def _data_sheet(
    book: xlsxwriter.Workbook, name: str, frame: pd.DataFrame, formats_: _Formats, model: str
) -> None:
    sheet = book.add_worksheet(name, worksheet_class=_ExactWorksheet)
    for column, title in enumerate(frame.columns):
        sheet.write_string(0, column, str(title), formats_.header)
        definition = glossary.formula(str(title))
        if definition:
            sheet.write_comment(0, column, definition, {"x_scale": 2, "y_scale": 1.2})
        _write_column(sheet, column, frame[title], formats_)
        sheet.set_column(column, column, _width(frame[title]))
    last_row, last_col = len(frame), max(len(frame.columns) - 1, 0)
    sheet.freeze_panes(1, 0)
    if len(frame.columns):
        sheet.autofilter(0, 0, last_row, last_col)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_header(f"&L&B{name}&R{model}")
    sheet.set_footer("&RPage &P of &N")


def _summary_sheet(book: xlsxwriter.Workbook, data: ReportData, formats_: _Formats) -> None:
    sheet = book.add_worksheet(SUMMARY, worksheet_class=_ExactWorksheet)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 22)
    sheet.set_column(3, 3, 90)
    sheet.write_string(0, 0, "Influencer campaign report", formats_.title)
    rows = data.rows
    facts = [
        ("Data period", format_period(data.data_period)),
        ("Report period", format_period(data.report_period)),
        ("Input rows", " · ".join(f"{formats.number(rows[n])} {n}" for n in rows)),
        *data.filter_lines(),
        *data.option_lines(),
        ("Budget to split", formats.inr(data.budget.requested_total)),
        ("Generated", f"{format_date(data.generated.date())} {data.generated:%H:%M} UTC"),
    ]
    row = 2
    for label, value in facts:
        sheet.write_string(row, 0, label, formats_.bold)
        _write_text(sheet, row, 1, value, formats_)
        row += 1
    row += 1
    for col, heading in enumerate(("KPI", "Value", "Column", "Definition")):
        sheet.write_string(row, col, heading, formats_.header)
    kpis = data.tables["kpis"]
    if not kpis.empty:
        values = kpis.iloc[0]
        for column in kpis.columns:
            row += 1
            sheet.write_string(row, 0, columns.label(column))
            _write_number(
                sheet, row, 1, values[column], formats_.number(columns.number_format(column, kpis[column]))
            )
            sheet.write_string(row, 2, column)
            sheet.write_string(row, 3, glossary.formula(column) or "", formats_.wrap)
    row += 2
    sheet.write_string(row, 0, "Sheets", formats_.bold)
    for name in data.tables:
        row += 1
        sheet.write_string(row, 0, name)
        sheet.write_string(row, 1, f"{name}.csv of the export, same columns and values")
    sheet.activate()


def build_xlsx(data: ReportData) -> bytes:
    """
    Lay out a report's content (``reports.content.collect``) as the bytes of an .xlsx workbook.

    Its sheets: "Summary", then one per export file, named like the file without ``.csv``.
    """
    buffer = io.BytesIO()
    # No automatic conversions: a string is a string, whatever it looks like.
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": False,
        },
    )
    book.set_properties(
        {
            "title": "Influencer campaign report",
            "subject": f"{format_period(data.report_period)}, {data.model_label}",
            "comments": "Created by the Influencer Campaign Dashboard",
        }
    )
    formats_ = _Formats(book)
    _summary_sheet(book, data, formats_)
    for name, frame in data.tables.items():
        _data_sheet(book, name, frame, formats_, data.model_label)
    book.close()
    return buffer.getvalue()
