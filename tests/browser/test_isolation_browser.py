"""Two browsers against one server: each sees only the data it uploaded, before and after a reload.

Run with ``pytest --headless``. The second browser is a separate Chromium with its own profile (no shared
cookies or storage), built with the options Dash's test browser uses; both upload a different small
dataset through the Data tab (docs/deployment.md, "Untrusted content and isolation").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait
from test_app_browser import LOAD_TIMEOUT, WIDE
from test_isolation import ASHA, BALA, rows_of

from layouts import ids
from metrics.dataset import FILES

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# What each upload holds: its influencer's name and its campaign (rows_of names the campaign after the id).
OWN = {"asha": ("Asha Secret", "Campaign A"), "bala": ("Bala Private", "Campaign B")}


@pytest.fixture
def second_browser(request, tmp_path):
    """Return a second headless Chromium with its own profile folder, quit after the test."""
    options = webdriver.ChromeOptions()
    if request.config.getoption("headless"):
        options.add_argument("--headless")
    options.binary_location = CHROMIUM
    for argument in (
        "--disable-dev-shm-usage",
        "--no-sandbox",
        "--disable-gpu",
        "--remote-debugging-port=0",
        "--disable-notifications",
        "--disable-popup-blocking",
        f"--user-data-dir={tmp_path / 'second-profile'}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_window_size(*WIDE)
        yield driver
    finally:
        driver.quit()


def uploads(make_dataset, write_csvs, folder: Path) -> dict[str, Path]:
    """Write the two users' datasets (one influencer and one campaign each) as CSV folders."""
    return {
        user: write_csvs(make_dataset(**rows_of(people)), folder / user)
        for user, people in (("asha", ASHA), ("bala", BALA))
    }


def wait(driver, condition, message: str) -> None:
    WebDriverWait(driver, LOAD_TIMEOUT, poll_frequency=0.2).until(lambda d: condition(d), message)


def text_of(driver, selector: str) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, selector)
    return found[0].text if found else ""


def open_tab(driver, label: str) -> None:
    driver.find_element(By.XPATH, f"//*[@role='tab' and normalize-space()='{label}']").click()


def upload_folder(driver, folder: Path) -> None:
    """Upload the folder's four CSVs through the Data tab and wait until the top bar says so."""
    open_tab(driver, "Data")
    first_area = f"#{ids.UPLOAD[FILES[0]]} input"
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, first_area), "the upload areas")
    for name in FILES:  # one callback reads all four areas, so the files may go in before any is read
        driver.find_element(By.CSS_SELECTOR, f"#{ids.UPLOAD[name]} input").send_keys(
            str(folder / f"{name}.csv")
        )
    for name in FILES:
        status = f"#{ids.STATUS[name]}"
        wait(driver, lambda d, s=status, n=name: f"from {n}.csv" in text_of(d, s), f"status of {name}")
    wait(driver, lambda d: "Uploaded data" in text_of(d, f"#{ids.TOPBAR_DATASET}"), "uploaded data")


def assert_sees_only(driver, user: str, other: str) -> None:
    """The Influencers and Campaigns grids show ``user``'s name and campaign; the page never holds ``other``'s."""
    name, campaign = OWN[user]
    open_tab(driver, "Influencers")
    wait(driver, lambda d: name in text_of(d, f"#{ids.INFLUENCER_TABLE}"), f"{user}'s influencer")
    assert not any(value in text_of(driver, f"#{ids.INFLUENCER_TABLE}") for value in OWN[other])
    open_tab(driver, "Campaigns")
    wait(driver, lambda d: campaign in text_of(d, f"#{ids.CAMPAIGN_TABLE}"), f"{user}'s campaign")
    assert not any(value in text_of(driver, f"#{ids.CAMPAIGN_TABLE}") for value in OWN[other])
    assert not any(value in driver.page_source for value in OWN[other])


def test_two_browsers_see_only_their_own_uploads(
    dash_duo, make_app, make_dataset, write_csvs, tmp_path, second_browser
):
    """Asha and Bala upload in two browsers; each sees only their own data, also after the other's upload and a reload."""
    folders = uploads(make_dataset, write_csvs, tmp_path / "uploads")
    dash_duo.start_server(make_app(AUTOLOAD_DEMO=False))
    first = dash_duo.driver
    first.set_window_size(*WIDE)
    second = second_browser
    second.get(dash_duo.server_url)
    for driver in (first, second):
        wait(driver, lambda d: "No data loaded yet" in text_of(d, f"#{ids.KPI_ROW}"), "empty start")

    upload_folder(first, folders["asha"])
    assert_sees_only(first, "asha", "bala")
    second.refresh()  # a fresh load of the second browser must not pick up the first one's upload
    wait(second, lambda d: "No data loaded yet" in text_of(d, f"#{ids.KPI_ROW}"), "still empty")
    assert not any(value in second.page_source for value in OWN["asha"])

    upload_folder(second, folders["bala"])
    assert_sees_only(second, "bala", "asha")

    for driver, user, other in ((first, "asha", "bala"), (second, "bala", "asha")):
        driver.refresh()  # a reload keeps the browser's own upload, and only that (the other's came later)
        wait(driver, lambda d: "Uploaded data" in text_of(d, f"#{ids.TOPBAR_DATASET}"), "reloaded")
        assert_sees_only(driver, user, other)
    assert dash_duo.get_logs() == []
    assert second.get_log("browser") == []
