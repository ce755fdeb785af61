"""The dashboard by keyboard alone: the tab bar is reached with Tab and driven with the arrow keys."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from layouts import ids
from tests.browser.test_app_browser import LOAD_TIMEOUT, open_app

# Enough presses to pass the top bar, the sidebar's filters and the KPI row; a bar out of the Tab order fails.
MAX_TABS = 80
ACTIVE_TAB = "//*[@role='tab' and contains(concat(' ', @class, ' '), ' active ')]"
FOCUSED = "var e = document.activeElement; return [e.getAttribute('role'), e.textContent.trim(), e.id];"
# Tab then starts from the top of the page, whatever was clicked before.
START = "var s = document.createElement('span'); s.tabIndex = -1; document.body.prepend(s); s.focus();"
FOCUS_RING = "var s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth];"


def press(dash_duo, key: str) -> None:
    """Press ``key`` on whatever has the focus."""
    ActionChains(dash_duo.driver).send_keys(key).perform()


def tab_until(dash_duo, wanted) -> list:
    """Press Tab from the page start until ``wanted(focused)`` holds; return every focus stop visited."""
    dash_duo.driver.execute_script(START)
    stops = []
    for _ in range(MAX_TABS):
        press(dash_duo, Keys.TAB)
        focused = dash_duo.driver.execute_script(FOCUSED)
        stops.append(focused)
        if wanted(focused):
            return stops
    raise AssertionError(f"not reached in {MAX_TABS} Tab presses: {stops}")


def test_tab_bar_reached_by_tab_and_driven_by_arrows(dash_duo, make_app, screenshot):
    """Tab reaches the active tab (the bar's only stop), ArrowRight activates Campaigns, End/Home jump."""
    open_app(dash_duo, make_app())
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    dash_duo.wait_for_element(f"#{ids.KPI_ROW} [data-value]", timeout=LOAD_TIMEOUT)

    stops = tab_until(dash_duo, lambda focused: focused[0] == "tab")
    assert stops[-1][1] == "Overview"
    outline = dash_duo.driver.execute_script(FOCUS_RING)
    assert outline[0] != "none" and outline[1] != "0px", outline
    screenshot("keyboard-tab-focus")

    press(dash_duo, Keys.ARROW_RIGHT)
    until(lambda: dash_duo.driver.find_element(By.XPATH, ACTIVE_TAB).text == "Campaigns", LOAD_TIMEOUT)
    dash_duo.wait_for_element(f"#{ids.CAMPAIGN_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    assert dash_duo.driver.execute_script(FOCUSED)[:2] == ["tab", "Campaigns"]
    indexes = {link.text: link.get_attribute("tabindex") for link in dash_duo.find_elements("[role='tab']")}
    assert indexes == {
        label: ("0" if label == "Campaigns" else "-1")
        for label in ("Overview", "Campaigns", "ROI", "Influencers", "Payouts", "Data")
    }
    screenshot("keyboard-arrow-campaigns")

    press(dash_duo, Keys.END)
    until(lambda: dash_duo.driver.find_element(By.XPATH, ACTIVE_TAB).text == "Data", LOAD_TIMEOUT)
    press(dash_duo, Keys.ARROW_RIGHT)  # wraps round to the first tab
    until(lambda: dash_duo.driver.find_element(By.XPATH, ACTIVE_TAB).text == "Overview", LOAD_TIMEOUT)
    press(dash_duo, Keys.ARROW_LEFT)
    until(lambda: dash_duo.driver.find_element(By.XPATH, ACTIVE_TAB).text == "Data", LOAD_TIMEOUT)
    press(dash_duo, Keys.HOME)
    until(lambda: dash_duo.driver.find_element(By.XPATH, ACTIVE_TAB).text == "Overview", LOAD_TIMEOUT)
    assert dash_duo.get_logs() == []


def test_report_buttons_take_one_tab_stop_each(dash_duo, make_app):
    """Once enabled, the PDF and Excel buttons are each reached once by Tab (their wrappers take no stop)."""
    open_app(dash_duo, make_app())
    for button in (ids.EXPORT_REPORT_PDF, ids.EXPORT_REPORT_XLSX):
        until(lambda b=button: dash_duo.find_element(f"#{b}").is_enabled(), LOAD_TIMEOUT)
    stops = tab_until(dash_duo, lambda focused: focused[0] == "tab")
    stop_ids = [stop[2] for stop in stops]
    for button in (ids.EXPORT_REPORT_PDF, ids.EXPORT_REPORT_XLSX):
        assert stop_ids.count(button) == 1, stops
        assert stop_ids.count(f"{button}-wrapper") == 0, stops
