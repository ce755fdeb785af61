"""The dashboard in a real browser: it shows exactly what the library and the CLI compute.

Run with ``pytest --headless``. Each test checks one behaviour; none sleeps (``wait_for_*`` and
``until`` poll). Screenshots of every tab land in tests/artifacts/.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from layouts import ids
from metrics import formats, ingest, kpis, tables
from metrics.__main__ import main as cli_main
from metrics.dataset import FILES
from metrics.filters import Filters, Options
from metrics.view import View
from store import results as app_cache

pytestmark = pytest.mark.browser

WIDE = (1440, 1000)
LOAD_TIMEOUT = 30


def library_kpis(dataset, filters: Filters | None = None, model: str = "last_touch") -> dict:
    """Return the library's KPI row for a view of ``dataset``."""
    return kpis.kpi_table(View(dataset, filters or Filters(), Options(model=model))).iloc[0].to_dict()


def cli_export(data_dir: Path, out_dir: Path, *options: str) -> Path:
    """Run ``python -m metrics export`` in-process and return its output folder."""
    assert cli_main(["export", "--data", str(data_dir), "--out", str(out_dir), *options]) == 0
    return out_dir


def open_app(dash_duo, app, path: str = "/") -> None:
    """Start ``app``, open ``path`` in a wide window."""
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(*WIDE)
    if path != "/":
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")


def wait_for_kpi(dash_duo, card_id: str, column: str, value: float) -> None:
    """Wait until a KPI card shows ``value`` as the card formats it, and check its exact data-value."""
    dash_duo.wait_for_text_to_equal(f"#{card_id}", formats.format_kpi(column, value), timeout=LOAD_TIMEOUT)
    assert float(dash_duo.find_element(f"#{card_id}").get_attribute("data-value")) == value


def open_tab(dash_duo, label: str) -> None:
    """Click a tab by its role and visible label (dbc.Tabs renders the tab_id on no element)."""
    dash_duo.driver.find_element(By.XPATH, f"//*[@role='tab' and normalize-space()='{label}']").click()


def upload(dash_duo, name: str, path: Path) -> None:
    """Send a file to one of the Data tab's upload areas."""
    dash_duo.wait_for_element(f"#{ids.UPLOAD[name]} input", timeout=LOAD_TIMEOUT).send_keys(str(path))


def downloaded(dash_duo, stem: str, dataset) -> bytes:
    """Wait for export ``stem``'s CSV, named with ``dataset``'s first and last day, and return its bytes."""
    first, last = (day.date().isoformat() for day in dataset.date_range)
    path = Path(dash_duo.download_path) / f"{stem}_{first}_{last}.csv"
    until(lambda: path.exists() and path.stat().st_size > 0, 20)
    return path.read_bytes()


def first_campaign(dataset) -> str:
    """Return the alphabetically first campaign of the tracking data."""
    return sorted(dataset.tracking["campaign"].dropna().unique())[0]


def test_demo_revenue_matches_library(dash_duo, make_app, demo_dataset, screenshot):
    """A new session opens on the demo and shows the library's revenue and ROAS, formatted and unrounded."""
    expected = library_kpis(demo_dataset)
    open_app(dash_duo, make_app())
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])
    wait_for_kpi(dash_duo, ids.KPI_ROAS, "roas", expected["roas"])
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data")
    until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")) >= 3, 20)
    screenshot("tab-overview")
    dash_duo.driver.set_window_size(WIDE[0], 1500)  # the whole tab, bar charts included
    screenshot("tab-overview-full")
    assert dash_duo.get_logs() == []


# Each tab after the Overview: its label, its id and an element that is there once it has drawn.
TAB_READY = (
    ("Campaigns", ids.TAB_CAMPAIGNS, f"#{ids.CAMPAIGN_TABLE} .ag-row"),
    ("ROI", ids.TAB_ROI, f"#{ids.ROI_TABLE} .ag-row"),
    ("Influencers", ids.TAB_INFLUENCERS, f"#{ids.INFLUENCER_TABLE} .ag-row"),
    ("Payouts", ids.TAB_PAYOUTS, f"#{ids.PAYOUT_TABLE} .ag-row"),
    ("Data", ids.TAB_DATA, f"#{ids.QUALITY_TABLE} .ag-row"),
)


def test_every_tab_renders(dash_duo, make_app, screenshot):
    """Each tab renders its table or report without console errors (screenshots in tests/artifacts/)."""
    open_app(dash_duo, make_app())
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    for label, tab_id, ready in TAB_READY:
        open_tab(dash_duo, label)
        dash_duo.wait_for_element(ready, timeout=LOAD_TIMEOUT)
        screenshot(tab_id)
    dash_duo.wait_for_contains_text(f"#{ids.STATUS['tracking']}", "rows loaded from the demo")
    dash_duo.driver.set_window_size(420, 900)  # a phone: the filters open from the top bar's button
    dash_duo.wait_for_element(f"#{ids.SIDEBAR_TOGGLE}").click()
    dash_duo.wait_for_element(f"#{ids.SIDEBAR_OFFCANVAS}.show")
    screenshot("narrow-filters-open")
    assert dash_duo.get_logs() == []


def test_upload_of_four_files_sets_kpis(dash_duo, make_app, demo_dir, demo_dataset, screenshot):
    """Starting empty, uploading the four demo CSVs shows the library's KPIs for them."""
    expected = library_kpis(demo_dataset)
    open_app(dash_duo, make_app(AUTOLOAD_DEMO=False))
    dash_duo.wait_for_contains_text(f"#{ids.KPI_ROW}", "No data loaded yet", timeout=LOAD_TIMEOUT)
    screenshot("empty-state")
    open_tab(dash_duo, "Data")
    for name in FILES:
        upload(dash_duo, name, demo_dir / f"{name}.csv")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])
    wait_for_kpi(dash_duo, ids.KPI_SPEND, "spend", expected["spend"])
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Uploaded data")
    dash_duo.wait_for_contains_text(f"#{ids.STATUS['tracking']}", "rows loaded from tracking.csv")
    screenshot("data-after-upload")
    assert dash_duo.get_logs() == []


def test_rejected_file_keeps_earlier_data(dash_duo, make_app, csv_copy, demo_dataset):
    """A tracking file without its revenue column is rejected with its message; the demo stays in use."""
    expected = library_kpis(demo_dataset)
    broken = csv_copy("tracking", lambda text: text.replace(",revenue", ",amount_paid", 1))
    open_app(dash_duo, make_app())
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])
    open_tab(dash_duo, "Data")
    upload(dash_duo, "tracking", broken)
    dash_duo.wait_for_contains_text(f"#{ids.UPLOAD_MESSAGE}", "revenue", timeout=LOAD_TIMEOUT)
    message = dash_duo.find_element(f"#{ids.UPLOAD_MESSAGE}").text
    assert "tracking" in message and "stays in use" in message
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data")
    assert dash_duo.get_logs() == []


def test_over_limit_upload_says_so(dash_duo, make_app, demo_dir):
    """A file over MAX_UPLOAD_MB gets a message naming the limit, and nothing is read."""
    open_app(dash_duo, make_app(MAX_UPLOAD_MB=0.01))
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    open_tab(dash_duo, "Data")
    upload(dash_duo, "posts", demo_dir / "posts.csv")
    dash_duo.wait_for_contains_text(f"#{ids.UPLOAD_MESSAGE}", "over the 0.01 MB upload limit")
    dash_duo.wait_for_contains_text(f"#{ids.STATUS['posts']}", "rows loaded from the demo")
    assert dash_duo.get_logs() == []


def test_filter_change_matches_cli(dash_duo, make_app, demo_dir, demo_dataset, tmp_path):
    """Choosing a campaign shows the KPIs the CLI exports for --campaign."""
    campaign = first_campaign(demo_dataset)
    out = cli_export(demo_dir, tmp_path / "cli", "--campaign", campaign)
    expected = pd.read_csv(out / "kpis.csv").iloc[0]
    open_app(dash_duo, make_app())
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_CAMPAIGN}", value=campaign)
    dash_duo.find_element("body").send_keys(Keys.ESCAPE)
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", float(expected["revenue"]))
    wait_for_kpi(dash_duo, ids.KPI_SPEND, "spend", float(expected["spend"]))
    until(lambda: "campaign=" in dash_duo.driver.current_url, 10)
    assert dash_duo.get_logs() == []


def test_export_button_downloads_cli_file(dash_duo, make_app, demo_dir, demo_dataset, tmp_path):
    """export-campaigns downloads the bytes the CLI writes for the same filters and model, named with the period."""
    campaign = first_campaign(demo_dataset)
    out = cli_export(demo_dir, tmp_path / "cli", "--campaign", campaign, "--model", "linear")
    query = urlencode({"campaign": campaign, "model": "linear"})
    open_app(dash_duo, make_app(), f"/?{query}")
    expected = pd.read_csv(out / "kpis.csv").iloc[0]
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", float(expected["revenue"]))
    dash_duo.find_element(f"#{ids.EXPORT['campaigns']}").click()
    # No date filter: the data's own first and last day name the file (a campaign does not narrow them).
    assert downloaded(dash_duo, "campaigns", demo_dataset) == (out / "campaigns.csv").read_bytes()
    assert dash_duo.get_logs() == []


def test_url_restores_filters(dash_duo, make_app, demo_dataset):
    """A URL with filters, model and tab restores them: controls, KPIs and the open tab."""
    campaign = first_campaign(demo_dataset)
    platform = sorted(demo_dataset.influencers["platform"].unique())[0]
    filters = Filters.make(start="2025-05-01", end="2025-07-31", campaigns=[campaign], platforms=[platform])
    expected = library_kpis(demo_dataset, filters, "first_touch")
    query = urlencode(
        {"start": "2025-05-01", "end": "2025-07-31", "campaign": campaign, "platform": platform}
        | {"model": "first_touch", "tab": "campaigns"}
    )
    open_app(dash_duo, make_app(), f"/?{query}")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])
    dash_duo.wait_for_contains_text(f"#{ids.FILTER_CAMPAIGN}", campaign)
    dash_duo.wait_for_contains_text(f"#{ids.FILTER_PLATFORM}", platform)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_MODEL}", "First touch")
    dash_duo.wait_for_element(f"#{ids.CAMPAIGN_TABLE}")
    assert "tab=campaigns" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_empty_result_offers_reset(dash_duo, make_app, demo_dataset):
    """Filters matching nothing show "No rows match these filters — reset filters"; its button clears them."""
    end = (demo_dataset.date_range[0] + pd.Timedelta(days=2)).date().isoformat()
    quiet = [
        campaign
        for campaign in sorted(demo_dataset.tracking["campaign"].dropna().unique())
        if tables.trends(View(demo_dataset, Filters.make(end=end, campaigns=[campaign]))).empty
    ]
    assert quiet, "the demo has a campaign without activity in its first three days"
    open_app(dash_duo, make_app(), f"/?{urlencode({'end': end, 'campaign': quiet[0]})}")
    dash_duo.wait_for_contains_text(
        f"#{ids.OVERVIEW_TREND}", "No rows match these filters — reset filters", timeout=LOAD_TIMEOUT
    )
    reset = f"//*[@id='{ids.OVERVIEW_TREND}']//button[normalize-space()='Reset filters']"
    dash_duo.driver.find_element(By.XPATH, reset).click()
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset)["revenue"])
    until(lambda: "?" not in dash_duo.driver.current_url, 10)
    assert dash_duo.find_element(f"#{ids.FILTER_CAMPAIGN}").text.strip() in ("", "All")
    assert dash_duo.get_logs() == []


def test_sessions_are_isolated(dash_duo, make_app, csv_copy, demo_dir, demo_dataset, tmp_path):
    """An upload in one browser session leaves another session on its own data."""
    doubled = csv_copy("payouts", _double_payouts)
    changed_dir = tmp_path / "changed"
    shutil.copytree(demo_dir, changed_dir)
    shutil.copy(doubled, changed_dir / "payouts.csv")
    changed = library_kpis(ingest.read_dir(changed_dir))
    original = library_kpis(demo_dataset)
    assert changed["spend"] != original["spend"]

    open_app(dash_duo, make_app())
    wait_for_kpi(dash_duo, ids.KPI_SPEND, "spend", original["spend"])
    first = dash_duo.driver.current_window_handle
    dash_duo.driver.switch_to.new_window("tab")  # a fresh tab: its own session storage
    dash_duo.driver.get(dash_duo.server_url)
    second = dash_duo.driver.current_window_handle
    wait_for_kpi(dash_duo, ids.KPI_SPEND, "spend", original["spend"])

    dash_duo.driver.switch_to.window(first)
    open_tab(dash_duo, "Data")
    upload(dash_duo, "payouts", doubled)
    wait_for_kpi(dash_duo, ids.KPI_SPEND, "spend", changed["spend"])

    dash_duo.driver.switch_to.window(second)
    dash_duo.driver.refresh()
    wait_for_kpi(dash_duo, ids.KPI_SPEND, "spend", original["spend"])
    dash_duo.driver.switch_to.window(first)
    dash_duo.driver.refresh()  # a reload keeps the session's own (uploaded) data
    wait_for_kpi(dash_duo, ids.KPI_SPEND, "spend", changed["spend"])
    assert dash_duo.get_logs() == []


def _double_payouts(text: str) -> str:
    frame = pd.read_csv(pd.io.common.StringIO(text))
    frame["total_payout"] = frame["total_payout"] * 2
    return frame.to_csv(index=False)


def test_expired_data_says_so(dash_duo, make_app, demo_dataset, screenshot):
    """When the server no longer holds the session's data, the page asks for it again instead of showing numbers."""
    app = make_app()
    open_app(dash_duo, app)
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset)["revenue"])
    with app.server.app_context():
        app_cache.cache.clear()
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_MODEL}", value="Linear")
    dash_duo.wait_for_contains_text(
        f"#{ids.KPI_ROW}",
        "Your data expired — please upload it again (or load the demo)",
        timeout=LOAD_TIMEOUT,
    )
    screenshot("expired")
    dash_duo.driver.find_element(
        By.XPATH, f"//*[@id='{ids.KPI_ROW}']//button[normalize-space()='Load demo data']"
    ).click()
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset, model="linear")["revenue"])
    assert dash_duo.get_logs() == []


def test_kpi_cards_show_change_vs_named_period(dash_duo, make_app, demo_dataset, screenshot):
    """June (30 days) compares with 2–31 May: arrow and sign, ROI in points; the whole data has no earlier one."""
    june = library_kpis(demo_dataset, Filters.make(start="2025-06-01", end="2025-06-30"))
    may = library_kpis(demo_dataset, Filters.make(start="2025-05-02", end="2025-05-31"))
    open_app(dash_duo, make_app(), "/?start=2025-06-01&end=2025-06-30")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", june["revenue"])
    revenue_change = (june["revenue"] - may["revenue"]) / may["revenue"] * 100
    arrow = "▲" if revenue_change > 0 else "▼"
    expected = f"{arrow} {revenue_change:+.1f}% vs 2–31 May"
    dash_duo.wait_for_text_to_equal(f"#{ids.KPI_REVENUE}-card .kpi-footer", expected, timeout=LOAD_TIMEOUT)
    roi_points = (june["roi"] - may["roi"]) * 100
    roi_footer = dash_duo.find_element(f"#{ids.KPI_ROI}-card .kpi-footer").text
    assert roi_footer.endswith(f"{roi_points:+.1f} pp vs 2–31 May") and roi_footer[0] in "▲▼"
    assert dash_duo.find_elements(".kpi-no-previous") == []
    screenshot("kpi-change-june")

    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/")
    dash_duo.wait_for_contains_text(
        f"#{ids.KPI_ROW}", "no earlier period to compare with", timeout=LOAD_TIMEOUT
    )
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", library_kpis(demo_dataset)["revenue"])
    assert len(dash_duo.find_elements(".kpi-no-previous")) == 1
    assert dash_duo.find_elements(".kpi-change") == []
    screenshot("kpi-no-earlier-period")
    assert dash_duo.get_logs() == []
