"""The light/dark theme: the first visit follows the system, the switch turns the page, its charts and grids
dark or light, a reload keeps the choice, and a chart drawn after the switch is in the theme too."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from figures.template import DARK_BACKGROUND
from layouts import ids
from tests.browser.test_app_browser import LOAD_TIMEOUT, TAB_READY, open_app, open_tab

# The background the chart shows (plotly's resolved layout of the graph's plot div).
PAPER = (
    "var gd = document.querySelector(arguments[0] + ' .js-plotly-plot');"
    "return gd && gd._fullLayout ? gd._fullLayout.paper_bgcolor : null;"
)
# The colour of an element's text, and of the first SVG text of a chart (a tick label).
TICK_FILL = (
    "var t = document.querySelector(arguments[0] + ' .js-plotly-plot .xtick text');"
    "return t ? getComputedStyle(t).fill : null;"
)
GRID_BACKGROUND = (
    "var g = document.querySelector(arguments[0] + ' .ag-root-wrapper');"
    "return g ? getComputedStyle(g).backgroundColor : null;"
)
# The background of the first ledger row flagged "mismatch".
FLAGGED_ROW = (
    "var rows = document.querySelectorAll(arguments[0] + ' .ag-center-cols-container .ag-row');"
    "var row = Array.from(rows).find(r => r.textContent.includes('mismatch'));"
    "return row ? getComputedStyle(row).backgroundColor : null;"
)
THEME = "return document.documentElement.dataset.bsTheme || null;"
BODY_BACKGROUND = "return getComputedStyle(document.body).backgroundColor;"


def all_charts_dark(dash_duo) -> bool:
    """Return whether every chart shown is drawn on the dark background."""
    papers = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".filter(gd => gd.offsetParent && gd._fullLayout).map(gd => gd._fullLayout.paper_bgcolor);"
    )
    return all(paper == DARK_BACKGROUND for paper in papers)


def system_prefers(dash_duo, scheme: str) -> None:
    """Make the test browser's system setting ``scheme`` ("dark" or "light") for the pages it opens next."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )


def luminance(css_colour: str) -> float:
    """Return the mean of an ``rgb(...)``/``rgba(...)`` colour's channels, 0 (black) to 255 (white)."""
    channels = css_colour[css_colour.index("(") + 1 : css_colour.index(")")].split(",")[:3]
    return sum(float(c) for c in channels) / 3


def wait_for_paper(dash_duo, graph_id: str, expected: str) -> None:
    """Wait until the chart ``graph_id`` is drawn on the background ``expected``."""
    until(lambda: dash_duo.driver.execute_script(PAPER, f"#{graph_id}") == expected, LOAD_TIMEOUT)


def switch_checked(dash_duo) -> bool:
    return dash_duo.find_element(f"#{ids.THEME_SWITCH}").is_selected()


def click_switch(dash_duo) -> None:
    # The switch is a styled checkbox: its label is what a user clicks.
    dash_duo.find_element(f"label[for='{ids.THEME_SWITCH}']").click()


def test_theme_follows_system_switches_and_is_remembered(dash_duo, make_app, screenshot):
    """Dark system: the page opens dark; the switch turns page, chart and grid light; a reload stays light;
    switched back to dark, a chart drawn afterwards on another tab is dark too."""
    system_prefers(dash_duo, "dark")
    open_app(dash_duo, make_app())
    graph = ids.OVERVIEW_TREND_GRAPH
    wait_for_paper(dash_duo, graph, DARK_BACKGROUND)
    assert dash_duo.driver.execute_script(THEME) == "dark"
    until(lambda: switch_checked(dash_duo), LOAD_TIMEOUT)
    assert luminance(dash_duo.driver.execute_script(BODY_BACKGROUND)) < 60
    assert luminance(dash_duo.driver.execute_script(TICK_FILL, f"#{graph}")) > 180  # light labels
    screenshot("h2-dark-first-visit")

    click_switch(dash_duo)
    until(lambda: dash_duo.driver.execute_script(THEME) == "light", LOAD_TIMEOUT)
    wait_for_paper(dash_duo, graph, "white")
    assert not switch_checked(dash_duo)
    assert luminance(dash_duo.driver.execute_script(BODY_BACKGROUND)) > 200
    assert luminance(dash_duo.driver.execute_script(TICK_FILL, f"#{graph}")) < 80  # dark labels

    # The choice outlasts a reload, against the (dark) system setting.
    dash_duo.driver.refresh()
    wait_for_paper(dash_duo, graph, "white")
    assert dash_duo.driver.execute_script(THEME) == "light"
    assert not switch_checked(dash_duo)

    open_tab(dash_duo, "Campaigns")
    table = f"#{ids.CAMPAIGN_TABLE}"
    dash_duo.wait_for_element(f"{table} .ag-row", timeout=LOAD_TIMEOUT)
    light_grid = dash_duo.driver.execute_script(GRID_BACKGROUND, table)
    assert luminance(light_grid) > 200
    click_switch(dash_duo)
    until(lambda: luminance(dash_duo.driver.execute_script(GRID_BACKGROUND, table)) < 60, LOAD_TIMEOUT)
    wait_for_paper(dash_duo, ids.CAMPAIGN_TREND_GRAPH, DARK_BACKGROUND)

    # Drawn only now, after the switch: the ROI tab's charts.
    open_tab(dash_duo, "ROI")
    wait_for_paper(dash_duo, ids.ROI_GRAPH, DARK_BACKGROUND)
    assert luminance(dash_duo.driver.execute_script(TICK_FILL, f"#{ids.ROI_GRAPH}")) > 180
    until(lambda: luminance(dash_duo.driver.execute_script(GRID_BACKGROUND, f"#{ids.ROI_TABLE}")) < 60, 10)
    screenshot("h2-dark-roi-after-switch")

    # A new figure for another grouping (a server answer drawn into the same graph) is dark as well.
    dash_duo.driver.find_element(
        By.XPATH, f"//*[@id='{ids.ROI_BY}']//label[normalize-space()='Platform']"
    ).click()
    until(
        lambda: "Instagram" in dash_duo.find_element(f"#{ids.ROI_GRAPH} .js-plotly-plot").text, LOAD_TIMEOUT
    )
    assert dash_duo.driver.execute_script(PAPER, f"#{ids.ROI_GRAPH}") == DARK_BACKGROUND
    assert luminance(dash_duo.driver.execute_script(TICK_FILL, f"#{ids.ROI_GRAPH}")) > 180
    assert dash_duo.get_logs() == []


def test_light_system_opens_light(dash_duo, make_app, screenshot):
    """Without a stored choice, a light system opens the light theme (switch off, white charts)."""
    system_prefers(dash_duo, "light")
    open_app(dash_duo, make_app())
    wait_for_paper(dash_duo, ids.OVERVIEW_TREND_GRAPH, "white")
    assert dash_duo.driver.execute_script(THEME) == "light"
    assert not switch_checked(dash_duo)
    assert luminance(dash_duo.driver.execute_script(BODY_BACKGROUND)) > 200
    screenshot("h2-light-overview")
    dash_duo.driver.set_window_size(390, 844)  # a phone: the switch stays in the top bar
    assert dash_duo.find_element(f"label[for='{ids.THEME_SWITCH}']").is_displayed()
    screenshot("h2-light-phone")
    assert dash_duo.get_logs() == []


def test_every_tab_in_dark(dash_duo, make_app, screenshot):
    """Each tab renders in the dark theme, its charts dark and without console errors (screenshots
    tests/artifacts/h2-dark-<tab>.png at 1440x900)."""
    system_prefers(dash_duo, "dark")
    open_app(dash_duo, make_app())
    dash_duo.driver.set_window_size(1440, 900)
    wait_for_paper(dash_duo, ids.OVERVIEW_TREND_GRAPH, DARK_BACKGROUND)
    screenshot("h2-dark-overview")
    ActionChains(dash_duo.driver).move_to_element(dash_duo.find_element(f"#{ids.KPI_ROAS}-card")).perform()
    dash_duo.wait_for_element(".tooltip.show", timeout=10)
    screenshot("h2-dark-tooltip")
    dash_duo.driver.execute_script(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'center'})", ids.OVERVIEW_TREND_GRAPH
    )
    drag = dash_duo.find_element(f"#{ids.OVERVIEW_TREND_GRAPH} .nsewdrag")
    ActionChains(dash_duo.driver).move_to_element(drag).perform()
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_TREND_GRAPH} .hoverlayer > *", timeout=10)
    screenshot("h2-dark-chart-hover")
    dash_duo.driver.set_window_size(1440, 3200)
    screenshot("h2-dark-overview-full")
    dash_duo.driver.set_window_size(1440, 900)
    for label, tab_id, ready in TAB_READY:
        open_tab(dash_duo, label)
        dash_duo.wait_for_element(ready, timeout=LOAD_TIMEOUT)
        until(lambda: all_charts_dark(dash_duo), LOAD_TIMEOUT)
        screenshot(f"h2-dark-{tab_id}")
        dash_duo.driver.set_window_size(1440, 3200)  # the whole tab
        screenshot(f"h2-dark-{tab_id}-full")
        dash_duo.driver.set_window_size(1440, 900)
        if label == "Influencers":  # the detail card's charts, drawn on a click
            cell = dash_duo.find_element(f"#{ids.INFLUENCER_TABLE} .ag-center-cols-container .ag-cell")
            dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
            cell.click()
            dash_duo.wait_for_element(f"#{ids.INFLUENCER_DETAIL} .js-plotly-plot", timeout=LOAD_TIMEOUT)
            until(lambda: all_charts_dark(dash_duo), LOAD_TIMEOUT)
            dash_duo.driver.execute_script(
                "document.getElementById(arguments[0]).scrollIntoView()", ids.INFLUENCER_DETAIL
            )
            screenshot("h2-dark-influencer-detail")
        if label == "Payouts":  # a highlighted ledger row keeps light text on a dark background
            row = dash_duo.driver.execute_script(FLAGGED_ROW, f"#{ids.PAYOUT_TABLE}")
            assert row is not None and luminance(row) < 100, row
    assert dash_duo.get_logs() == []
