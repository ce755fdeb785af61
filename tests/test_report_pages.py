"""PDF report layout: no page holds a lone sentence, the last one included (reports/pdf.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

from metrics import ingest
from metrics.dataset import FILES
from metrics.filters import Filters, Options
from reports import collect, render
from reports.pdf import KEPT_ROWS, TITLE, keep_tails

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
# A page holding a table's header and KEPT_ROWS rows and a note has at least this much; a lone sentence
# (the budget section's "The full plan is in the Excel report (sheet budget).") has one line, 10 words.
MIN_LINES = 4
MIN_WORDS = 20


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if all((DEMO / f"{name}.csv").is_file() for name in FILES):
        return ingest.read_dir(DEMO)
    from data import generate

    out = tmp_path_factory.mktemp("demo")
    generate.write(generate.generate("S", seed=7), out)
    return ingest.read_dir(out)


def page_bodies(pdf: bytes) -> list[list[str]]:
    """Return each page's text lines without the footer (title · period · model, "Page N of M")."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return [
        [
            line
            for line in page.extract_text().splitlines()
            if line.strip() and not line.startswith(f"{TITLE} ·") and not line.startswith("Page ")
        ]
        for page in pages
    ]


def assert_no_thin_page(pdf: bytes) -> None:
    for number, lines in enumerate(page_bodies(pdf), start=1):
        words = sum(len(line.split()) for line in lines)
        assert len(lines) >= MIN_LINES and words >= MIN_WORDS, (number, lines)


VIEWS = {
    "whole demo": (Filters(), Options()),
    "one campaign, linear": (Filters.make(campaigns=["Summer Shred"]), Options(model="linear")),
    "two months on Instagram": (
        Filters.make(start="2025-05-01", end="2025-06-30", platforms=["Instagram"]),
        Options(model="first_touch"),
    ),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_no_page_holds_a_lone_sentence(demo, view):
    """Every page, the last included, holds more than one sentence: closing notes keep rows with them."""
    filters, options = VIEWS[view]
    assert_no_thin_page(render(collect(demo, filters, options), "pdf"))


def test_closing_note_takes_the_last_rows_of_its_table_along(demo):
    """On the demo the budget table fits its page but its closing note did not: the note is not alone."""
    bodies = page_bodies(render(collect(demo), "pdf"))
    note = "The full plan is in the Excel report (sheet budget)."
    page = next(lines for lines in bodies if note in lines)
    # The table's header is repeated above its last rows, on the note's page.
    assert page[-1] == note
    assert sum(line.startswith("INF") for line in page) >= KEPT_ROWS


def test_last_page_lists_the_files_when_nothing_was_found(demo):
    """Without findings the Data quality page still lists every file's rows, not a lone sentence."""
    content = collect(demo)
    content.tables["data_quality"] = content.tables["data_quality"].iloc[0:0]
    bodies = page_bodies(render(content, "pdf"))
    last = bodies[-1]
    assert last[:2] == ["Data quality", "The input files passed every check."]
    for name in FILES:
        assert any(line.startswith(f"{name}.csv") for line in last), name
    assert_no_thin_page(render(content, "pdf"))


def rows_table(rows: int) -> LongTable:
    return LongTable([["id", "value"], *[[f"r{i}", str(i)] for i in range(rows)]], repeatRows=1)


# Ten rows after a spacer of 468 to 508 points: the table ends ever lower on the first page, until it fits
# there but its note does not; then a table running over two pages, and one too short to split.
@pytest.mark.parametrize(
    ("rows", "above"), [*[(10, height) for height in range(468, 512, 4)], (120, 0), (2, 640)]
)
def test_keep_tails_never_leaves_the_note_alone(rows, above):
    """Wherever the table ends, the page holding the closing note holds table rows too."""
    note_style = ParagraphStyle("note", fontSize=8, leading=10)
    story = [Spacer(1, above), rows_table(rows), Spacer(1, 6), Paragraph("The closing note.", note_style)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(keep_tails(story))
    pages = [page.extract_text().split() for page in pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages]
    last = pages[-1]
    assert last[-3:] == ["The", "closing", "note."]
    assert sum(word.startswith("r") for word in last) >= min(KEPT_ROWS, rows), pages
    assert sum(word.startswith("r") and word != "r" for page in pages for word in page) == rows
