"""The Overview's insights panel in a real browser: the CLI's sentences, links that open their tab.

Run with ``pytest --headless``. Screenshots land in tests/artifacts/ (insights-wide.png, insights-narrow.png).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_app_browser import downloaded

from layouts import ids
from metrics.__main__ import main as cli_main

pytestmark = pytest.mark.browser

WIDE = (1440, 1000)
NARROW = (400, 1000)
LOAD_TIMEOUT = 30
ITEMS = f"#{ids.INSIGHTS_PANEL} li.insight"
# Where each kind's link must lead (the tab's visible label).
TAB_OF = {
    "top_roas_campaign": "Campaigns",
    "top_incremental_campaign": "Campaigns",
    "thin_data_campaigns": "Campaigns",
    "lowest_roas_campaign": "Campaigns",
    "lowest_incremental_campaign": "Campaigns",
    "scale_up_influencer": "Influencers",
    "review_influencer": "Influencers",
    "top_persona": "Influencers",
}


@pytest.fixture
def cli_insights(demo_dir, tmp_path) -> Path:
    """Return the path of insights.csv as ``python -m metrics export`` writes it for the whole demo."""
    out = tmp_path / "cli"
    assert cli_main(["export", "--data", str(demo_dir), "--out", str(out)]) == 0
    return out / "insights.csv"


def shown_items(dash_duo) -> list:
    """Wait for the panel's sentences and return their list items."""
    until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, ITEMS)) > 0, LOAD_TIMEOUT)
    return dash_duo.driver.find_elements(By.CSS_SELECTOR, ITEMS)


def active_tab(dash_duo) -> str:
    found = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".main-tabs .nav-link.active")
    return found[0].text.strip() if found else ""


def open_tab(dash_duo, label: str) -> None:
    dash_duo.driver.find_element(By.XPATH, f"//*[@role='tab' and normalize-space()='{label}']").click()


def test_demo_insights_are_the_cli_sentences_and_their_links_open_the_tab(
    dash_duo, make_app, cli_insights, screenshot
):
    expected = pd.read_csv(cli_insights, keep_default_na=False)
    dash_duo.start_server(make_app())
    dash_duo.driver.set_window_size(*WIDE)
    items = shown_items(dash_duo)
    assert 3 <= len(items) <= 6
    sentences = [item.find_element(By.CSS_SELECTOR, ".insight-text").text for item in items]
    assert sentences == expected["sentence"].tolist()
    # every sentence has its number beside it and one link
    for item in items:
        assert item.find_element(By.CSS_SELECTOR, ".insight-value").text
        assert len(item.find_elements(By.CSS_SELECTOR, "button.insight-link")) == 1
    # the panel sits directly under the KPI row, before the Overview's charts
    panel = dash_duo.find_element(f"#{ids.INSIGHTS_PANEL}")
    trend = dash_duo.find_element(f"#{ids.OVERVIEW_TREND}")
    kpi_row = dash_duo.find_element(f"#{ids.KPI_ROW}")
    assert kpi_row.location["y"] < panel.location["y"] < trend.location["y"]
    screenshot("insights-wide")

    # Keyboard: focus the first campaign finding's link and press Enter.
    kinds = expected["kind"].tolist()
    first = next(i for i, kind in enumerate(kinds) if TAB_OF.get(kind) == "Campaigns")
    link = items[first].find_element(By.CSS_SELECTOR, "button.insight-link")
    dash_duo.driver.execute_script("arguments[0].focus();", link)
    assert dash_duo.driver.switch_to.active_element == link
    link.send_keys(Keys.ENTER)
    until(lambda: active_tab(dash_duo) == "Campaigns", LOAD_TIMEOUT)
    dash_duo.wait_for_element(f"#{ids.CAMPAIGN_TABLE}", timeout=LOAD_TIMEOUT)
    until(lambda: "tab=campaigns" in dash_duo.driver.current_url, LOAD_TIMEOUT)

    # Mouse: back on the Overview, an influencer finding's link opens the Influencers tab.
    open_tab(dash_duo, "Overview")
    items = shown_items(dash_duo)
    other = next(i for i, kind in enumerate(kinds) if TAB_OF.get(kind) == "Influencers")
    items[other].find_element(By.CSS_SELECTOR, "button.insight-link").click()
    until(lambda: active_tab(dash_duo) == "Influencers", LOAD_TIMEOUT)
    dash_duo.wait_for_element(f"#{ids.INFLUENCER_TABLE}", timeout=LOAD_TIMEOUT)
    assert dash_duo.get_logs() == []


def test_insights_export_is_the_cli_file(dash_duo, make_app, cli_insights, demo_dataset):
    dash_duo.start_server(make_app())
    dash_duo.driver.set_window_size(*WIDE)
    shown_items(dash_duo)
    dash_duo.find_element(f"#{ids.EXPORT['insights']}").click()
    assert downloaded(dash_duo, "insights", demo_dataset) == cli_insights.read_bytes()
    assert dash_duo.get_logs() == []


def test_insights_wrap_on_a_narrow_screen(dash_duo, make_app, screenshot):
    dash_duo.start_server(make_app())
    dash_duo.driver.set_window_size(*NARROW)
    items = shown_items(dash_duo)
    panel = dash_duo.find_element(f"#{ids.INSIGHTS_PANEL}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView();", panel)
    # nothing sticks out sideways: sentences wrap inside the card
    overflow = dash_duo.driver.execute_script(
        "var p = arguments[0]; return p.scrollWidth - p.clientWidth;", panel
    )
    assert overflow <= 0
    right = panel.location["x"] + panel.size["width"]
    for item in items:
        link = item.find_element(By.CSS_SELECTOR, "button.insight-link")
        assert link.is_displayed()
        assert link.location["x"] + link.size["width"] <= right
    screenshot("insights-narrow")
    assert dash_duo.get_logs() == []
