"""The Campaigns and ROI tabs in a real browser: they render cleanly, react, and export the CLI's bytes.

Run with ``pytest --headless``. Screenshots of both tabs land in tests/artifacts/.
"""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_app_browser import LOAD_TIMEOUT, cli_export, downloaded, open_app, open_tab

from layouts import ids
from metrics import incrementality, tables
from metrics.view import View

pytestmark = pytest.mark.browser

TALL = (1440, 4200)  # the whole tab in one screenshot


def graphs_drawn(dash_duo, count: int) -> bool:
    """Return whether ``count`` graphs show data (a graph declared in the layout is there, empty, before)."""
    drawn = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".filter(function (plot) { return plot.data && plot.data.length > 0; }).length;"
    )
    return drawn >= count


def first_row_iroas(dash_duo) -> float | None:
    """Return the iROAS held by the campaign grid's first row (None until the estimate arrives)."""
    return dash_duo.driver.execute_script(
        "var api = window.dash_ag_grid && dash_ag_grid.getApi(arguments[0]);"
        "var row = api && api.getDisplayedRowAtIndex(0);"
        "return row && row.data.iroas !== undefined ? row.data.iroas : null;",
        ids.CAMPAIGN_TABLE,
    )


def campaign_returns_of(dataset):
    """Return the library's campaign table with its incrementality columns."""
    view = View(dataset)
    return incrementality.add_iroas(tables.campaign_table(view), view, "campaign")


def test_campaigns_tab_compares_picked_campaigns(dash_duo, make_app, demo_dataset, screenshot):
    """The Campaigns tab renders its table, trends and comparison; picking a third campaign adds a column."""
    names = tables.campaign_table(View(demo_dataset))["campaign"].tolist()
    open_app(dash_duo, make_app(), "/?tab=campaigns")
    dash_duo.driver.set_window_size(*TALL)
    dash_duo.wait_for_element(f"#{ids.CAMPAIGN_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.CAMPAIGN_COMPARE_TABLE} thead", names[1], timeout=LOAD_TIMEOUT)
    until(lambda: graphs_drawn(dash_duo, 2), LOAD_TIMEOUT)
    expected_iroas = campaign_returns_of(demo_dataset).iloc[0]["iroas"]
    until(lambda: first_row_iroas(dash_duo) == expected_iroas, LOAD_TIMEOUT)  # filled after the first paint
    dash_duo.select_dcc_dropdown(f"#{ids.CAMPAIGN_COMPARE}", value=names[2])
    dash_duo.find_element("body").send_keys(Keys.ESCAPE)
    dash_duo.wait_for_contains_text(f"#{ids.CAMPAIGN_COMPARE_TABLE} thead", names[2], timeout=LOAD_TIMEOUT)
    headers = dash_duo.find_elements(f"#{ids.CAMPAIGN_COMPARE_TABLE} thead th")
    assert [header.text for header in headers] == ["Metric", *names[:3]]
    screenshot("tab-campaigns-full")
    assert dash_duo.get_logs() == []


def test_roi_tab_exports_markov_at_the_chosen_grouping(
    dash_duo, make_app, demo_dir, demo_dataset, tmp_path, screenshot
):
    """The ROI tab renders every panel; export-attribution_markov follows the panel's grouping, as the CLI."""
    out = cli_export(demo_dir, tmp_path / "cli", "--markov-by", "campaign")
    open_app(dash_duo, make_app(), "/?tab=roi")
    dash_duo.driver.set_window_size(*TALL)
    dash_duo.wait_for_element(f"#{ids.ROI_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    dash_duo.wait_for_element(f"#{ids.ATTRIBUTION_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    until(lambda: graphs_drawn(dash_duo, 6), LOAD_TIMEOUT)
    screenshot("tab-roi-full")
    dash_duo.driver.find_element(
        By.XPATH, f"//*[@id='{ids.MARKOV_BY}']//label[normalize-space()='Campaign']"
    ).click()
    dash_duo.wait_for_contains_text(f"#{ids.MARKOV_TABLE}", "campaign", timeout=LOAD_TIMEOUT)
    button = dash_duo.find_element(f"#{ids.EXPORT['attribution_markov']}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    markov = downloaded(dash_duo, "attribution_markov", demo_dataset)
    assert markov == (out / "attribution_markov.csv").read_bytes()
    open_tab(dash_duo, "ROI")  # still there: the tab did not change
    assert dash_duo.get_logs() == []
