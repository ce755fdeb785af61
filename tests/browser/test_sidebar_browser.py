"""The filter sidebar stays in view on long tabs, and its help text can be read to its last word."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from layouts import ids
from layouts.sidebar import MODEL_HELP
from tests.browser.test_app_browser import LOAD_TIMEOUT, open_app, open_tab

# Where an element sits against the window (its whole box, not just its top, must be visible).
RECT = "var r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight];"

SIDEBAR_TO_END = "var s = document.querySelector('aside.sidebar'); s.scrollTop = s.scrollHeight;"


def visible(dash_duo, element) -> bool:
    """Return whether the whole of ``element`` lies inside the window."""
    top, bottom, height = dash_duo.driver.execute_script(RECT, element)
    return top >= 0 and bottom <= height


def test_sidebar_stays_in_view_on_a_long_tab(dash_duo, make_app, screenshot):
    """At the bottom of the Influencers tab "Reset filters" is still in the window, and the model's help
    text is shown whole once the sidebar's own scroll reaches it."""
    open_app(dash_duo, make_app())
    dash_duo.driver.set_window_size(1440, 800)
    open_tab(dash_duo, "Influencers")
    dash_duo.wait_for_element(f"#{ids.INFLUENCER_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    page_height = dash_duo.driver.execute_script("return document.documentElement.scrollHeight")
    assert page_height > 2 * 800  # a long tab, or the test proves nothing

    dash_duo.driver.execute_script("window.scrollTo(0, document.documentElement.scrollHeight);")
    reset = dash_duo.find_element(f"#{ids.RESET_FILTERS}")
    assert visible(dash_duo, reset), dash_duo.driver.execute_script(RECT, reset)
    screenshot("sidebar-page-bottom")

    help_text = dash_duo.driver.find_element(By.XPATH, "//aside//*[contains(text(), 'Every KPI')]")
    assert help_text.text == MODEL_HELP
    # At the bottom and at the top of the page, the sidebar's own scroll brings the whole sentence into view.
    for page_scroll in ("document.documentElement.scrollHeight", "0"):
        dash_duo.driver.execute_script(f"window.scrollTo(0, {page_scroll});")
        dash_duo.driver.execute_script(SIDEBAR_TO_END)
        assert visible(dash_duo, help_text), (page_scroll, dash_duo.driver.execute_script(RECT, help_text))
    screenshot("sidebar-help-text")
    assert dash_duo.get_logs() == []


# The element drawn on top at the centre of each of the calendar's day buttons, and whether it belongs to
# the calendar (a card of the main column drawn over the calendar would take the click instead).
CALENDAR_ON_TOP = """
var days = Array.from(document.querySelectorAll('.dash-datepicker-calendar-date-inside'));
var covered = days.filter(function (day) {
    var r = day.getBoundingClientRect();
    var top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !(top && day.closest('.dash-datepicker-content').contains(top));
});
return [days.length, covered.map(function (day) { return day.textContent; })];
"""


def test_date_calendar_opens_over_the_main_column(dash_duo, make_app, screenshot):
    """The date range's two-month calendar reaches over the main column and is drawn above its cards, so
    every day of both months can be clicked."""
    open_app(dash_duo, make_app())
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    dash_duo.wait_for_element(f"#{ids.KPI_ROW} .kpi-card", timeout=LOAD_TIMEOUT)
    dash_duo.find_element(f"#{ids.FILTER_DATES}").click()
    dash_duo.wait_for_element(".dash-datepicker-calendar-date-inside", timeout=LOAD_TIMEOUT)
    days, covered = dash_duo.driver.execute_script(CALENDAR_ON_TOP)
    screenshot("sidebar-date-calendar")
    assert days >= 58  # April and May
    assert covered == []
