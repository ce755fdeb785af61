"""Back and Forward step through the views (filters, model, tab) without reloading the page.

Each deliberate change adds one browser history entry; loading the page and restoring a view add none.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from layouts import ids
from metrics.filters import MODEL_LABELS, Filters
from tests.browser.test_app_browser import (
    LOAD_TIMEOUT,
    first_campaign,
    library_kpis,
    open_app,
    open_tab,
    wait_for_kpi,
)

pytestmark = pytest.mark.browser

ACTIVE_TAB = "//*[@role='tab' and contains(concat(' ', @class, ' '), ' active ')]"
# A change within a second of the last entry joins it (quick keystrokes add one entry): a person
# pauses longer between two deliberate changes, and so does this test.
PAUSE_MS = 1100


def history_length(dash_duo) -> int:
    """Return the number of entries in the tab's session history."""
    return dash_duo.driver.execute_script("return window.history.length")


def marker(dash_duo):
    """Return the marker set in this document (None after a reload or in another document)."""
    return dash_duo.driver.execute_script(
        "return window.__historyMarker === undefined ? null : window.__historyMarker"
    )


def view(dash_duo) -> dict:
    """Return what the page shows: the campaign and model controls, the open tab, the dates, the URL's query."""
    find = dash_duo.find_element
    return {
        "campaign": find(f"#{ids.FILTER_CAMPAIGN}").text.strip(),
        "model": find(f"#{ids.FILTER_MODEL}").text.strip(),
        "tab": dash_duo.driver.find_element(By.XPATH, ACTIVE_TAB).text.strip(),
        "dates": (
            find(f"#{ids.FILTER_DATES}").get_attribute("value"),
            find(f"#{ids.FILTER_DATES}-end-date").get_attribute("value"),
        ),
        "query": parse_qs(urlparse(dash_duo.driver.current_url).query),
    }


def wait_for_view(dash_duo, expected: dict, what: str) -> None:
    """Wait until the page shows ``expected`` (a view()), naming the step and the last view on failure."""
    seen = {}

    def matches() -> bool:
        seen["view"] = view(dash_duo)
        return seen["view"] == expected

    try:
        until(matches, LOAD_TIMEOUT)
    except Exception as error:  # until raises a bare timeout: say which view was wrong and how
        raise AssertionError(f"{what}: expected {expected}, page shows {seen.get('view')}") from error


def changed(dash_duo, before: int) -> None:
    """Wait for a change to add its one history entry, then pause as a person would before the next one."""
    until(lambda: history_length(dash_duo) > before, LOAD_TIMEOUT, msg="the change added no history entry")
    started = dash_duo.driver.execute_script("return performance.now()")
    until(lambda: dash_duo.driver.execute_script("return performance.now()") - started >= PAUSE_MS, 5)


def type_dates(dash_duo, first: str, last: str) -> None:
    """Type a start and an end date into the date picker's two fields, key by key, as a person would."""
    for field, text in ((f"#{ids.FILTER_DATES}", first), (f"#{ids.FILTER_DATES}-end-date", last)):
        element = dash_duo.find_element(field)
        element.click()
        element.send_keys(Keys.CONTROL, "a")
        element.send_keys(text)
        element.send_keys(Keys.ENTER)


def test_back_and_forward_restore_views(dash_duo, make_app, demo_dataset, screenshot):
    """A campaign, the model and a tab are three entries; Back restores each earlier view and Forward the
    next, without a reload; a date range is one entry; Back from the first view leaves a working app."""
    campaign = first_campaign(demo_dataset)
    app = make_app()
    open_app(dash_duo, app)
    # A URL naming defaults is normalised to "/" in place: no entry of its own.
    dash_duo.wait_for_page(
        url=f"{dash_duo.server_url}/?{urlencode({'model': 'last_touch', 'tab': 'overview'})}"
    )
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset)["revenue"])
    until(lambda: "?" not in dash_duo.driver.current_url, LOAD_TIMEOUT, msg="the URL was not normalised")
    dash_duo.driver.execute_script("window.__historyMarker = 1;")
    first = view(dash_duo)
    assert (
        first["query"] == {} and first["tab"] == "Overview" and first["model"] == MODEL_LABELS["last_touch"]
    )
    start = history_length(dash_duo)

    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_CAMPAIGN}", value=campaign)
    dash_duo.find_element("body").send_keys(Keys.ESCAPE)
    changed(dash_duo, start)
    with_campaign = {**first, "campaign": campaign, "query": {"campaign": [campaign]}}
    wait_for_view(dash_duo, with_campaign, "after choosing a campaign")

    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_MODEL}", value=MODEL_LABELS["linear"])
    changed(dash_duo, start + 1)
    with_model = {
        **with_campaign,
        "model": MODEL_LABELS["linear"],
        "query": {"campaign": [campaign], "model": ["linear"]},
    }
    wait_for_view(dash_duo, with_model, "after choosing the model")

    open_tab(dash_duo, "ROI")
    changed(dash_duo, start + 2)
    with_tab = {**with_model, "tab": "ROI", "query": {**with_model["query"], "tab": ["roi"]}}
    wait_for_view(dash_duo, with_tab, "after opening ROI")
    dash_duo.wait_for_element(f"#{ids.ROI_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    assert history_length(dash_duo) == start + 3

    for expected, step in (
        (with_model, "Back to the model"),
        (with_campaign, "Back to the campaign"),
        (first, "Back to the start"),
    ):
        dash_duo.driver.back()
        wait_for_view(dash_duo, expected, step)
        assert marker(dash_duo) == 1, f"{step}: the page reloaded"
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset)["revenue"])
    assert history_length(dash_duo) == start + 3, "restoring a view added entries"

    dash_duo.driver.forward()
    wait_for_view(dash_duo, with_campaign, "Forward to the campaign")
    wait_for_kpi(
        dash_duo,
        ids.KPI_REVENUE,
        "revenue",
        library_kpis(demo_dataset, Filters.make(campaigns=[campaign]))["revenue"],
    )
    assert marker(dash_duo) == 1, "Forward reloaded the page"
    screenshot("h1-history-forward")

    # A date range (two clicks on the calendar) is one deliberate change: one entry, replacing the
    # entries ahead of this one.
    active = demo_dataset.tracking.loc[demo_dataset.tracking["campaign"] == campaign, "date"].min()
    type_dates(dash_duo, f"10 {active:%b %Y}", f"20 {active:%b %Y}")
    start_day, end_day = active.replace(day=10).date(), active.replace(day=20).date()
    with_dates = {
        **with_campaign,
        "dates": (f"10 {active:%b %Y}", f"20 {active:%b %Y}"),
        "query": {"start": [start_day.isoformat()], "end": [end_day.isoformat()], "campaign": [campaign]},
    }
    wait_for_view(dash_duo, with_dates, "after choosing dates")
    dash_duo.find_element(f"#{ids.FILTER_DATES}-end-date").send_keys(Keys.ESCAPE)  # closes the calendar
    dated = library_kpis(demo_dataset, Filters.make(start=start_day, end=end_day, campaigns=[campaign]))
    assert dated["revenue"] > 0, "the dates chosen hold some of the campaign's revenue"
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", dated["revenue"])
    screenshot("h1-history-dates")
    assert history_length(dash_duo) == start + 2, "a date range added more than one entry"
    dash_duo.driver.back()
    wait_for_view(dash_duo, with_campaign, "Back from the dates")

    # The first view is the page load's own entry: Back from it leaves this document, and Forward
    # brings back a working dashboard on that view.
    dash_duo.driver.back()
    wait_for_view(dash_duo, first, "Back to the start again")
    assert marker(dash_duo) == 1
    dash_duo.driver.back()
    until(lambda: marker(dash_duo) is None, LOAD_TIMEOUT, msg="the page load added a history entry")
    dash_duo.driver.forward()
    wait_for_view(dash_duo, first, "Forward into the app")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset)["revenue"])
    dash_duo.driver.forward()
    wait_for_view(dash_duo, with_campaign, "Forward after coming back")
    assert dash_duo.get_logs() == []


def test_reset_filters_resets_the_model(dash_duo, make_app, demo_dataset):
    """ "Reset filters" clears the filters and sets the model back to last touch, in one history entry."""
    campaign = first_campaign(demo_dataset)
    filtered = library_kpis(demo_dataset, Filters.make(campaigns=[campaign]), "linear")
    open_app(dash_duo, make_app(), f"/?{urlencode({'campaign': campaign, 'model': 'linear'})}")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", filtered["revenue"])
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_MODEL}", MODEL_LABELS["linear"], timeout=LOAD_TIMEOUT)
    before = view(dash_duo)
    length = history_length(dash_duo)

    dash_duo.find_element(f"#{ids.RESET_FILTERS}").click()
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset)["revenue"])
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_MODEL}", MODEL_LABELS["last_touch"], timeout=LOAD_TIMEOUT)
    until(lambda: dash_duo.driver.current_url.rstrip("/") == dash_duo.server_url.rstrip("/"), LOAD_TIMEOUT)
    assert dash_duo.find_element(f"#{ids.FILTER_MODEL}").text.strip() == MODEL_LABELS["last_touch"]
    assert dash_duo.find_element(f"#{ids.FILTER_CAMPAIGN}").text.strip() != campaign
    assert history_length(dash_duo) == length + 1

    dash_duo.driver.back()
    wait_for_view(dash_duo, before, "Back from the reset")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", filtered["revenue"])
    assert dash_duo.get_logs() == []
