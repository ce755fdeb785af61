"""On a 390 px phone, and at 1440 px, the charts whose labels crowd most keep every label whole and apart: the
Overview trend and the Campaigns comparison (their note on partial weeks), the Campaigns small multiples
(campaign names, axis titles) and the budget shifts (names, values, ticks).

Run with ``pytest --headless``. Each chart is hovered so its mode bar shows, then its text labels (tick
labels, axis titles, annotations with subplot titles and notes, bar values) are read with
``getBoundingClientRect`` and compared pairwise. Screenshots: tests/artifacts/h8-<width>-<graph>.png.
"""

from __future__ import annotations

from pprint import pformat

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains

from layouts import ids
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_app_browser import LOAD_TIMEOUT, open_app
from tests.browser.test_chart_labels_browser import GRAPHS_DRAWN, overlapping
from tests.browser.test_phone_browser import OPEN_TAB, emulate_phone, inside, intersect, settle

pytestmark = pytest.mark.browser

CHARTS = (
    ("Overview", ids.OVERVIEW_TREND_GRAPH),
    ("Campaigns", ids.CAMPAIGN_TREND_GRAPH),
    ("Campaigns", ids.CAMPAIGN_COMPARE_GRAPH),
    ("Payouts", ids.BUDGET_SHIFTS_GRAPH),
)
# The demo's first and last weeks are partial: these charts say so in a note.
NOTED = {ids.OVERVIEW_TREND_GRAPH, ids.CAMPAIGN_TREND_GRAPH, ids.CAMPAIGN_COMPARE_GRAPH}
NOTE_STARTS = ("Lighter bar", "Running totals grow less")
# One graph's box, its mode bar's, and each text label drawn in its SVG (the hover layer and the legend
# aside) with its box and whether it is turned.
READ = """
const graph = document.getElementById(arguments[0]);
const plot = graph.querySelector('.js-plotly-plot'), bar = graph.querySelector('.modebar');
const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
const labels = [];
plot.querySelectorAll('svg.main-svg text').forEach((el) => {
  if (el.closest('.hoverlayer') || el.closest('.legend')) return;
  const text = (el.textContent || '').trim();
  const r = el.getBoundingClientRect();
  if (!text || r.width === 0 || r.height === 0) return;
  labels.push({text, turned: /rotate\\((?!0[,)])/.test(el.getAttribute('transform') || ''),
               axis: !!el.closest('.xtick, .ytick'), ...box(el)});
});
const shown = bar && getComputedStyle(bar).opacity !== '0' && bar.getBoundingClientRect().width > 0;
return {graph: box(plot), modebar: shown ? box(bar) : null, labels};
"""


def read_chart(dash_duo, tab: str, graph: str, name: str) -> dict:
    """Open ``tab``, hover ``graph`` until its mode bar shows, save its picture and return its boxes."""
    dash_duo.driver.execute_script(OPEN_TAB, tab)
    until(lambda: dash_duo.driver.execute_script(GRAPHS_DRAWN, graph), LOAD_TIMEOUT)
    settle(dash_duo)
    element = dash_duo.find_element(f"#{graph}")
    # All of it in view, or its top (the mode bar shows there) below a sticky top bar when it is taller.
    dash_duo.driver.execute_script(
        "const tall = arguments[0].getBoundingClientRect().height > window.innerHeight - 140;"
        "arguments[0].scrollIntoView({block: tall ? 'start' : 'center'}); if (tall) window.scrollBy(0, -120);",
        element,
    )
    plot = element.find_element("css selector", ".js-plotly-plot")

    # Over the top left corner: no hover label over the picture, no button tooltip.
    corner = (5, 5)  # from the top left (selenium 4.2): off the plot and the buttons

    def hovered():
        ActionChains(dash_duo.driver).move_to_element_with_offset(plot, *corner).perform()
        return dash_duo.driver.execute_script(READ, graph)["modebar"] is not None

    until(hovered, LOAD_TIMEOUT)
    ARTIFACTS.mkdir(exist_ok=True)
    element.screenshot(str(ARTIFACTS / f"h8-{name}-{graph}.png"))
    return dash_duo.driver.execute_script(READ, graph)


def problems_in(chart: dict, graph: str) -> list:
    """Return what is wrong with one chart's labels: overlaps, labels out of the chart, turned ticks, and a
    note missing, cut off or under the mode bar."""
    found = []
    labels = chart["labels"]
    pairs = overlapping(labels)
    if pairs:
        found.append((graph, "labels on one another", pairs[:6]))
    out = [label["text"] for label in labels if not inside(label, chart["graph"])]
    if out:
        found.append((graph, "labels cut off", out[:6]))
    turned = [label["text"] for label in labels if label["axis"] and label["turned"]]
    if turned:
        found.append((graph, "tick labels turned", turned[:6]))
    if graph in NOTED:
        notes = [label for label in labels if label["text"].startswith(NOTE_STARTS)]
        if len(notes) != 1:
            found.append((graph, "no note on partial weeks", [label["text"] for label in labels][:40]))
        for note in notes:
            if intersect(note, chart["modebar"]):
                found.append((graph, "note under the mode bar", note, chart["modebar"]))
    return found


def check_charts(dash_duo, name: str) -> list:
    problems = []
    for tab, graph in CHARTS:
        chart = read_chart(dash_duo, tab, graph, name)
        assert len(chart["labels"]) >= 4, (graph, chart)  # ticks and titles were read
        problems += problems_in(chart, graph)
    return problems


def test_crowded_charts_keep_their_labels_apart_on_a_phone(dash_duo, make_app):
    """At 390x844, in the trend, the small multiples, the comparison and the budget shifts: no two labels
    overlap, every label lies inside its chart, no tick label is turned, and the note on partial weeks is
    whole and clear of the mode bar shown on hover."""
    open_app(dash_duo, make_app())
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    emulate_phone(dash_duo)
    problems = check_charts(dash_duo, "390")
    assert problems == [], pformat(problems)
    assert dash_duo.get_logs() == []


def test_crowded_charts_keep_their_labels_apart_on_a_desktop(dash_duo, make_app):
    """The same charts at 1440x900: what fits a phone still reads on a wide screen."""
    open_app(dash_duo, make_app())
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    problems = check_charts(dash_duo, "1440")
    assert problems == [], pformat(problems)
    assert dash_duo.get_logs() == []
