"""A tab's first screen is answered before its slower panels are asked for; those panels still fill in.

The requests are observed in the page by the first-visit benchmark's probe (``benchmarks.first_visit``),
installed before the page loads: it notes when each ``/_dash-update-component`` request starts and ends.
Only the order is asserted, never a duration.
"""

from __future__ import annotations

import pytest
from dash.testing.wait import until

from benchmarks.first_visit import PROBE
from layouts import ids
from tests.browser.test_app_browser import LOAD_TIMEOUT, open_app, open_tab

pytestmark = pytest.mark.browser

# Per tab: the first screen's own output, then a panel below it and the element showing it filled in.
TABS = (
    (
        "Campaigns",
        f"{ids.CAMPAIGNS_FIRST_SCREEN}.data",
        f"{ids.CAMPAIGN_COMPARE_GRAPH}.figure",
        f"#{ids.CAMPAIGN_COMPARE_GRAPH} .main-svg",
    ),
    ("ROI", f"{ids.ROI_GRAPH}.figure", f"{ids.IROAS_WRAP}.style", f"#{ids.IROAS_CAMPAIGN_GRAPH} .main-svg"),
    (
        "Influencers",
        f"{ids.INFLUENCER_MATRIX_GRAPH}.figure",
        f"{ids.INFLUENCER_TABLE}.rowData",
        f"#{ids.INFLUENCER_TABLE} .ag-row",
    ),
    ("Payouts", f"{ids.PAYOUT_TABLE}.rowData", f"{ids.BUDGET_TABLE}.rowData", f"#{ids.BUDGET_TABLE} .ag-row"),
)


def requests_since(dash_duo, since: float) -> list[dict]:
    """Return the callback requests the probe saw start after page time ``since``."""
    return dash_duo.driver.execute_script(
        "return window.__firstVisit.log.filter((entry) => entry.start >= arguments[0]);", since
    )


def test_first_screen_answers_before_slower_panels(dash_duo, make_app, screenshot):
    """On each tab's first visit the panels below are requested only after the first screen answered."""
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    open_app(dash_duo, make_app())
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    for label, first, later, filled in TABS:
        since = dash_duo.driver.execute_script("return performance.now();")
        open_tab(dash_duo, label)
        dash_duo.wait_for_element(filled, timeout=LOAD_TIMEOUT)
        until(
            lambda since=since: all(entry["end"] is not None for entry in requests_since(dash_duo, since)),
            LOAD_TIMEOUT,
        )
        screenshot(f"h7-first-screen-{label.lower()}")
        log = requests_since(dash_duo, since)
        first_screen = [entry for entry in log if first in entry["output"]]
        below = [entry for entry in log if later in entry["output"]]
        assert len(first_screen) == 1, (label, [entry["output"] for entry in log])
        assert len(below) == 1, (label, [entry["output"] for entry in log])
        assert below[0]["start"] >= first_screen[0]["end"], (label, first_screen, below)
    assert dash_duo.get_logs() == []
