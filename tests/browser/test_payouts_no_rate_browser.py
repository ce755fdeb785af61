"""The Payouts tab in a real browser: payouts without a rate are flagged, with their note, never ok.

Run with ``pytest --headless``. The screenshot lands in tests/artifacts/ (payouts-ledger-no-rate).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from test_influencers_payouts import LOAD_TIMEOUT, open_tab

from layouts import ids
from metrics.payouts import NO_RATE_NOTE
from store import datasets

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def test_ledger_shows_payouts_without_a_rate_as_unchecked(
    dash_duo, make_app, demo_dir, tmp_path, monkeypatch
):
    # The demo with the rate of the first three influencers' payout rows left empty.
    folder = tmp_path / "no-rate"
    shutil.copytree(demo_dir, folder)
    payouts = pd.read_csv(folder / "payouts.csv", dtype={"influencer_id": "string"})
    first = pd.read_csv(folder / "influencers.csv", dtype={"influencer_id": "string"})["influencer_id"][:3]
    blanked = payouts["influencer_id"].isin(first)
    assert blanked.sum() == 3
    payouts["rate"] = payouts["rate"].astype("float64").where(~blanked)
    payouts.to_csv(folder / "payouts.csv", index=False)
    monkeypatch.setattr(datasets, "DEMO_DIR", folder)

    open_tab(dash_duo, make_app(), "Payouts")
    dash_duo.wait_for_element(f"#{ids.PAYOUT_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    dash_duo.wait_for_contains_text(
        f"#{ids.PAYOUT_BODY}", "3 without a rate (cannot be checked)", LOAD_TIMEOUT
    )
    rows = dash_duo.driver.find_elements(
        By.CSS_SELECTOR, f"#{ids.PAYOUT_TABLE} .ag-center-cols-container .ag-row[row-index='0']"
    )
    assert rows and "no_rate" in rows[0].text and NO_RATE_NOTE in rows[0].text
    # Tinted like the other rows to act on (the style is set by status).
    tint = dash_duo.driver.execute_script(
        "var probe = document.createElement('div');"
        "probe.style.backgroundColor = 'var(--bs-info-bg-subtle)'; document.body.appendChild(probe);"
        "var colour = getComputedStyle(probe).backgroundColor; probe.remove(); return colour;"
    )
    assert tint not in ("", "rgba(0, 0, 0, 0)")
    assert rows[0].value_of_css_property("background-color") == tint.replace("rgb(", "rgba(").replace(
        ")", ", 1)"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.PAYOUT_BODY}").screenshot(
        str(ARTIFACTS / "payouts-ledger-no-rate.png")
    )
    assert dash_duo.get_logs() == []
