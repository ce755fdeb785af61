"""Chart labels in a real browser: no label sits on another, quadrant names keep off the bubbles, and the
budget panel says in words how returns diminish, with the maths in a tooltip.

Run with ``pytest --headless``. Each chart named below is drawn at 1440 px; its text labels (tick labels,
axis titles, annotations, bar labels) are read with ``getBoundingClientRect`` in one script and compared
pairwise. Screenshots of each chart land in tests/artifacts/h5-<graph>.png.
"""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from layouts import ids
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_app_browser import LOAD_TIMEOUT, open_app, open_tab

pytestmark = pytest.mark.browser

# Every text label drawn in one graph's SVG (the hover layer and the legend aside), with its box.
LABELS_SCRIPT = """
const graph = document.getElementById(arguments[0]);
if (!graph) return null;
const boxes = [];
graph.querySelectorAll('svg.main-svg text').forEach((el) => {
  if (el.closest('.hoverlayer') || el.closest('.legend')) return;
  const text = (el.textContent || '').trim();
  const r = el.getBoundingClientRect();
  if (!text || r.width === 0 || r.height === 0) return;
  boxes.push({text, left: r.left, right: r.right, top: r.top, bottom: r.bottom});
});
return boxes;
"""
# The matrix's bubbles (WebGL, so not in the DOM) as circles in page pixels, and its annotations' boxes.
BUBBLES_SCRIPT = """
const gd = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');
const box = gd.getBoundingClientRect();
const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
const bubbles = [];
gd._fullData.forEach((trace) => {
  if (!trace.x || trace.mode !== 'markers') return;
  const sizes = trace.marker.size;
  for (let i = 0; i < trace.x.length; i++) {
    const size = (Array.isArray(sizes) || ArrayBuffer.isView(sizes)) ? sizes[i] : sizes;
    bubbles.push({x: box.left + xa._offset + xa.l2p(trace.x[i]), y: box.top + ya._offset + ya.l2p(trace.y[i]),
                  r: size / 2});
  }
});
const names = [];
gd.querySelectorAll('.infolayer .annotation').forEach((el) => {
  const r = el.querySelector('.annotation-text-g').getBoundingClientRect();
  names.push({text: el.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom});
});
return {bubbles, names};
"""
GRAPHS_DRAWN = (
    "const g = document.getElementById(arguments[0]);"
    "return !!g && g.getBoundingClientRect().height > 0"
    " && g.querySelectorAll('svg.main-svg .xtick text, svg.main-svg .ytick text').length > 0;"
)
NOTE_SHOWN = (
    "const g = document.getElementById(arguments[0]);"
    "return !!g && [...g.querySelectorAll('svg.main-svg text')].some((t) => t.textContent.startsWith('iROAS: '));"
)
TABS = (
    ("Overview", (ids.OVERVIEW_TREND_GRAPH,)),
    ("Campaigns", (ids.CAMPAIGN_TREND_GRAPH, ids.CAMPAIGN_COMPARE_GRAPH)),
    (
        "ROI",
        (
            ids.ROI_GRAPH,
            ids.ROI_SCATTER_GRAPH,
            ids.IROAS_CAMPAIGN_GRAPH,
            ids.IROAS_PLATFORM_GRAPH,
            ids.ATTRIBUTION_GRAPH,
        ),
    ),
    ("Influencers", (ids.INFLUENCER_MATRIX_GRAPH, ids.PERSONA_CHART)),
    ("Payouts", (ids.PAYOUT_SPEND_GRAPH, ids.BUDGET_SHIFTS_GRAPH)),
)


def overlapping(boxes: list[dict], slack: float = 1.0) -> list[tuple[str, str]]:
    """Return the pairs of labels whose boxes share more than ``slack`` pixels both across and down."""
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack
    ]


def covered(bubble: dict, box: dict) -> bool:
    """Return whether a bubble (circle) reaches into a label's box."""
    nearest_x = min(max(bubble["x"], box["left"]), box["right"])
    nearest_y = min(max(bubble["y"], box["top"]), box["bottom"])
    return (bubble["x"] - nearest_x) ** 2 + (bubble["y"] - nearest_y) ** 2 < bubble["r"] ** 2


def chart_labels(dash_duo, graph: str) -> list[dict]:
    """Wait for a graph's ticks, save its picture (h5-<graph>.png) and return its labels' boxes."""
    until(lambda: dash_duo.driver.execute_script(GRAPHS_DRAWN, graph), LOAD_TIMEOUT)
    element = dash_duo.find_element(f"#{graph}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    ARTIFACTS.mkdir(exist_ok=True)
    element.screenshot(str(ARTIFACTS / f"h5-{graph}.png"))
    return dash_duo.driver.execute_script(LABELS_SCRIPT, graph)


def test_no_chart_label_sits_on_another(dash_duo, make_app):
    """At 1440 x 900 on the demo, no two labels of one chart overlap ("₹0" and "01 Apr", "0×" and "0.0%")."""
    open_app(dash_duo, make_app())
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    found = {}
    for tab, graphs in TABS:
        open_tab(dash_duo, tab)
        for graph in graphs:
            boxes = chart_labels(dash_duo, graph)
            assert len(boxes) >= 4, (graph, boxes)  # ticks and titles were read
            found[graph] = overlapping(boxes)
    assert {graph: pairs for graph, pairs in found.items() if pairs} == {}
    assert dash_duo.get_logs() == []


def test_quadrant_names_keep_off_the_bubbles(dash_duo, make_app):
    """No bubble of the performance matrix reaches into a quadrant's name."""
    open_app(dash_duo, make_app())
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    open_tab(dash_duo, "Influencers")
    chart_labels(dash_duo, ids.INFLUENCER_MATRIX_GRAPH)
    drawn = dash_duo.driver.execute_script(BUBBLES_SCRIPT, ids.INFLUENCER_MATRIX_GRAPH)
    assert len(drawn["bubbles"]) > 100 and len(drawn["names"]) == 4
    hidden = {
        name["text"]: sum(covered(bubble, name) for bubble in drawn["bubbles"]) for name in drawn["names"]
    }
    assert hidden == dict.fromkeys(hidden, 0)


def test_iroas_note_keeps_off_the_roas_label(dash_duo, make_app):
    """Two weeks of the demo leave groups without an iROAS: the note sits beside their ROAS label, not on it."""
    dash_duo.start_server(make_app())
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    dash_duo.driver.get(f"{dash_duo.server_url}/?start=2025-09-22&end=2025-09-30&tab=roi")
    for graph in (ids.IROAS_CAMPAIGN_GRAPH, ids.IROAS_PLATFORM_GRAPH):
        until(lambda g=graph: dash_duo.driver.execute_script(NOTE_SHOWN, g), LOAD_TIMEOUT)
        boxes = chart_labels(dash_duo, graph)
        assert any(box["text"].startswith("iROAS: ") for box in boxes)
        assert overlapping(boxes) == []


def test_budget_panel_says_in_words_how_returns_diminish(dash_duo, make_app, screenshot):
    """The fit line speaks of rupees and influencer-periods, its tooltip holds the maths; the axis is in ₹ L."""
    open_app(dash_duo, make_app())
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    open_tab(dash_duo, "Payouts")
    dash_duo.wait_for_contains_text(f"#{ids.BUDGET_FIT}", "Each extra rupee", timeout=LOAD_TIMEOUT)
    fit = dash_duo.find_element(f"#{ids.BUDGET_FIT}")
    assert fit.text.startswith("Each extra rupee earns a little less than the one before; fitted from ")
    assert "influencer-periods (14 days of an influencer's spend" in fit.text and "b =" not in fit.text
    tooltip = fit.get_attribute("title")
    assert "a × spend^b" in tooltip and "log-log" in tooltip and "Here: b = " in tooltip
    panel = fit.find_element(By.XPATH, "./ancestor::div[contains(@class, 'card')][1]")
    assert not any(word in panel.text for word in ("spend^b", "Exponent", "exponent", "clipped"))
    ticks = [t.text for t in dash_duo.find_elements(f"#{ids.BUDGET_SHIFTS_GRAPH} .xtick text")]
    assert "₹0" in ticks and all(t == "₹0" or t.endswith(("L", "Cr")) for t in ticks), ticks
    assert any(t.startswith("−₹") for t in ticks), ticks
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", panel)
    screenshot("h5-budget-panel")
    panel.screenshot(str(ARTIFACTS / "h5-budget-panel-card.png"))
    # A total above what the bounds allow: the message writes amounts as the app does (₹, Indian grouping).
    dash_duo.find_element(f"#{ids.BUDGET_TOTAL}").send_keys("1000000000", Keys.ENTER)
    dash_duo.wait_for_contains_text(
        f"#{ids.BUDGET_MESSAGE}", "The budget ₹1,00,00,00,000 is above", LOAD_TIMEOUT
    )
    message = dash_duo.find_element(f"#{ids.BUDGET_MESSAGE}").text
    assert "1,000,000,000" not in message and ".00" not in message and "the plan uses ₹" in message
