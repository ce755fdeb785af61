"""PDF and Excel reports: the same view as the CSV export, readable, never cut, never a formula."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pypdf
import pytest

from metrics import export, formats
from metrics.__main__ import main as export_main
from metrics.dataset import FILES
from metrics.filters import Filters, Options
from reports import build_report, collect, file_name, render
from reports.__main__ import main as report_main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
SECTION_HEADINGS = [
    "Insights",
    "Key metrics",
    "Campaigns",
    "Top and bottom influencers",
    "ROI and incremental ROAS",
    "Attribution model comparison",
    "Payout ledger",
    "Budget recommendation",
    "Data quality",
]
# One view of the demo with every kind of filter set, a non-default model and an explicit budget.
VIEW_FLAGS = [
    "--start", "2025-05-01",
    "--end", "2025-08-31",
    "--campaign", "Summer Shred",
    "--campaign", "Protein Week",
    "--platform", "Instagram",
    "--platform", "YouTube",
    "--model", "linear",
    "--budget", "250000",
]  # fmt: skip


def normalised(text: str) -> str:
    """Collapse whitespace, so a value wrapped over two lines still reads as one phrase."""
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    return [normalised(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    if all((DEMO / f"{name}.csv").is_file() for name in FILES):
        return DEMO
    from data import generate

    out = tmp_path_factory.mktemp("demo")
    generate.write(generate.generate("S", seed=7), out)
    return out


@pytest.fixture(scope="module")
def demo_view(demo_dir, tmp_path_factory) -> dict:
    """Run both CLIs on the demo with VIEW_FLAGS: the CSV exports, the PDF and the XLSX."""
    out = tmp_path_factory.mktemp("view")
    data = ["--data", str(demo_dir)]
    assert export_main(["export", *data, "--out", str(out / "csv"), *VIEW_FLAGS]) == 0
    assert report_main([*data, "--out", str(out / "report.pdf"), *VIEW_FLAGS]) == 0
    assert report_main([*data, "--out", str(out / "report.xlsx"), *VIEW_FLAGS]) == 0
    return {
        "csv": out / "csv",
        "pdf": (out / "report.pdf").read_bytes(),
        "xlsx": out / "report.xlsx",
    }


# ---- PDF -------------------------------------------------------------------------------------------------


def test_pdf_title_page_states_filters_model_and_periods(demo_view):
    """The first page names every filter value, the model and both the data's and the report's period."""
    first = pdf_pages(demo_view["pdf"])[0]
    for value in ("Summer Shred", "Protein Week", "Instagram", "YouTube", "Linear"):
        assert value in first
    assert "Report period 1 May 2025 – 31 Aug 2025" in first
    assert "Data period 1 Apr 2025 – 30 Sep 2025" in first
    assert "Products All" in first
    assert "₹2,50,000" in first  # the budget to split


def test_pdf_shows_the_cli_export_kpis_formatted_as_the_cards(demo_view):
    """Every KPI of the CLI's kpis.csv appears as metrics.formats shows it on the cards."""
    kpis = pd.read_csv(demo_view["csv"] / "kpis.csv").iloc[0]
    text = " ".join(pdf_pages(demo_view["pdf"]))
    missing = {
        column: formats.format_kpi(column, None if pd.isna(value) else float(value))
        for column, value in kpis.items()
        if formats.format_kpi(column, None if pd.isna(value) else float(value)) not in text
    }
    assert missing == {}
    assert len(kpis) >= 15  # revenue ... conversion_rate at least


def test_pdf_has_every_section_and_numbered_pages(demo_view):
    """Each section heading is in the PDF (and its outline), and page i of n says "Page i of n"."""
    pages = pdf_pages(demo_view["pdf"])
    text = " ".join(pages)
    for heading in SECTION_HEADINGS:
        assert heading in text
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    outline = [item.title for item in pypdf.PdfReader(io.BytesIO(demo_view["pdf"])).outline]
    assert outline == SECTION_HEADINGS


def test_pdf_starts_with_the_insight_sentences_of_the_export(demo_view):
    """Right after the title page, the PDF prints insights.csv's sentences, in order, before the KPIs."""
    sentences = pd.read_csv(demo_view["csv"] / "insights.csv")["sentence"].tolist()
    assert 3 <= len(sentences) <= 6
    second = pdf_pages(demo_view["pdf"])[1]
    assert second.startswith("Insights")
    positions = [second.find(normalised(sentence)) for sentence in sentences]
    assert -1 not in positions, sentences
    assert positions == sorted(positions)
    assert positions[-1] < second.find("Key metrics")
    for number in range(1, len(sentences) + 1):
        assert f"{number}. " in second


def test_pdf_says_when_nothing_stands_out(make_dataset):
    """A view with no data prints the no-data sentence; nothing is ever missing the section."""
    second = pdf_pages(build_report(make_dataset(), "pdf"))[1]
    assert second.startswith("Insights 1. No data for these filters")


def fonts_showing_text(data: bytes) -> set[str]:
    """Return the fonts in which the PDF shows text (a font selected but never used does not count)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    used = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        current = None
        for operands, operator in pypdf.generic.ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = str(fonts[operands[0]]["/BaseFont"])
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                used.add(current)
    return used


def test_pdf_uses_the_rupee_sign_in_the_embedded_font(demo_view):
    """Amounts carry ₹, never "Rs"; all text is set in the embedded DejaVu font, which has the glyph."""
    text = " ".join(pdf_pages(demo_view["pdf"]))
    assert text.count("₹") > 50
    assert "Rs" not in text
    used = fonts_showing_text(demo_view["pdf"])
    assert used and all("DejaVuSansCondensed" in font for font in used), used


@pytest.fixture
def many_campaigns(make_dataset):
    """One influencer converting once in each of 120 campaigns: a campaign table of several pages."""
    tracking = [
        {
            "influencer_id": "i1",
            "campaign": f"Campaign {n:03d}",
            "user_id": f"u{n}",
            "date": f"2025-01-{1 + n % 28:02d}",
            "orders": 1,
            "revenue": 1000.0 + n,
        }
        for n in range(120)
    ]
    return make_dataset(
        influencers=[{"influencer_id": "i1", "name": "Asha"}],
        posts=[{"influencer_id": "i1", "date": "2025-01-02"}],
        tracking=tracking,
        payouts=[{"influencer_id": "i1", "basis": "post", "total_payout": 5000.0}],
    )


def test_long_table_continues_with_its_header_repeated(many_campaigns):
    """A table longer than a page runs over several pages, each starting with the header, no row lost."""
    pages = pdf_pages(build_report(many_campaigns, "pdf"))
    start = next(i for i, page in enumerate(pages) if page.startswith("Campaigns"))
    end = next(i for i, page in enumerate(pages) if page.startswith("Top and bottom influencers"))
    section = pages[start:end]
    assert len(section) >= 2
    header = "Campaign Revenue Orders Spend ROAS ROI CPA AOV Touched users Conversion rate"
    for page in section:
        assert header in page
    rows = " ".join(section)
    # Largest revenue first: Campaign 119 (₹1,119) leads, Campaign 000 (₹1,000) closes.
    assert [f"Campaign {n:03d}" in rows for n in range(120)] == [True] * 120
    assert rows.index("Campaign 119 ₹1,119") < rows.index("Campaign 000 ₹1,000")


def test_empty_data_gives_notes_instead_of_charts(make_dataset):
    """With no rows at all, both formats still build: the PDF says there is nothing to chart."""
    empty = make_dataset()
    pages = pdf_pages(build_report(empty, "pdf"))
    text = " ".join(pages)
    for heading in SECTION_HEADINGS:
        assert heading in text
    assert text.count("No data to chart in this view.") >= 3
    book = openpyxl.load_workbook(io.BytesIO(build_report(empty, "xlsx")))
    assert book.sheetnames[0] == "Summary"
    assert book["campaigns"].max_row == 1  # the header only


# ---- XLSX ------------------------------------------------------------------------------------------------


def read_csv_as_exported(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path)
    if "date" in frame.columns:
        frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_xlsx_sheets_equal_the_csv_exports_exactly(demo_view):
    """Sheet by sheet, the workbook holds the CLI's CSV files: same columns, same values to the last bit."""
    csv_files = sorted(demo_view["csv"].glob("*.csv"))
    sheets = pd.read_excel(demo_view["xlsx"], sheet_name=None)
    file_order = [name for name in export.COLUMNS if (demo_view["csv"] / f"{name}.csv").exists()]
    assert list(sheets) == ["Summary", *file_order]
    assert {path.stem for path in csv_files} == set(file_order)
    needs_17_digits = 0
    for path in csv_files:
        expected = read_csv_as_exported(path)
        pd.testing.assert_frame_equal(sheets[path.stem], expected, check_dtype=False, check_exact=True)
        for column in expected.select_dtypes("float"):
            values = expected[column].dropna()
            needs_17_digits += int((values.map(lambda v: float(f"{v:.16g}")) != values).sum())
    # Values that 16 significant digits cannot hold are present, so the comparison above tests precision.
    assert needs_17_digits > 0


def test_xlsx_summary_holds_filters_model_and_kpi_values(demo_view):
    """The Summary sheet names the view and holds each KPI as a number equal to kpis.csv's."""
    kpis = pd.read_csv(demo_view["csv"] / "kpis.csv").iloc[0]
    sheet = openpyxl.load_workbook(demo_view["xlsx"])["Summary"]
    cells = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0] is not None}
    assert cells["Campaigns"][0] == "Protein Week, Summer Shred"
    assert cells["Platforms"][0] == "Instagram, YouTube"
    assert cells["Attribution model"][0] == "Linear"
    assert cells["Report period"][0] == "1 May 2025 – 31 Aug 2025"
    by_column = {row[2]: row[1] for row in sheet.iter_rows(values_only=True) if row[2] in kpis.index}
    assert by_column.keys() == set(kpis.index)
    for column, value in kpis.items():
        assert (by_column[column] is None) if pd.isna(value) else by_column[column] == value


def test_xlsx_number_formats_frozen_header_and_filter(demo_view):
    """Money shows ₹ with Indian grouping, multiples ×, rates %; the header is frozen and filterable."""
    sheet = openpyxl.load_workbook(demo_view["xlsx"])["campaigns"]
    header = [cell.value for cell in sheet[1]]
    second_row = {name: sheet.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert "₹" in second_row["revenue"].number_format
    assert "##\\,##\\,##0" in second_row["revenue"].number_format  # lakh grouping
    assert second_row["roas"].number_format == '0.00"×"'
    assert second_row["conversion_rate"].number_format.endswith("%")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{sheet.max_row}"
    assert sheet.column_dimensions["A"].width >= len("Summer Shred")


# ---- formula injection -----------------------------------------------------------------------------------

HYPERLINK = '=HYPERLINK("http://example.com/x","click")'
PLUS_CMD = "+cmd|' /C calc'!A0"


@pytest.fixture
def hostile(make_dataset):
    """Names a spreadsheet would run as formulas: a campaign and two influencer names."""
    return make_dataset(
        influencers=[
            {"influencer_id": "i1", "name": PLUS_CMD},
            {"influencer_id": "i2", "name": "@SUM(1,2)", "platform": "YouTube"},
        ],
        posts=[{"influencer_id": "i1", "date": "2025-01-05"}, {"influencer_id": "i2", "date": "2025-01-06"}],
        tracking=[
            {
                "influencer_id": "i1",
                "campaign": HYPERLINK,
                "user_id": "u1",
                "date": "2025-01-05",
                "orders": 1,
                "revenue": 500.0,
            },
            {
                "influencer_id": "i2",
                "campaign": "-2+3",
                "user_id": "u2",
                "date": "2025-01-06",
                "orders": 2,
                "revenue": 300.0,
            },
        ],
        payouts=[
            {"influencer_id": "i1", "basis": "post", "total_payout": 200.0},
            {"influencer_id": "i2", "basis": "order", "total_payout": 100.0},
        ],
    )


def test_formula_like_text_arrives_as_text_in_excel(hostile, write_csvs, tmp_path):
    """Such cells are strings (quote-prefixed), equal to the CSV's cells without the CSV's ' escape."""
    data_dir = write_csvs(hostile, tmp_path / "in")
    assert export_main(["export", "--data", str(data_dir), "--out", str(tmp_path / "csv")]) == 0
    assert report_main(["--data", str(data_dir), "--out", str(tmp_path / "r.xlsx")]) == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    campaigns = pd.read_csv(tmp_path / "csv" / "campaigns.csv", dtype=str)
    assert set(campaigns["campaign"]) == {"'" + HYPERLINK, "'-2+3"}
    cells = [row[0] for row in book["campaigns"].iter_rows(min_row=2)]
    assert {cell.value for cell in cells} == {HYPERLINK, "-2+3"}
    names = [row[1] for row in book["influencers"].iter_rows(min_row=2)]
    assert {cell.value for cell in names} == {PLUS_CMD, "@SUM(1,2)"}
    for cell in [*cells, *names]:
        assert cell.data_type == "s"  # a string, not a formula ("f")
        assert cell.quotePrefix


def test_formula_like_filter_value_is_text_in_the_summary(hostile):
    """A campaign filter holding such a name is written to the Summary sheet as text too."""
    data = build_report(hostile, "xlsx", Filters.make(campaigns=[HYPERLINK]))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    row = next(row for row in sheet.iter_rows() if row[0].value == "Campaigns")
    assert row[1].value == HYPERLINK
    assert row[1].data_type == "s"
    assert row[1].quotePrefix


def test_formula_like_text_is_printed_verbatim_in_the_pdf(hostile):
    """The PDF prints such names as plain text."""
    text = " ".join(pdf_pages(build_report(hostile, "pdf")))
    assert HYPERLINK in text
    assert "-2+3" in text
    assert PLUS_CMD in text


# ---- CLI and helpers -------------------------------------------------------------------------------------


def test_cli_exit_status_2_with_one_line_on_stderr(tmp_path, demo_dir):
    """Rejected input or a bad --out: exit 2 and one line naming the problem; nothing written."""
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in FILES:
        (broken / f"{name}.csv").write_text(
            (demo_dir / f"{name}.csv").read_text(encoding="utf-8"), encoding="utf-8"
        )
    (broken / "payouts.csv").write_text("influencer_id,basis\nINF00001,post\n", encoding="utf-8")
    cases = {
        "total_payout": ["--data", str(broken), "--out", str(tmp_path / "r.pdf")],
        ".pdf or .xlsx": ["--data", str(demo_dir), "--out", str(tmp_path / "r.docx")],
        "after --end": [
            "--data",
            str(demo_dir),
            "--out",
            str(tmp_path / "r.pdf"),
            "--start",
            "2025-06-01",
            "--end",
            "2025-05-01",
        ],
    }
    for expected, argv in cases.items():
        result = subprocess.run(
            [sys.executable, "-m", "reports", *argv], capture_output=True, text=True, cwd=ROOT, check=False
        )
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert expected in result.stderr
    assert list(tmp_path.glob("r.*")) == []


def test_report_names_and_kinds():
    """Download names carry the period and model; unknown kinds are refused."""
    assert file_name("pdf", Options(model="markov"), ("2025-05-01", "2025-06-30")) == (
        "influencer-report_2025-05-01_2025-06-30_markov.pdf"
    )
    with pytest.raises(ValueError, match="unknown report kind"):
        render(None, "docx")  # type: ignore[arg-type]


def test_report_budget_defaults_to_the_current_spend(hostile):
    """Without a budget the recommendation re-splits the view's own spend (₹300 here: 200 + 100)."""
    content = collect(hostile)
    assert content.budget.requested_total == pytest.approx(300.0)
    assert content.tables["budget"]["current_spend"].sum() == pytest.approx(300.0)
    assert list(content.tables)[:2] == ["kpis", "campaigns"]


# ---- dashboard callbacks ---------------------------------------------------------------------------------


def test_report_buttons_follow_the_loaded_dataset():
    """The buttons are enabled only while a dataset is loaded and not expired."""
    from callbacks.reports import update_report_buttons

    assert update_report_buttons(None) == (True, True)
    assert update_report_buttons({"key": "k1"}) == (False, False)
    assert update_report_buttons({"key": "k1", "expired": True}) == (True, True)


def test_report_download_sends_the_view_of_the_session(tmp_path, demo_dir, monkeypatch):
    """A click sends the report of the session's filters and model, named after them; no click, nothing."""
    from dash.exceptions import PreventUpdate

    from app import create_app
    from callbacks.reports import update_report_download
    from store import datasets

    monkeypatch.setattr(datasets, "DEMO_DIR", demo_dir)
    app = create_app({"CACHE_DIR": str(tmp_path / "cache"), "TESTING": True})
    store = {"filters": {"campaigns": ["Summer Shred"]}, "model": "first_touch"}
    with app.server.app_context():
        store["key"] = datasets.demo_key()
        store["summary"] = datasets.describe(store["key"])
        with pytest.raises(PreventUpdate):
            update_report_download("pdf", None, store)
        sent = update_report_download("xlsx", 1, store)
    # The demo's own first and last day: the campaign filter does not narrow the period.
    assert sent["filename"] == "influencer-report_2025-04-01_2025-09-30_first_touch.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
    assert [row[0].value for row in book["campaigns"].iter_rows(min_row=2)] == ["Summer Shred"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Attribution model"] == "First touch"
