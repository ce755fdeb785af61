"""Saved datasets in real browsers against real gunicorn servers (run with ``pytest --headless``).

One browser saves the data in use under a name; the server is restarted with an empty cache directory
(same LIBRARY_DIR); a second browser with its own profile opens the link and sees the same dataset,
filters, model and tab, then renames and deletes it through the Data tab, while the HTTP API agrees.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait
from test_app_browser import LOAD_TIMEOUT, WIDE, first_campaign, library_kpis
from test_isolation_browser import second_browser  # noqa: F401  (fixture)

from layouts import ids
from metrics.filters import Filters

try:
    from tests import servers
except ImportError:  # pragma: no cover - run from inside tests/
    import servers

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = servers.ROOT / "tests" / "artifacts"


def wait(driver, condition, message: str) -> None:
    """Poll ``condition`` (an element re-rendered meanwhile just means "not yet")."""
    WebDriverWait(
        driver, LOAD_TIMEOUT, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,)
    ).until(lambda d: condition(d), message)


def text_of(driver, element_id: str) -> str:
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else ""


def kpi_value(driver, card_id: str) -> float | None:
    found = driver.find_elements(By.ID, card_id)
    value = found[0].get_attribute("data-value") if found else None
    return float(value) if value else None


def open_tab(driver, label: str) -> None:
    driver.find_element(By.XPATH, f"//*[@role='tab' and normalize-space()='{label}']").click()


def active_tab(driver) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, ".main-tabs .nav-link.active")
    return found[0].text.strip() if found else ""


def click(driver, element) -> None:
    """Scroll ``element`` to the middle of the window and click it (the sticky top bar covers the top)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def row_button(driver, kind: str, name: str):
    """Return the button ``kind`` (Open, Rename, Delete) of the list row whose name is ``name``."""
    xpath = (
        f"//*[@id='{ids.LIBRARY_LIST}']//tr[.//*[contains(@class,'library-name-cell') and "
        f"normalize-space()='{name}']]//button[normalize-space()='{kind}']"
    )
    return driver.find_element(By.XPATH, xpath)


def dialog_shown(driver) -> None:
    """Wait until the dialog has faded in completely (a screenshot mid-fade shows it half transparent)."""
    script = (
        "var m = document.querySelector('.modal.show');"
        "return !!m && getComputedStyle(m.querySelector('.modal-dialog')).transform === 'none'"
        " && getComputedStyle(m).opacity === '1';"
    )
    wait(driver, lambda d: d.execute_script(script), "the dialog never finished opening")


def confirm_dialog(driver) -> None:
    wait(driver, lambda d: d.find_element(By.ID, ids.LIBRARY_DIALOG_CONFIRM).is_displayed(), "no dialog")
    click(driver, driver.find_element(By.ID, ids.LIBRARY_DIALOG_CONFIRM))
    wait(driver, lambda d: not d.find_elements(By.ID, ids.LIBRARY_DIALOG_CONFIRM), "dialog stayed open")


def on_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))


def test_saved_dataset_opens_by_link_after_a_restart_and_is_renamed_and_deleted(
    dash_duo,
    second_browser,  # noqa: F811
    tmp_path,
    demo_dataset,
):
    """Save, restart on an empty cache, open the link elsewhere (same view), rename and delete in the UI."""
    ARTIFACTS.mkdir(exist_ok=True)
    library_dir = tmp_path / "library"
    campaign = first_campaign(demo_dataset)
    expected = library_kpis(demo_dataset, Filters.make(campaigns=[campaign]), "linear")["revenue"]
    name = "Team week 42"

    first = servers.start_gunicorn(
        tmp_path, {"CACHE_DIR": str(tmp_path / "cache-1"), "LIBRARY_DIR": str(library_dir)}, workers=1
    )
    with servers.running(first):
        driver = dash_duo.driver
        driver.set_window_size(*WIDE)
        driver.get(f"{first.url}/?campaign={quote(campaign)}&model=linear")
        wait(driver, lambda d: kpi_value(d, ids.KPI_REVENUE) == expected, "filtered demo KPIs never showed")
        open_tab(driver, "Data")
        field = dash_duo.wait_for_element(f"#{ids.LIBRARY_NAME}", timeout=LOAD_TIMEOUT)
        field.send_keys(name)
        click(driver, driver.find_element(By.ID, ids.LIBRARY_SAVE))
        wait(driver, lambda d: "dataset=" in d.current_url, "the URL never named the saved dataset")
        wait(driver, lambda d: name in text_of(d, ids.LIBRARY_LIST), "the list never showed the save")
        wait(driver, lambda d: name in text_of(d, ids.TOPBAR_DATASET), "the top bar never named it")
        driver.save_screenshot(str(ARTIFACTS / "library-saved.png"))
        # Saving the same name again asks first; Cancel leaves everything as it was.
        click(driver, driver.find_element(By.ID, ids.LIBRARY_SAVE))
        wait(driver, lambda d: "Replace" in text_of(d, ids.LIBRARY_DIALOG_TITLE), "no replace question")
        dialog_shown(driver)
        driver.save_screenshot(str(ARTIFACTS / "library-replace-dialog.png"))
        driver.find_element(By.ID, ids.LIBRARY_DIALOG_CANCEL).click()
        wait(driver, lambda d: not d.find_elements(By.ID, ids.LIBRARY_DIALOG_CONFIRM), "dialog stayed open")
        open_tab(driver, "ROI")
        wait(driver, lambda d: "tab=roi" in d.current_url, "the URL never named the ROI tab")
        driver.find_element(By.ID, ids.COPY_LINK).click()
        wait(driver, lambda d: "Link copied" in text_of(d, ids.COPY_LINK), "Copy link did not copy")
        link = driver.current_url
        listed = requests.get(f"{first.url}/api/datasets", timeout=30).json()
    assert [entry["name"] for entry in listed] == [name]
    dataset_id = listed[0]["id"]
    assert f"dataset={dataset_id}" in link and "model=linear" in link
    assert not list(library_dir.glob(".tmp-*")), "no temporary folder is left behind"

    second = servers.start_gunicorn(
        tmp_path, {"CACHE_DIR": str(tmp_path / "cache-2"), "LIBRARY_DIR": str(library_dir)}, workers=1
    )
    with servers.running(second):
        other = second_browser
        other.get(on_port(link, second.port))
        wait(other, lambda d: name in text_of(d, ids.TOPBAR_DATASET), "the link did not open the dataset")
        wait(other, lambda d: kpi_value(d, ids.KPI_REVENUE) == expected, "the link's KPIs differ")
        assert campaign in text_of(other, ids.FILTER_CAMPAIGN)
        assert "Linear" in text_of(other, ids.TOPBAR_MODEL)
        assert active_tab(other) == "ROI"
        other.save_screenshot(str(ARTIFACTS / "library-link-opened.png"))
        kpis = requests.get(f"{second.url}/api/datasets/{dataset_id}/kpis", timeout=60)
        assert kpis.status_code == 200 and kpis.json()["kpis"]["revenue"] == pytest.approx(
            library_kpis(demo_dataset)["revenue"]
        )

        open_tab(other, "Data")
        wait(other, lambda d: name in text_of(d, ids.LIBRARY_LIST), "the list did not show the dataset")
        assert "in use" in text_of(other, ids.LIBRARY_LIST)
        click(other, row_button(other, "Rename", name))
        wait(other, lambda d: d.find_element(By.ID, ids.LIBRARY_DIALOG_INPUT).is_displayed(), "no rename box")
        box = other.find_element(By.ID, ids.LIBRARY_DIALOG_INPUT)
        box.clear()
        box.send_keys("Week 42 final")
        dialog_shown(other)
        other.save_screenshot(str(ARTIFACTS / "library-rename-dialog.png"))
        confirm_dialog(other)
        wait(other, lambda d: "Week 42 final" in text_of(d, ids.LIBRARY_LIST), "the rename did not show")
        wait(
            other,
            lambda d: "Week 42 final" in text_of(d, ids.TOPBAR_DATASET),
            "the top bar kept the old name",
        )
        assert [e["name"] for e in requests.get(f"{second.url}/api/datasets", timeout=30).json()] == [
            "Week 42 final"
        ]
        other.save_screenshot(str(ARTIFACTS / "library-data-tab.png"))

        click(other, row_button(other, "Delete", "Week 42 final"))
        wait(other, lambda d: "Delete" in text_of(d, ids.LIBRARY_DIALOG_TITLE), "no delete question")
        dialog_shown(other)
        other.save_screenshot(str(ARTIFACTS / "library-delete-dialog.png"))
        confirm_dialog(other)
        wait(other, lambda d: "Week 42 final" not in text_of(d, ids.LIBRARY_LIST), "the row stayed")
        assert "unsaved copy" in text_of(other, ids.LIBRARY_MESSAGE)
        # The tab keeps its numbers (a private copy); the saved dataset and its link are gone.
        wait(other, lambda d: kpi_value(d, ids.KPI_REVENUE) == expected, "the tab lost its numbers")
        wait(other, lambda d: "dataset=" not in d.current_url, "the URL still names the deleted dataset")
        assert requests.get(f"{second.url}/api/datasets", timeout=30).json() == []
        gone = requests.get(f"{second.url}/api/datasets/{dataset_id}/kpis", timeout=30)
        assert gone.status_code == 404
    assert not [p for p in library_dir.iterdir() if not p.name.startswith(".")]
