"""Failures in a real browser: a raising callback shows a message, garbage URLs and oversized requests do not break the page.

Run with ``pytest --headless``. The app runs in this process (dash_duo's threaded server), so a
monkeypatched metric raises inside the real callback and the server's log records are at hand.
"""

from __future__ import annotations

import json
import logging

import pytest
from selenium.webdriver.common.by import By
from test_app_browser import LOAD_TIMEOUT, library_kpis, open_app, open_tab, wait_for_kpi

from layouts import ids
from server import logs
from store import results

pytestmark = pytest.mark.browser

SECRET = "/srv/secret/campaigns.parquet"


@pytest.fixture
def log_lines():
    """Return the dashboard's log lines (parsed JSON) written during the test."""
    lines: list[dict] = []
    formatter = logs.JsonFormatter()

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(formatter.format(record)))

    handler = Keep(level=logging.DEBUG)
    logs.logger.addHandler(handler)
    yield lines
    logs.logger.removeHandler(handler)


def test_a_failing_tab_shows_a_message_and_the_rest_keeps_working(
    dash_duo, make_app, demo_dataset, monkeypatch, log_lines, screenshot
):
    """The Campaigns tab's iROAS metric raises: a toast names the tab; KPIs, other tabs and the data still work."""

    def broken_metric(*_args):
        raise RuntimeError(f"cannot read {SECRET}")

    # Only the Campaigns tab asks for the campaigns' incremental returns (its grid and comparison).
    monkeypatch.setattr(results, "campaign_returns", broken_metric)
    expected = library_kpis(demo_dataset)
    open_app(dash_duo, make_app())
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])

    open_tab(dash_duo, "Campaigns")
    toast = f"#{ids.ERROR_TOAST}"
    dash_duo.wait_for_contains_text(toast, "The Campaigns tab could not be updated", timeout=LOAD_TIMEOUT)
    text = dash_duo.find_element(toast).text
    screenshot("error-toast")
    assert "Your data and filters are unchanged" in text
    assert SECRET not in text and "RuntimeError" not in text

    errors = [line for line in log_lines if line.get("event") == "callback_error"]
    assert errors and {line["area"] for line in errors} == {"the Campaigns tab"}
    assert any(f"Reference: {line['reference']}" in text for line in errors)
    assert "broken_metric" in errors[0]["exc"] and errors[0]["exc"].rstrip().endswith(SECRET)

    dash_duo.find_element(f"{toast} .btn-close").click()
    dash_duo.wait_for_no_elements(f"{toast}.show", timeout=LOAD_TIMEOUT)
    open_tab(dash_duo, "Payouts")
    dash_duo.wait_for_element(f"#{ids.PAYOUT_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])  # same data, same number
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, f"{toast}.show")
    assert dash_duo.get_logs() == []


def test_garbage_in_the_url_opens_the_unfiltered_view(dash_duo, make_app, demo_dataset, log_lines):
    """``?start=notadate&tier=xyz`` (and a bad tab and model): the page loads unfiltered, without an error."""
    expected = library_kpis(demo_dataset)
    open_app(dash_duo, make_app(), "/?start=notadate&tier=xyz&model=../x&tab=%3Cscript%3E")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])
    wait_for_kpi(dash_duo, ids.KPI_ROAS, "roas", expected["roas"])
    tier = dash_duo.find_element(f"#{ids.FILTER_TIER}")
    assert "xyz" not in tier.text
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.ERROR_TOAST}.show")
    assert not [line for line in log_lines if line.get("event") == "callback_error"]
    assert dash_duo.get_logs() == []


def test_an_upload_request_over_the_server_limit_says_so(dash_duo, make_app, log_lines):
    """A request past MAX_CONTENT_LENGTH (the browser's own size check bypassed) gets the upload message."""
    app = make_app(MAX_UPLOAD_MB=0.01, AUTOLOAD_DEMO=False)
    limit = app.server.config["MAX_CONTENT_LENGTH"]
    open_app(dash_duo, app)
    open_tab(dash_duo, "Data")
    dash_duo.wait_for_element(f"#{ids.UPLOAD['posts']}", timeout=LOAD_TIMEOUT)
    dash_duo.driver.execute_script(
        "window.dash_clientside.set_props(arguments[0], "
        "{contents: 'data:text/csv;base64,' + 'A'.repeat(arguments[1]), filename: 'big.csv'});",
        ids.UPLOAD["posts"],
        limit,
    )
    dash_duo.wait_for_contains_text(
        f"#{ids.UPLOAD_MESSAGE}", "The upload is larger than the server accepts", timeout=LOAD_TIMEOUT
    )
    assert "4 files of at most 0.01 MB each" in dash_duo.find_element(f"#{ids.UPLOAD_MESSAGE}").text
    refused = [line for line in log_lines if line.get("event") == "request_too_large"]
    assert refused and refused[0]["limit"] == limit and refused[0]["bytes"] > limit
