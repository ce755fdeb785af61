"""On a 390 px phone every tab fits the window: no sideways page scroll, legends clear of the mode bar,
chart labels inside their chart. Screenshots: tests/artifacts/h3-phone-<tab>.png (and -full, the whole tab)."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains

from layouts import ids
from tests.browser.test_app_browser import LOAD_TIMEOUT, open_app

pytestmark = pytest.mark.browser

PHONE = (390, 844)
# Each tab and what shows it has rendered (its table, or its charts for the Overview).
TABS = (
    ("Overview", ".js-plotly-plot .main-svg"),
    ("Campaigns", f"#{ids.CAMPAIGN_TABLE} .ag-row"),
    ("ROI", f"#{ids.ROI_TABLE} .ag-row"),
    ("Influencers", f"#{ids.INFLUENCER_TABLE} .ag-row"),
    ("Payouts", f"#{ids.PAYOUT_TABLE} .ag-row"),
    ("Data", f"#{ids.QUALITY_TABLE} .ag-row"),
)
OPEN_TAB = """
Array.from(document.querySelectorAll('[role=tab]')).find(t => t.textContent.trim() === arguments[0]).click();
"""
# Nothing pending: no Dash callback running and every chart drawn (the count is compared between two polls).
SETTLED = """
if (document.querySelector('[data-dash-is-loading="true"]')) return -1;
const graphs = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(g => g.getBoundingClientRect().width > 0);
if (graphs.some(g => !g.querySelector('.main-svg'))) return -1;
return graphs.length;
"""
# Elements whose right edge is past the window, leaving out what sits in a box that clips or scrolls it
# (a grid, a scrolling tab bar): that box is checked itself. The page clips its own overflow
# (`.app { overflow-x: clip }`), so the page's scrollWidth alone would hide a control cut off at the edge.
STICKING_OUT = """
const width = window.innerWidth, app = document.querySelector('.app'), found = [];
const clips = (el) => { for (let p = el.parentElement; p && p !== app; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
app.querySelectorAll('*').forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= width + 1) return;
    if (getComputedStyle(el).visibility === 'hidden' || clips(el)) return;
    found.push([el.tagName, el.id, String(el.className && el.className.baseVal !== undefined ?
        el.className.baseVal : el.className).slice(0, 60), Math.round(r.right)]);
});
return {scroll: document.documentElement.scrollWidth, inner: width, found: found.slice(0, 10)};
"""
# Each drawn chart: its box, its mode bar's, its legend's, and its tick labels'.
CHARTS = """
const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height}; };
return Array.from(document.querySelectorAll('.js-plotly-plot')).filter(g => g.getBoundingClientRect().width > 0)
  .map(g => {
    const legend = g.querySelector('g.legend'), bar = g.querySelector('.modebar');
    const graph = g.closest('.dash-graph');
    return {
        id: graph ? graph.id : '', graph: box(g), modebar: bar ? box(bar) : null,
        legend: legend && legend.getBoundingClientRect().height > 0 ? box(legend) : null,
        ticks: Array.from(g.querySelectorAll('.xaxislayer-above text, .yaxislayer-above text'))
            .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
            .map(t => ({text: t.textContent, ...box(t)})),
        // Axis titles and the values written at the bars' ends.
        labels: Array.from(g.querySelectorAll('.g-xtitle text, .g-ytitle text, .bartext'))
            .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
            .map(t => ({text: t.textContent, ...box(t)})),
    };
  });
"""


def intersect(a: dict, b: dict) -> bool:
    """Return whether two boxes overlap by more than a pixel each way."""
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
    )


def inside(inner: dict, outer: dict) -> bool:
    """Return whether ``inner`` lies within ``outer`` (a pixel of slack for anti-aliasing)."""
    return (
        inner["left"] >= outer["left"] - 1
        and inner["right"] <= outer["right"] + 1
        and inner["top"] >= outer["top"] - 1
        and inner["bottom"] <= outer["bottom"] + 1
    )


def settle(dash_duo) -> None:
    """Wait until no callback is running and the number of drawn charts held between two polls."""
    last = [None]

    def steady():
        count = dash_duo.driver.execute_script(SETTLED)
        stable = count >= 0 and count == last[0]
        last[0] = count
        return stable

    until(steady, LOAD_TIMEOUT, poll=0.5)


def emulate_phone(dash_duo, height: int = PHONE[1]) -> None:
    """Lay the page out as a phone does: 390 CSS px wide, scrollbars drawn over the page (none take width)."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE[0], "height": height, "deviceScaleFactor": 1, "mobile": True},
    )


def test_every_tab_fits_a_phone(dash_duo, make_app, screenshot):
    """At 390x844, on each tab: nothing is wider than the window (the top bar wraps, tables scroll in their
    own box), each legend is clear of its chart's mode bar, and every tick label, axis title and bar value
    lies inside its chart."""
    open_app(dash_duo, make_app())
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    emulate_phone(dash_duo)
    problems = []
    charts_seen = 0
    for tab, ready in TABS:
        # A click by script: a KPI tooltip may lie over the tab bar, and clicks are not what is tested.
        dash_duo.driver.execute_script(OPEN_TAB, tab)
        dash_duo.wait_for_element(ready, timeout=LOAD_TIMEOUT)
        settle(dash_duo)
        width = dash_duo.driver.execute_script(STICKING_OUT)
        if width["scroll"] > width["inner"] or width["found"]:
            problems.append((tab, "wider than the window", width))
        for chart in dash_duo.driver.execute_script(CHARTS):
            charts_seen += 1
            where = (tab, chart["id"])
            if chart["modebar"] is None:
                problems.append((*where, "no mode bar"))
            elif chart["legend"] and intersect(chart["legend"], chart["modebar"]):
                problems.append((*where, "legend under the mode bar", chart["legend"], chart["modebar"]))
            if chart["legend"] and not inside(chart["legend"], chart["graph"]):
                problems.append((*where, "legend outside the chart", chart["legend"], chart["graph"]))
            clipped = [tick["text"] for tick in chart["ticks"] if not inside(tick, chart["graph"])]
            if clipped:
                problems.append((*where, "tick labels cut off", clipped[:5]))
            clipped = [label["text"] for label in chart["labels"] if not inside(label, chart["graph"])]
            if clipped:
                problems.append((*where, "axis titles or bar values cut off", clipped[:5]))
        # The mode bar shows on hover: the screenshot shows it over the first chart in view.
        graphs = [
            g for g in dash_duo.driver.find_elements("css selector", ".js-plotly-plot") if g.is_displayed()
        ]
        if graphs:
            dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", graphs[0])
            ActionChains(dash_duo.driver).move_to_element(graphs[0]).perform()
        screenshot(f"h3-phone-{tab.lower()}")
        # The whole tab, to look at every chart.
        height = dash_duo.driver.execute_script("return document.documentElement.scrollHeight")
        emulate_phone(dash_duo, min(height, 7000))
        screenshot(f"h3-phone-{tab.lower()}-full")
        emulate_phone(dash_duo)
    assert charts_seen >= 10  # the demo draws charts on five tabs, or the checks above prove nothing
    assert problems == []
    assert dash_duo.get_logs() == []
