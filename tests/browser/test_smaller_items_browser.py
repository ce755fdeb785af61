"""Upload progress on the card being read, and download names carrying the view's period.

Run with ``pytest --headless``; screenshots land in tests/artifacts/. The upload test holds the server's
parse of the file until it has looked at the cards, so the progress is seen however fast the machine is.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from layouts import ids
from metrics.dataset import FILES
from metrics.filters import Filters
from store import datasets
from tests.browser.test_app_browser import (
    LOAD_TIMEOUT,
    cli_export,
    library_kpis,
    open_app,
    open_tab,
    upload,
    wait_for_kpi,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def held_parse(monkeypatch):
    """
    Hold every upload's parse until the test releases it (the app runs in this process's threads).

    Returns the event that releases it; it is released at the end of the test in any case.
    """
    release = threading.Event()
    parse = datasets.parse_bytes

    def held(*args, **kwargs):
        release.wait(timeout=LOAD_TIMEOUT * 2)
        return parse(*args, **kwargs)

    monkeypatch.setattr(datasets, "parse_bytes", held)
    yield release
    release.set()


def test_upload_progress_shows_on_the_card_being_read(
    dash_duo, make_app, csv_copy, demo_dataset, held_parse, screenshot
):
    """While tracking.csv is read, its card says "Reading tracking.csv…" with a spinner; the others do not."""
    path = csv_copy("tracking")
    open_app(dash_duo, make_app())
    open_tab(dash_duo, "Data")
    dash_duo.wait_for_contains_text(f"#{ids.STATUS['tracking']}", "rows loaded", timeout=LOAD_TIMEOUT)
    progress = {name: f"#{ids.UPLOAD_PROGRESS[name]}" for name in FILES}
    assert not any(dash_duo.find_element(selector).is_displayed() for selector in progress.values())

    upload(dash_duo, "tracking", path)
    until(lambda: dash_duo.find_element(progress["tracking"]).is_displayed(), LOAD_TIMEOUT)
    line = dash_duo.find_element(progress["tracking"])
    assert line.text == "Reading tracking.csv…"
    assert line.find_elements(By.CSS_SELECTOR, ".spinner-border")
    assert [name for name in FILES if dash_duo.find_element(progress[name]).is_displayed()] == ["tracking"]
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", line)
    screenshot("h6-upload-progress")
    # No second spinner over the message area (it would show 200 ms into the upload) while the card shows
    # its own progress.
    assert not dash_duo.find_elements(f"#{ids.UPLOAD_MESSAGE_LOADING} .dash-spinner")

    held_parse.set()
    rows = f"{len(demo_dataset.tracking):,}"
    dash_duo.wait_for_contains_text(
        f"#{ids.STATUS['tracking']}", f"{rows} rows loaded from tracking.csv", timeout=LOAD_TIMEOUT
    )
    until(lambda: not dash_duo.find_element(progress["tracking"]).is_displayed(), LOAD_TIMEOUT)
    assert dash_duo.get_logs() == []


def test_csv_download_is_named_with_the_sidebar_period(dash_duo, make_app, demo_dir, demo_dataset, tmp_path):
    """With dates set, export-campaigns saves campaigns_<start>_<end>.csv holding the CLI's bytes."""
    start, end = "2025-05-01", "2025-07-31"
    out = cli_export(demo_dir, tmp_path / "cli", "--start", start, "--end", end, "--model", "linear")
    open_app(dash_duo, make_app(), f"/?{urlencode({'start': start, 'end': end, 'model': 'linear'})}")
    expected = library_kpis(demo_dataset, Filters.make(start=start, end=end), "linear")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])
    dash_duo.find_element(f"#{ids.EXPORT['campaigns']}").click()
    downloaded = Path(dash_duo.download_path) / f"campaigns_{start}_{end}.csv"
    until(lambda: downloaded.exists() and downloaded.stat().st_size > 0, 20)
    assert downloaded.read_bytes() == (out / "campaigns.csv").read_bytes()
    assert [path.name for path in Path(dash_duo.download_path).iterdir()] == [downloaded.name]
    assert dash_duo.get_logs() == []
