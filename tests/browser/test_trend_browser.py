"""The Overview trend in a real browser: a week cut by the date filter is marked partial, axes say their units.

Run with ``pytest --headless``; screenshots land in tests/artifacts/.
"""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from layouts import ids
from tests.browser.test_app_browser import LOAD_TIMEOUT, open_app

pytestmark = pytest.mark.browser


def trend_texts(dash_duo) -> list[str]:
    """Return every text drawn in the Overview trend (ticks, axis titles, annotations)."""
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent);",
        f"#{ids.OVERVIEW_TREND_GRAPH} .main-svg text",
    )


def test_a_filter_ending_on_a_tuesday_marks_the_last_week_partial(dash_duo, make_app, screenshot):
    """Up to Tue 15 Jul the trend is weekly: its last week (14-15 Jul) holds 2 of 7 days and says so."""
    open_app(dash_duo, make_app(), "/?start=2025-04-01&end=2025-07-15")
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_TREND_GRAPH} .main-svg", timeout=LOAD_TIMEOUT)
    until(lambda: any("partial week" in text for text in trend_texts(dash_duo)), LOAD_TIMEOUT)
    texts = trend_texts(dash_duo)
    assert any("week of 14 Jul: 2 of 7 days" in text for text in texts)
    assert "Revenue and spend (₹)" in texts and "Week starting (Monday)" in texts
    money = [t for t in texts if t.startswith("₹") and t != "₹0"]
    assert money and len({t[-1] for t in money}) == 1  # one unit on the axis
    assert dash_duo.driver.find_elements(
        By.CSS_SELECTOR, f"#{ids.OVERVIEW_TREND_GRAPH} path.js-line[style*='dasharray']"
    )
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView();", dash_duo.find_element(f"#{ids.OVERVIEW_TREND_GRAPH}")
    )
    screenshot("overview-trend-partial-week")
    assert dash_duo.get_logs() == []


def test_a_month_filter_is_daily_with_unit_titles(dash_duo, make_app, screenshot):
    """1 Jun-1 Jul is daily: whole days, nothing marked partial, axes titled."""
    open_app(dash_duo, make_app(), "/?start=2025-06-01&end=2025-07-01")
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_TREND_GRAPH} .main-svg", timeout=LOAD_TIMEOUT)
    until(lambda: "Day" in trend_texts(dash_duo), LOAD_TIMEOUT)
    texts = trend_texts(dash_duo)
    assert "Revenue and spend (₹)" in texts
    assert not any("partial" in text for text in texts)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView();", dash_duo.find_element(f"#{ids.OVERVIEW_TREND_GRAPH}")
    )
    screenshot("overview-trend-june")
    assert dash_duo.get_logs() == []


def test_campaign_trends_title_their_axes(dash_duo, make_app, screenshot):
    """The Campaigns tab's small multiples say their unit on the left and their period below."""
    open_app(dash_duo, make_app(), "/?tab=campaigns")
    selector = f"#{ids.CAMPAIGN_TREND_GRAPH} .main-svg text"
    script = "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent);"
    until(lambda: "₹ per week" in dash_duo.driver.execute_script(script, selector), LOAD_TIMEOUT)
    assert "Week starting (Monday)" in dash_duo.driver.execute_script(script, selector)
    graph = dash_duo.find_element(f"#{ids.CAMPAIGN_TREND_GRAPH}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView();", graph)
    screenshot("campaign-trends-axis-titles")
    assert dash_duo.get_logs() == []
