"""A callback request that fails before any callback runs (a 5xx, a dropped connection) is never silent.

Run with ``pytest --headless``. A test-only ``before_request`` hook makes the server answer 500 to chosen
callback requests, as a worker killed mid-request or a proxy's 502 would; assets/callback-failures.js
must then open the error toast naming the part of the page, and its Retry must send the request again.
"""

from __future__ import annotations

import pytest
from flask import request
from selenium.webdriver.common.by import By
from test_app_browser import LOAD_TIMEOUT, library_kpis, open_app, open_tab, wait_for_kpi

from layouts import ids

pytestmark = pytest.mark.browser
TOAST = f"#{ids.ERROR_TOAST}"


def fail_requests(app, output_id: str, times: int) -> dict:
    """Answer 500 to the next ``times`` callback requests updating ``output_id``; return the counter."""
    state = {"left": times, "failed": 0}

    @app.server.before_request
    def _fail():
        if not request.path.endswith("_dash-update-component") or state["left"] <= 0:
            return None
        body = request.get_json(silent=True) or {}
        if output_id not in str(body.get("output", "")):
            return None
        state["left"] -= 1
        state["failed"] += 1
        return "worker gone", 500

    return state


def test_a_500_shows_the_toast_and_retry_updates_the_tab(dash_duo, make_app, demo_dataset, screenshot):
    app = make_app()
    failing = fail_requests(app, ids.CAMPAIGN_BODY, times=1)
    open_app(dash_duo, app)
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset)["revenue"])

    open_tab(dash_duo, "Campaigns")
    dash_duo.wait_for_contains_text(TOAST, "The Campaigns tab could not be updated", timeout=LOAD_TIMEOUT)
    text = dash_duo.find_element(TOAST).text
    assert "HTTP 500" in text and "older than the rest of the page" in text
    assert failing["failed"] == 1
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.CAMPAIGN_TABLE} .ag-row")
    screenshot("failed-request-toast")

    dash_duo.find_element(f"{TOAST} .error-toast-retry").click()
    dash_duo.wait_for_element(f"#{ids.CAMPAIGN_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    dash_duo.wait_for_no_elements(f"{TOAST}.show", timeout=LOAD_TIMEOUT)
    assert failing["failed"] == 1


def test_a_failed_model_change_says_the_top_bar_is_stale(dash_duo, make_app, demo_dataset, screenshot):
    """The top bar's request fails during a model change: the toast says so instead of a silent mismatch."""
    app = make_app()
    failing = fail_requests(app, ids.TOPBAR_MODEL, times=0)  # hooks must be added before the server starts
    open_app(dash_duo, app)
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset)["revenue"])
    failing["left"] = 2
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_MODEL}", value="Linear")
    dash_duo.wait_for_contains_text(TOAST, "The top bar could not be updated", timeout=LOAD_TIMEOUT)
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset, model="linear")["revenue"])
    screenshot("failed-topbar-toast")
    # The first retry fails too: the toast comes back; the second one goes through.
    dash_duo.find_element(f"{TOAST} .error-toast-retry").click()
    dash_duo.wait_for_contains_text(TOAST, "The top bar could not be updated", timeout=LOAD_TIMEOUT)
    dash_duo.find_element(f"{TOAST} .error-toast-retry").click()
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_MODEL}", "Linear", timeout=LOAD_TIMEOUT)
    dash_duo.wait_for_no_elements(f"{TOAST}.show", timeout=LOAD_TIMEOUT)
    assert failing["failed"] == 2
