"""No chart offers a way to send campaign data off the server (an internal tool)."""

from __future__ import annotations

from dash.testing.wait import until

from tests.browser.test_app_browser import LOAD_TIMEOUT, open_app

TABS = ("Overview", "Campaigns", "ROI", "Influencers", "Payouts")
# What plotly's mode bar would otherwise offer: its upload to Plotly Cloud ("Share chart") and logo link.
MODE_BAR = """
return Array.from(document.querySelectorAll('.js-plotly-plot .modebar')).map(bar => ({
    titles: Array.from(bar.querySelectorAll('.modebar-btn'), b => b.getAttribute('data-title') || ''),
    links: Array.from(bar.querySelectorAll('a[href]'), a => a.href),
}));
"""

OPEN_TAB = """
Array.from(document.querySelectorAll('[role=tab]')).find(t => t.textContent.trim() === arguments[0]).click();
"""


def test_no_chart_can_share_or_link_out(dash_duo, make_app):
    """Every tab's charts have a mode bar with a download button, and none shares, uploads or links out."""
    open_app(dash_duo, make_app())
    for tab in TABS:
        # A click by script: a KPI card's tooltip may lie over the tab bar, and clicks are not what is tested.
        dash_duo.driver.execute_script(OPEN_TAB, tab)
        until(lambda: dash_duo.driver.execute_script(MODE_BAR), LOAD_TIMEOUT)
        bars = dash_duo.driver.execute_script(MODE_BAR)
        assert all(any("png" in title.lower() for title in bar["titles"]) for bar in bars), (tab, bars)
        for bar in bars:
            assert not bar["links"], (tab, bar)
            assert not [t for t in bar["titles"] if any(w in t.lower() for w in ("share", "cloud", "studio"))]
