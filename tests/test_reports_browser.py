"""The report buttons in a real browser: each click downloads the report of the current view.

Run with ``pytest --headless``; Dash's test browser downloads into ``dash_duo.download_path``.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pypdf
import pytest

from layouts import ids
from metrics import export, ingest
from metrics.dataset import FILES
from metrics.view import View
from store import datasets

pytestmark = pytest.mark.browser

# Generous for a loaded 2-core test machine; the measured times are printed (pytest -s) and documented.
DOWNLOAD_TIMEOUT_S = 40


@pytest.fixture
def demo_app(tmp_path, tmp_path_factory, monkeypatch):
    """Return an app on the demo data with its own file cache."""
    if not all((datasets.DEMO_DIR / f"{name}.csv").is_file() for name in FILES):
        from data import generate

        demo = tmp_path_factory.mktemp("demo")
        generate.write(generate.generate("S", seed=7), demo)
        monkeypatch.setattr(datasets, "DEMO_DIR", demo)
    from app import create_app

    return create_app({"CACHE_DIR": str(tmp_path / "cache"), "TESTING": True})


def wait_for_download(folder: Path, suffix: str, timeout_s: float = DOWNLOAD_TIMEOUT_S) -> Path:
    """Return the first completely downloaded file with ``suffix`` in ``folder``, polling until it exists."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        done = [path for path in folder.glob(f"*{suffix}") if path.stat().st_size > 0]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.2)
    raise TimeoutError(f"no {suffix} download in {timeout_s} s: {list(folder.iterdir())}")


def test_report_buttons_download_pdf_and_excel(dash_duo, demo_app):
    """Once the demo is loaded, PDF then Excel each download a non-empty report of the view."""
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_element(f"#{ids.EXPORT_REPORT_PDF}:not([disabled])", timeout=30)
    folder = Path(dash_duo.download_path)

    started = time.monotonic()
    dash_duo.find_element(f"#{ids.EXPORT_REPORT_PDF}").click()
    pdf_path = wait_for_download(folder, ".pdf")
    pdf_seconds = time.monotonic() - started
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "Influencer campaign report" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert pdf_path.name == "influencer-report_2025-04-01_2025-09-30_last_touch.pdf"
    dash_duo.wait_for_element(f"#{ids.EXPORT_REPORT_XLSX}:not([disabled])")

    started = time.monotonic()
    dash_duo.find_element(f"#{ids.EXPORT_REPORT_XLSX}").click()
    xlsx_path = wait_for_download(folder, ".xlsx")
    xlsx_seconds = time.monotonic() - started
    book = openpyxl.load_workbook(xlsx_path)
    assert book.sheetnames[:3] == ["Summary", "kpis", "campaigns"]
    # The session's view is the whole demo under last touch: its KPIs are the library's, exactly.
    expected = export.build_table("kpis", View(ingest.read_dir(datasets.DEMO_DIR)))
    shown = pd.read_excel(xlsx_path, sheet_name="kpis")
    pd.testing.assert_frame_equal(shown, expected, check_dtype=False, check_exact=True)

    print(f"report downloads: PDF {pdf_seconds:.1f} s ({len(pdf) // 1024} KB), "
          f"Excel {xlsx_seconds:.1f} s ({xlsx_path.stat().st_size // 1024} KB)")  # fmt: skip
    assert dash_duo.get_logs() == []


def test_report_buttons_are_disabled_without_data(dash_duo, tmp_path):
    """With nothing loaded there is no view to report on: both buttons stay disabled."""
    from app import create_app

    app = create_app(
        {
            "CACHE_DIR": str(tmp_path / "cache"),
            "TESTING": True,
            "AUTOLOAD_DEMO": False,
        }
    )
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "No data loaded", timeout=20)
    for button in (ids.EXPORT_REPORT_PDF, ids.EXPORT_REPORT_XLSX):
        assert dash_duo.find_element(f"#{button}").get_attribute("disabled") is not None
    assert dash_duo.get_logs() == []
