"""Below 992 px the filters open as an offcanvas panel from the top bar's "Filters" button; wider, inline."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from layouts import ids
from metrics.filters import Filters
from tests.browser.test_app_browser import LOAD_TIMEOUT, library_kpis, open_app, wait_for_kpi

pytestmark = pytest.mark.browser

TABLET = (768, 1024)  # a tablet held upright: below the lg breakpoint
ACTIVE_ID = "return document.activeElement && document.activeElement.id;"
IN_PANEL = f"return !!document.activeElement.closest('#{ids.SIDEBAR_OFFCANVAS}');"
LEFT_EDGE = "var r = arguments[0].getBoundingClientRect(); return [r.left, r.right, window.innerWidth];"


def panel_open(dash_duo) -> bool:
    """Return whether the offcanvas panel is open and shown in the window."""
    panel = dash_duo.find_element(f"#{ids.SIDEBAR_OFFCANVAS}")
    left, _, _ = dash_duo.driver.execute_script(LEFT_EDGE, panel)
    return "show" in panel.get_attribute("class") and panel.is_displayed() and left >= 0


def tab_to(dash_duo, element_id: str, presses: int = 15) -> None:
    """Press Tab from the top of the page until ``element_id`` has the focus."""
    dash_duo.driver.execute_script(
        "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);"
    )
    for _ in range(presses):
        ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
        if dash_duo.driver.execute_script(ACTIVE_ID) == element_id:
            return
    raise AssertionError(f"{element_id} not reached with Tab")


def test_filters_button_opens_the_offcanvas(dash_duo, make_app, demo_dataset, screenshot):
    """At 768 px the filters hide behind "Filters"; the button (reached with Tab) opens them with the focus
    inside, a filter changed there updates the KPIs, Escape closes the panel and focus returns to the button;
    reopening shows the filter as it was."""
    everyone = library_kpis(demo_dataset)
    instagram = library_kpis(demo_dataset, Filters.make(platforms=["Instagram"]))
    assert instagram["revenue"] != everyone["revenue"]  # or the KPI check proves nothing
    open_app(dash_duo, make_app())
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", everyone["revenue"])
    dash_duo.driver.set_window_size(*TABLET)

    toggle = dash_duo.wait_for_element(f"#{ids.SIDEBAR_TOGGLE}")
    until(toggle.is_displayed, 10)
    assert toggle.text == "Filters"
    assert toggle.get_attribute("aria-expanded") == "false"
    panel = dash_duo.find_element(f"#{ids.SIDEBAR_OFFCANVAS}")
    assert not panel.is_displayed()  # hidden, so none of its controls is in the Tab order

    tab_to(dash_duo, ids.SIDEBAR_TOGGLE)
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    until(lambda: panel_open(dash_duo), 10)
    assert dash_duo.driver.execute_script(IN_PANEL)
    assert toggle.get_attribute("aria-expanded") == "true"
    assert panel.get_attribute("role") == "dialog"
    # Over the page, from the left edge; the page behind is dimmed.
    left, right, width = dash_duo.driver.execute_script(LEFT_EDGE, panel)
    assert left == 0 and right <= width
    assert dash_duo.find_element(".offcanvas-backdrop").is_displayed()

    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_PLATFORM}", value="Instagram")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", instagram["revenue"])
    screenshot("h3-offcanvas")

    # With a dropdown's menu open, the first Escape closes the menu and leaves the panel open; the second
    # closes the panel.
    if not dash_duo.find_elements(".dash-dropdown-search"):
        dash_duo.find_element(f"#{ids.FILTER_PLATFORM}").click()
    dash_duo.wait_for_element(".dash-dropdown-search")
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    until(lambda: not dash_duo.find_elements(".dash-dropdown-search"), 10)
    assert panel_open(dash_duo)
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    until(lambda: not panel.is_displayed(), 10)
    assert dash_duo.driver.execute_script(ACTIVE_ID) == ids.SIDEBAR_TOGGLE
    assert toggle.get_attribute("aria-expanded") == "false"
    assert dash_duo.find_elements(".offcanvas-backdrop") == []
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", instagram["revenue"])

    # Reopened with a click: the filter is as it was; the close button closes the panel.
    toggle.click()
    until(lambda: panel_open(dash_duo), 10)
    assert "Instagram" in dash_duo.find_element(f"#{ids.FILTER_PLATFORM}").text
    dash_duo.find_element(f"#{ids.SIDEBAR_CLOSE}").click()
    until(lambda: not panel.is_displayed(), 10)
    assert dash_duo.driver.execute_script(ACTIVE_ID) == ids.SIDEBAR_TOGGLE
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", instagram["revenue"])
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("width", [1024, 1440])
def test_wide_screens_show_the_sidebar_inline(dash_duo, make_app, width):
    """From 992 px there is no "Filters" button: the sidebar sits in its column left of the page."""
    open_app(dash_duo, make_app())
    dash_duo.driver.set_window_size(width, 800)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    until(lambda: not dash_duo.find_element(f"#{ids.SIDEBAR_TOGGLE}").is_displayed(), 10)
    panel = dash_duo.find_element(f"#{ids.SIDEBAR_OFFCANVAS}")
    assert panel.is_displayed()
    assert "show" not in panel.get_attribute("class")
    assert (
        dash_duo.driver.execute_script("return getComputedStyle(arguments[0]).position;", panel) == "sticky"
    )
    main = dash_duo.find_element("main.main")
    assert panel.rect["x"] + panel.rect["width"] <= main.rect["x"]
    assert dash_duo.find_element(f"#{ids.FILTER_PLATFORM}").is_displayed()
    assert dash_duo.get_logs() == []
