"""The dashboard in a real browser: it shows exactly what the library computes.

Run with ``pytest --headless``. Each test checks one behaviour; none sleeps (``wait_for_*`` polls).
"""

from __future__ import annotations

import pytest

from layouts import ids
from metrics import formats, kpis
from metrics.filters import Filters, Options
from metrics.view import View

pytestmark = pytest.mark.browser


def library_kpis(dataset, filters: Filters | None = None, model: str = "last_touch") -> dict:
    """Return the library's KPI row for a view of ``dataset``."""
    return kpis.kpi_table(View(dataset, filters or Filters(), Options(model=model))).iloc[0].to_dict()


def test_demo_revenue_matches_library(dash_duo, make_app, demo_dataset, screenshot):
    """A new session opens on the demo and shows the library's revenue, formatted and unrounded."""
    expected = library_kpis(demo_dataset)
    dash_duo.start_server(make_app())
    dash_duo.wait_for_text_to_equal(f"#{ids.KPI_REVENUE}", formats.format_kpi("revenue", expected["revenue"]), timeout=20)
    shown = dash_duo.find_element(f"#{ids.KPI_REVENUE}").get_attribute("data-value")
    assert float(shown) == expected["revenue"]
    dash_duo.wait_for_text_to_equal(f"#{ids.KPI_ROAS}", formats.format_kpi("roas", expected["roas"]))
    screenshot("overview")
    assert dash_duo.get_logs() == []
