"""The Influencers and Payouts tabs in a real browser: they render cleanly and download the CLI's files.

Their grids keep the user's sort and column filter across sidebar changes, and without data each panel
shows its note. Run with ``pytest --headless``. Screenshots land in tests/artifacts/
(tab-influencers-detail, tab-payouts-budget, payouts-budget-panel, tab-influencers-no-data,
tab-payouts-no-data).
"""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait
from test_app_browser import downloaded

from layouts import ids
from metrics.__main__ import main as cli_main

pytestmark = pytest.mark.browser

WIDE = (1440, 1000)
LOAD_TIMEOUT = 30


def open_tab(dash_duo, app, label: str) -> None:
    """Start ``app`` on the demo data in a wide window and open the tab labelled ``label``."""
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(*WIDE)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    dash_duo.driver.find_element(By.XPATH, f"//*[@role='tab' and normalize-space()='{label}']").click()


def click(dash_duo, element) -> None:
    """Scroll ``element`` to the middle of the window and click it, once the layout has settled."""

    def scrolled_click(driver) -> bool:
        # A grid or chart still sizing itself may cover the element for a moment; retry until it is clickable.
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        try:
            element.click()
        except ElementClickInterceptedException:
            return False
        return True

    WebDriverWait(dash_duo.driver, 10, poll_frequency=0.25).until(scrolled_click)


def full_page(dash_duo) -> None:
    """Grow the window to the page's height, so a screenshot holds the whole tab."""
    height = dash_duo.driver.execute_script("return document.documentElement.scrollHeight")
    dash_duo.driver.set_window_size(WIDE[0], min(int(height) + 150, 6000))


def test_influencer_row_opens_detail_and_export_matches_cli(
    dash_duo, make_app, demo_dir, demo_dataset, tmp_path, screenshot
):
    """Clicking a row shows that influencer's detail panel; export-influencers equals the CLI's file."""
    assert cli_main(["export", "--data", str(demo_dir), "--out", str(tmp_path / "cli")]) == 0
    open_tab(dash_duo, make_app(), "Influencers")
    first_name = dash_duo.wait_for_element(
        f"#{ids.INFLUENCER_TABLE} .ag-center-cols-container .ag-row[row-index='0']", timeout=LOAD_TIMEOUT
    )
    row_id = first_name.get_attribute("row-id")
    dash_duo.wait_for_element(f"#{ids.INFLUENCER_MATRIX} .js-plotly-plot", timeout=LOAD_TIMEOUT)
    screenshot("tab-influencers")
    cell = first_name.find_element(By.CSS_SELECTOR, ".ag-cell")
    click(dash_duo, cell)
    dash_duo.wait_for_contains_text(f"#{ids.INFLUENCER_DETAIL}", row_id, timeout=LOAD_TIMEOUT)
    links = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.INFLUENCER_DETAIL} a[href]")
    assert links and all(
        a.get_attribute("target") == "_blank" and a.get_attribute("rel") == "noopener noreferrer"
        for a in links
    )
    full_page(dash_duo)
    screenshot("tab-influencers-detail")
    click(dash_duo, dash_duo.find_element(f"#{ids.EXPORT['influencers']}"))
    assert (
        downloaded(dash_duo, "influencers", demo_dataset)
        == (tmp_path / "cli" / "influencers.csv").read_bytes()
    )
    assert dash_duo.get_logs() == []


def test_budget_export_matches_cli_budget(dash_duo, make_app, demo_dir, demo_dataset, tmp_path, screenshot):
    """With a typed total N, export-budget downloads the CLI's budget.csv for ``--budget N``."""
    total = "1500000"
    assert (
        cli_main(["export", "--data", str(demo_dir), "--out", str(tmp_path / "cli"), "--budget", total]) == 0
    )
    open_tab(dash_duo, make_app(), "Payouts")
    dash_duo.wait_for_element(f"#{ids.PAYOUT_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    dash_duo.wait_for_element(f"#{ids.BUDGET_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    box = dash_duo.find_element(f"#{ids.BUDGET_TOTAL}")
    box.send_keys(total, Keys.ENTER)
    dash_duo.wait_for_contains_text(f"#{ids.BUDGET_BODY}", "₹15,00,000", timeout=LOAD_TIMEOUT)
    screenshot("tab-payouts")
    click(dash_duo, dash_duo.find_element(f"#{ids.EXPORT['budget']}"))
    assert downloaded(dash_duo, "budget", demo_dataset) == (tmp_path / "cli" / "budget.csv").read_bytes()
    click(dash_duo, dash_duo.find_element(f"#{ids.EXPORT['budget_fit']}"))
    assert (
        downloaded(dash_duo, "budget_fit", demo_dataset) == (tmp_path / "cli" / "budget_fit.csv").read_bytes()
    )
    # Diminishing returns in words, with the points fitted; the maths (b, its interval) in the tooltip.
    fit = dash_duo.find_element(f"#{ids.BUDGET_FIT}")
    assert fit.text.startswith("Each extra rupee earns a little less than the one before; fitted from ")
    assert "influencer-periods" in fit.text and "b = " not in fit.text
    assert "log-log" in fit.get_attribute("title") and "95% interval" in fit.get_attribute("title")
    full_page(dash_duo)
    page = screenshot("tab-payouts-budget")
    panel = fit.find_element(By.XPATH, "./ancestor::div[contains(@class, 'card')][1]")
    panel.screenshot(str(page.parent / "payouts-budget-panel.png"))
    assert dash_duo.get_logs() == []


SVG_HEIGHT = (
    "var svg = document.querySelector(arguments[0]); return svg ? svg.getBoundingClientRect().height : 0;"
)


def test_budget_panel_says_plainly_when_the_curve_cannot_be_fitted(dash_duo, make_app, screenshot):
    """Two weeks of the demo hold too few influencer-periods: the panel says so and uses the usual 0.6."""
    dash_duo.start_server(make_app())
    dash_duo.driver.set_window_size(*WIDE)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    dash_duo.driver.get(f"{dash_duo.server_url}/?start=2025-09-15&end=2025-09-30&tab=payouts")
    dash_duo.wait_for_contains_text(f"#{ids.BUDGET_FIT}", "too few influencer-periods", timeout=LOAD_TIMEOUT)
    fit = dash_duo.find_element(f"#{ids.BUDGET_FIT}")
    assert fit.text.startswith(
        "Each extra rupee is taken to earn a little less than the one before, at the usual rate: the "
        "history holds too few influencer-periods to measure it ("
    )
    assert fit.text.endswith(", 30 needed).")
    assert fit.get_attribute("title").endswith("influencer-periods, 30 needed): using the usual 0.6.")
    full_page(dash_duo)
    # The biggest-shifts chart is drawn at its height (after the window grew), not left at the hidden
    # wrapper's zero height.
    svg = f"#{ids.BUDGET_SHIFTS_GRAPH} .main-svg"
    until(lambda: dash_duo.driver.execute_script(SVG_HEIGHT, svg) >= 260, LOAD_TIMEOUT)
    page = screenshot("tab-payouts-budget-prior")
    panel = fit.find_element(By.XPATH, "./ancestor::div[contains(@class, 'card')][1]")
    panel.screenshot(str(page.parent / "payouts-budget-panel-prior.png"))
    assert dash_duo.get_logs() == []


def test_without_data_the_tabs_show_notes_not_empty_charts(dash_duo, make_app, screenshot):
    """No data: each panel of the Influencers and Payouts tabs shows its note; no grid or chart is visible."""
    dash_duo.start_server(make_app(AUTOLOAD_DEMO=False))
    dash_duo.driver.set_window_size(*WIDE)
    dash_duo.wait_for_contains_text(f"#{ids.KPI_ROW}", "No data loaded yet", timeout=LOAD_TIMEOUT)
    for label, notes, hidden in (
        (
            "Influencers",
            (ids.INFLUENCER_MATRIX_EMPTY, ids.INFLUENCER_BODY, ids.PERSONA_EMPTY),
            (ids.INFLUENCER_MATRIX_WRAP, ids.INFLUENCER_TABLE_WRAP, ids.PERSONA_WRAP),
        ),
        (
            "Payouts",
            (ids.PAYOUT_EMPTY, ids.PAYOUT_SPEND_EMPTY, ids.BUDGET_EMPTY),
            (ids.PAYOUT_WRAP, ids.PAYOUT_SPEND_WRAP, ids.BUDGET_WRAP),
        ),
    ):
        dash_duo.driver.find_element(By.XPATH, f"//*[@role='tab' and normalize-space()='{label}']").click()
        for note in notes:
            dash_duo.wait_for_contains_text(f"#{note}", "load data in the Data tab", timeout=LOAD_TIMEOUT)
        for wrap in hidden:
            assert dash_duo.find_element(f"#{wrap}").size["height"] == 0, wrap
        full_page(dash_duo)
        screenshot(f"tab-{label.lower()}-no-data")
        dash_duo.driver.set_window_size(*WIDE)
    assert dash_duo.get_logs() == []


SORT_BY = """
dash_ag_grid.getApi(arguments[0]).applyColumnState(
    {state: [{colId: arguments[1], sort: "asc"}], defaultState: {sort: null}}
);
"""


def test_grids_keep_their_sort_and_filter_across_sidebar_changes(dash_duo, make_app, demo_dataset):
    """
    Sorted and column-filtered, the influencer grid shows the linear model's rows the same way, and the
    payout ledger (rebuilt on every change before it was declared in the layout) one platform's rows.
    """
    from test_grid_state_browser import SET_FILTER, grid_state

    from metrics import tables
    from metrics.filters import Filters, Options
    from metrics.view import View

    last_touch = tables.influencer_table(View(demo_dataset))
    linear = tables.influencer_table(View(demo_dataset, Filters(), Options(model="linear")))
    threshold = float(last_touch["spend"].median())
    expected = linear[linear["spend"] > threshold]
    assert 0 < len(expected) < len(linear)  # the filter keeps some rows and drops some
    assert not linear["revenue"].equals(last_touch["revenue"])  # the model change brings new rows

    open_tab(dash_duo, make_app(), "Influencers")
    dash_duo.wait_for_element(f"#{ids.INFLUENCER_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    # The revenue column is beyond the grid's visible width (its header not drawn): sort as a header click does.
    dash_duo.driver.execute_script(SORT_BY, ids.INFLUENCER_TABLE, "revenue")
    dash_duo.driver.execute_script(SET_FILTER, ids.INFLUENCER_TABLE, "spend", threshold)
    until(lambda: grid_state(dash_duo, ids.INFLUENCER_TABLE)["total"] == len(expected), LOAD_TIMEOUT)

    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_MODEL}", value="Linear")
    dash_duo.wait_for_contains_text(f"#{ids.INFLUENCER_BODY}", "Attribution model: Linear", LOAD_TIMEOUT)
    wanted = sorted(expected["revenue"].round(6))

    def linear_rows_shown() -> bool:
        shown = grid_state(dash_duo, ids.INFLUENCER_TABLE)["shown"]
        return [round(row["revenue"], 6) for row in shown] == wanted

    until(linear_rows_shown, LOAD_TIMEOUT)  # the new model's revenue, still filtered and sorted
    state = grid_state(dash_duo, ids.INFLUENCER_TABLE)
    assert {row["influencer_id"] for row in state["shown"]} == set(expected["influencer_id"])
    assert state["sort"] == [["revenue", "asc"]]
    assert state["filter"] == {"spend": {"filterType": "number", "type": "greaterThan", "filter": threshold}}

    # The payout ledger, declared in the layout too, keeps its sort and filter when a platform is picked.
    from metrics.payouts import payout_ledger

    everyone = payout_ledger(View(demo_dataset))
    instagram = payout_ledger(View(demo_dataset, Filters.make(platforms=["Instagram"])))
    cut = float(everyone["computed_payout"].median())
    kept = instagram[instagram["computed_payout"] > cut]
    assert 0 < len(kept) < len(instagram) < len(everyone)
    dash_duo.driver.find_element(By.XPATH, "//*[@role='tab' and normalize-space()='Payouts']").click()
    dash_duo.wait_for_element(f"#{ids.PAYOUT_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    dash_duo.driver.execute_script(SORT_BY, ids.PAYOUT_TABLE, "total_payout")
    dash_duo.driver.execute_script(SET_FILTER, ids.PAYOUT_TABLE, "computed_payout", cut)
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_PLATFORM}", value="Instagram")
    dash_duo.wait_for_contains_text(f"#{ids.PAYOUT_SUMMARY}", f"{len(instagram):,} influencers", LOAD_TIMEOUT)
    until(lambda: grid_state(dash_duo, ids.PAYOUT_TABLE)["total"] == len(kept), LOAD_TIMEOUT)
    state = grid_state(dash_duo, ids.PAYOUT_TABLE)
    assert {row["influencer_id"] for row in state["shown"]} == set(kept["influencer_id"])
    assert [row["total_payout"] for row in state["shown"]] == sorted(kept["total_payout"])
    assert state["sort"] == [["total_payout", "asc"]]
    assert dash_duo.get_logs() == []
