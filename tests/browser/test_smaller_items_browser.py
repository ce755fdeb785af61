"""Download names carrying the view's period.

Run with ``pytest --headless``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from dash.testing.wait import until

from layouts import ids
from metrics.filters import Filters
from tests.browser.test_app_browser import (
    cli_export,
    library_kpis,
    open_app,
    wait_for_kpi,
)

pytestmark = pytest.mark.browser


def test_csv_download_is_named_with_the_sidebar_period(dash_duo, make_app, demo_dir, demo_dataset, tmp_path):
    """With dates set, export-campaigns saves campaigns_<start>_<end>.csv holding the CLI's bytes."""
    start, end = "2025-05-01", "2025-07-31"
    out = cli_export(demo_dir, tmp_path / "cli", "--start", start, "--end", end, "--model", "linear")
    open_app(dash_duo, make_app(), f"/?{urlencode({'start': start, 'end': end, 'model': 'linear'})}")
    expected = library_kpis(demo_dataset, Filters.make(start=start, end=end), "linear")
    wait_for_kpi(dash_duo, ids.KPI_REVENUE, "revenue", expected["revenue"])
    dash_duo.find_element(f"#{ids.EXPORT['campaigns']}").click()
    downloaded = Path(dash_duo.download_path) / f"campaigns_{start}_{end}.csv"
    until(lambda: downloaded.exists() and downloaded.stat().st_size > 0, 20)
    assert downloaded.read_bytes() == (out / "campaigns.csv").read_bytes()
    assert [path.name for path in Path(dash_duo.download_path).iterdir()] == [downloaded.name]
    assert dash_duo.get_logs() == []
