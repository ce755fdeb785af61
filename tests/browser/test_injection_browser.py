"""Untrusted text in a real browser: markup uploaded in names, campaigns and captions stays text on every tab.

Run with ``pytest --headless``. The hostile dataset of tests/test_injection.py is uploaded through the
Data tab as a user would; each tab (and the influencer detail panel) must show the markup as the literal
characters, with no alert, no element built from it and no console error (docs/deployment.md,
"Untrusted content and isolation"). Screenshots (tab-hostile-overview, tab-hostile-influencers) land
in tests/artifacts/.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from test_app_browser import LOAD_TIMEOUT, WIDE, open_app, open_tab, upload
from test_influencers_payouts import click
from test_injection import BREAKOUT, IMG, INFLUENCERS, LINK, PAYOUTS, POSTS, SCRIPT, TRACKING

from figures import labels
from layouts import ids
from metrics.dataset import FILES

pytestmark = pytest.mark.browser

IMPLICIT_WAIT = 2  # seconds, as dash.testing's browser sets it

# Records every alert() call before any page script runs, and still lets the real dialog open.
RECORD_ALERTS = (
    "window.__alerts = [];"
    "const realAlert = window.alert.bind(window);"
    "window.alert = function (message) { window.__alerts.push(String(message)); return realAlert(message); };"
)
# Elements the markup would create if any of it were parsed as HTML (or a URL taken as a link).
INJECTED = {
    "img from the data": "img[src='x'], img[onerror]",
    "script link": "a[href^='javascript:'], a[href^='data:'], a[href^='vbscript:']",
    "link from a category": "a[href='https://example.com']",
}
INJECTED_XPATH = {
    "bold x": "//b[normalize-space()='x']",
    "script from the data": "//script[contains(., 'alert(1)')]",
}


def hostile_csvs(make_dataset, write_csvs, folder: Path) -> Path:
    """
    Write the hostile dataset as the four CSVs, plus one posts row whose reach is markup.

    That row is dropped on upload and quoted in the data-quality report (as in tests/test_injection.py).
    """
    dataset = make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)
    write_csvs(dataset, folder)
    posts = folder / "posts.csv"
    header = posts.read_text(encoding="utf-8").splitlines()[0].split(",")
    row = {"influencer_id": "A", "platform": "YouTube", "date": "2025-04-05", "url": "", "caption": "c"}
    row |= {"reach": IMG, "likes": "1", "comments": "1"}
    with posts.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, header, restval="", lineterminator="\n").writerow(row)
    return folder


def assert_inert(dash_duo, where: str) -> None:
    """No alert was called or is open, and no element came out of the uploaded markup."""
    driver = dash_duo.driver
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 (the property access is the check)
    assert driver.execute_script("return window.__alerts") == [], where
    # Dash's test browser waits 2 s for every lookup that finds nothing; these are expected to find nothing.
    driver.implicitly_wait(0)
    try:
        for what, selector in INJECTED.items():
            assert driver.find_elements(By.CSS_SELECTOR, selector) == [], (where, what)
        for what, xpath in INJECTED_XPATH.items():
            assert driver.find_elements(By.XPATH, xpath) == [], (where, what)
    finally:
        driver.implicitly_wait(IMPLICIT_WAIT)


def shown_text(dash_duo, selector: str) -> str:
    """Return the visible text of ``selector`` (what a user reads, entities already turned into characters)."""
    found = dash_duo.driver.find_elements(By.CSS_SELECTOR, selector)
    return found[0].text if found else ""


def wait_for_text(dash_duo, selector: str, *values: str) -> None:
    """Wait until every value is visible, as written, inside ``selector``."""
    until(lambda: all(value in shown_text(dash_duo, selector) for value in values), LOAD_TIMEOUT)


def svg_texts(dash_duo, selector: str) -> list[str]:
    """Return the text of the chart labels (SVG text elements) inside ``selector``."""
    # Read in one script: plotly redraws its SVG when a graph resizes, which would stale found elements.
    script = "return Array.from(document.querySelectorAll(arguments[0]), e => e.textContent)"
    return dash_duo.driver.execute_script(script, f"{selector} svg text")


def test_hostile_upload_shows_markup_as_text_on_every_tab(
    dash_duo, make_app, make_dataset, write_csvs, tmp_path, screenshot
):
    """Upload the hostile files, visit every tab and the detail panel: literal text, nothing executed."""
    folder = hostile_csvs(make_dataset, write_csvs, tmp_path / "hostile")
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_ALERTS})
    open_app(dash_duo, make_app(AUTOLOAD_DEMO=False))
    dash_duo.wait_for_contains_text(f"#{ids.KPI_ROW}", "No data loaded yet", timeout=LOAD_TIMEOUT)

    open_tab(dash_duo, "Data")
    for name in FILES:
        upload(dash_duo, name, folder / f"{name}.csv")
    for name in FILES:
        dash_duo.wait_for_contains_text(f"#{ids.STATUS[name]}", f"from {name}.csv", timeout=LOAD_TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Uploaded data", timeout=LOAD_TIMEOUT)
    # The dropped posts row is quoted in the data-quality grid: its markup value as text.
    wait_for_text(dash_duo, f"#{ids.QUALITY_TABLE}", IMG)
    assert_inert(dash_duo, "Data")

    open_tab(dash_duo, "Overview")
    # A bar's name longer than the axis label limit is cut there (figures/labels.py): its start, as text.
    shown = SCRIPT[: labels.LIMIT - 1]
    until(lambda: any(shown in text for text in svg_texts(dash_duo, f"#{ids.TAB_CONTENT}")), LOAD_TIMEOUT)
    assert_inert(dash_duo, "Overview")
    screenshot("tab-hostile-overview")

    open_tab(dash_duo, "Campaigns")
    wait_for_text(dash_duo, f"#{ids.CAMPAIGN_TABLE}", SCRIPT, BREAKOUT)
    assert_inert(dash_duo, "Campaigns")

    open_tab(dash_duo, "ROI")
    wait_for_text(dash_duo, f"#{ids.ROI_TABLE}", SCRIPT, BREAKOUT)
    assert_inert(dash_duo, "ROI")

    open_tab(dash_duo, "Influencers")
    wait_for_text(dash_duo, f"#{ids.INFLUENCER_TABLE}", SCRIPT, IMG, LINK)
    assert_inert(dash_duo, "Influencers")
    row = f"#{ids.INFLUENCER_TABLE} .ag-center-cols-container .ag-row[row-id='%s'] .ag-cell"
    click(dash_duo, dash_duo.find_element(row % "A"))
    wait_for_text(dash_duo, f"#{ids.INFLUENCER_DETAIL}", SCRIPT, BREAKOUT, IMG)
    assert_inert(dash_duo, "detail of A")
    click(dash_duo, dash_duo.find_element(row % "B"))
    wait_for_text(dash_duo, f"#{ids.INFLUENCER_DETAIL}", IMG, LINK, "javascript:alert(1)", "data:text/html,x")
    assert_inert(dash_duo, "detail of B")
    dash_duo.driver.set_window_size(WIDE[0], 2200)
    screenshot("tab-hostile-influencers")
    dash_duo.driver.set_window_size(*WIDE)

    open_tab(dash_duo, "Payouts")
    wait_for_text(dash_duo, f"#{ids.PAYOUT_TABLE}", "@B2")  # the ledger lists ids; names are elsewhere
    # The spend chart groups by platform: the platform holding markup is an axis or legend label.
    until(lambda: any(BREAKOUT in text for text in svg_texts(dash_duo, f"#{ids.TAB_CONTENT}")), LOAD_TIMEOUT)
    assert_inert(dash_duo, "Payouts")
    assert dash_duo.get_logs() == []
