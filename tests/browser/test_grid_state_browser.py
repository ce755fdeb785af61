"""A grid keeps what the user set (sort, column filter) when a sidebar filter changes its rows.

The grids are declared in the tabs' layouts and the callbacks only send new rows, so a filter change must
not reset the user's sort or column filter. Run with ``pytest --headless``; screenshots land in
tests/artifacts/.
"""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from test_app_browser import LOAD_TIMEOUT, open_app, open_tab

from layouts import ids
from metrics import tables
from metrics.filters import Filters, Options
from metrics.view import View

pytestmark = pytest.mark.browser

GRID_STATE = """
var api = window.dash_ag_grid && dash_ag_grid.getApi(arguments[0]);
if (!api) { return null; }
var shown = [];
api.forEachNodeAfterFilterAndSort(function (node) { shown.push(node.data); });
return {
    sort: api.getColumnState().filter(function (c) { return c.sort; }).map(function (c) { return [c.colId, c.sort]; }),
    filter: api.getFilterModel(),
    shown: shown,
    total: api.getDisplayedRowCount(),
};
"""
SET_FILTER = """
var api = dash_ag_grid.getApi(arguments[0]);
api.setFilterModel({[arguments[1]]: {filterType: "number", type: "greaterThan", filter: arguments[2]}});
api.onFilterChanged();
"""


def grid_state(dash_duo, grid_id: str) -> dict | None:
    return dash_duo.driver.execute_script(GRID_STATE, grid_id)


def header_sort(dash_duo, grid_id: str, column: str) -> str | None:
    """Return the sort the grid's header shows for ``column`` (its aria-sort: ascending, descending, none)."""
    header = dash_duo.find_element(f"#{grid_id} .ag-header-cell[col-id='{column}']")
    return header.get_attribute("aria-sort")


def sort_by(dash_duo, grid_id: str, column: str) -> None:
    """Click a column's header, as a user sorts (one click: ascending)."""
    dash_duo.find_element(f"#{grid_id} .ag-header-cell[col-id='{column}'] .ag-header-cell-label").click()
    until(lambda: header_sort(dash_duo, grid_id, column) == "ascending", LOAD_TIMEOUT)


def test_campaign_grid_keeps_its_sort_and_column_filter_across_a_model_change(
    dash_duo, make_app, demo_dataset, screenshot
):
    last_touch = tables.campaign_table(View(demo_dataset))
    linear = tables.campaign_table(View(demo_dataset, Filters(), Options(model="linear")))
    threshold = float(last_touch["revenue"].median())
    expected = linear[linear["revenue"] > threshold].sort_values("spend", kind="stable")
    # The filter must keep some rows and drop some, under both models, or the test proves nothing.
    assert 0 < len(expected) < len(linear)
    assert not linear["revenue"].equals(last_touch["revenue"])  # the model change brings new rows

    open_app(dash_duo, make_app(), "/?tab=campaigns")
    dash_duo.wait_for_element(f"#{ids.CAMPAIGN_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    sort_by(dash_duo, ids.CAMPAIGN_TABLE, "spend")
    dash_duo.driver.execute_script(SET_FILTER, ids.CAMPAIGN_TABLE, "revenue", threshold)
    until(lambda: grid_state(dash_duo, ids.CAMPAIGN_TABLE)["total"] < len(last_touch), LOAD_TIMEOUT)

    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_MODEL}", value="Linear")
    dash_duo.wait_for_contains_text(
        f"#{ids.CAMPAIGN_BODY}", "Attribution model: Linear", timeout=LOAD_TIMEOUT
    )

    def linear_rows_shown() -> bool:
        state = grid_state(dash_duo, ids.CAMPAIGN_TABLE)
        return [row["campaign"] for row in state["shown"]] == expected["campaign"].tolist()

    until(linear_rows_shown, LOAD_TIMEOUT)  # the new model's rows, still filtered and sorted
    state = grid_state(dash_duo, ids.CAMPAIGN_TABLE)
    assert state["sort"] == [["spend", "asc"]]
    assert state["filter"] == {
        "revenue": {"filterType": "number", "type": "greaterThan", "filter": threshold}
    }
    assert [row["revenue"] for row in state["shown"]] == pytest.approx(expected["revenue"].tolist())
    assert header_sort(dash_duo, ids.CAMPAIGN_TABLE, "spend") == "ascending"
    assert len(dash_duo.find_elements(f"#{ids.CAMPAIGN_TABLE} .ag-center-cols-container .ag-row")) == len(
        expected
    )
    screenshot("grid-state-campaigns")

    # The ROI tab's grid is declared in its layout too: its sort survives the model going back.
    open_tab(dash_duo, "ROI")
    dash_duo.wait_for_element(f"#{ids.ROI_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    sort_by(dash_duo, ids.ROI_TABLE, "roas")
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_MODEL}", value="Last touch")
    roas = last_touch["roas"].sort_values(na_position="first")  # the grid sorts missing values first
    by_roas = [None if value != value else round(value, 9) for value in roas]

    def last_touch_rows_by_roas() -> bool:
        shown = grid_state(dash_duo, ids.ROI_TABLE)["shown"]
        return [None if row["roas"] is None else round(row["roas"], 9) for row in shown] == by_roas

    until(last_touch_rows_by_roas, LOAD_TIMEOUT)
    assert grid_state(dash_duo, ids.ROI_TABLE)["sort"] == [["roas", "asc"]]
    assert header_sort(dash_duo, ids.ROI_TABLE, "roas") == "ascending"
    screenshot("grid-state-roi")
    assert dash_duo.get_logs() == []


def test_without_data_the_charts_take_no_room_and_their_notes_say_why(dash_duo, make_app, screenshot):
    """Before any data, each Overview panel shows its note; its graph, declared in the layout, is hidden."""
    open_app(dash_duo, make_app(AUTOLOAD_DEMO=False))
    for note_id in (ids.OVERVIEW_TREND, ids.OVERVIEW_CAMPAIGNS, ids.OVERVIEW_INFLUENCERS):
        dash_duo.wait_for_contains_text(f"#{note_id}", "Nothing to show yet", timeout=LOAD_TIMEOUT)
    for graph_id in (ids.OVERVIEW_TREND_GRAPH, ids.OVERVIEW_CAMPAIGNS_GRAPH, ids.OVERVIEW_INFLUENCERS_GRAPH):
        graph = dash_duo.find_element(f"#{graph_id}")
        height = dash_duo.driver.execute_script("return arguments[0].getBoundingClientRect().height;", graph)
        assert height == 0 and not graph.is_displayed()
    screenshot("overview-no-data")
    assert dash_duo.get_logs() == []


X_RANGE = """
var plot = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return plot && plot.layout && plot.layout.xaxis ? plot.layout.xaxis.range : null;
"""
REVENUE = """
var plot = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
var line = plot._fullData.filter(function (trace) { return trace.name === 'Revenue'; })[0];
// A partial first or last period is drawn by its own dotted trace: the line holds NaN there.
return Array.from(line.y).reduce(function (a, b) { return Number.isFinite(b) ? a + b : a; }, 0);
"""
# A user's drag across the middle third of the plot (mouse events, as the browser sends them).
DRAG = """
var box = document.querySelector('#' + arguments[0] + ' .nsewdrag');
var r = box.getBoundingClientRect(), y = r.top + r.height / 2;
var x0 = r.left + r.width / 3, x1 = r.left + r.width * 2 / 3;
function fire(target, type, x) {
    target.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, clientX: x, clientY: y, buttons: 1, view: window}));
}
fire(box, 'mousedown', x0);
for (var i = 1; i <= 10; i++) { fire(document, 'mousemove', x0 + (x1 - x0) * i / 10); }
fire(document, 'mouseup', x1);
"""


def test_a_zoomed_chart_keeps_its_zoom_when_a_filter_changes(dash_duo, make_app, demo_dataset, screenshot):
    """The Overview's trend chart gets a new figure for a platform filter and keeps the range zoomed to."""
    platform = sorted(demo_dataset.influencers["platform"].dropna().unique())[0]
    open_app(dash_duo, make_app())
    dash_duo.wait_for_contains_text(f"#{ids.OVERVIEW_TREND}", "Attribution model", timeout=LOAD_TIMEOUT)
    until(lambda: dash_duo.driver.execute_script(X_RANGE, ids.OVERVIEW_TREND_GRAPH) is not None, LOAD_TIMEOUT)
    full = dash_duo.driver.execute_script(X_RANGE, ids.OVERVIEW_TREND_GRAPH)
    dash_duo.driver.execute_script(DRAG, ids.OVERVIEW_TREND_GRAPH)
    until(lambda: dash_duo.driver.execute_script(X_RANGE, ids.OVERVIEW_TREND_GRAPH) != full, LOAD_TIMEOUT)
    zoomed = dash_duo.driver.execute_script(X_RANGE, ids.OVERVIEW_TREND_GRAPH)
    before = dash_duo.driver.execute_script(REVENUE, ids.OVERVIEW_TREND_GRAPH)

    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_PLATFORM}", value=platform)
    until(lambda: dash_duo.driver.execute_script(REVENUE, ids.OVERVIEW_TREND_GRAPH) < before, LOAD_TIMEOUT)
    assert dash_duo.driver.execute_script(X_RANGE, ids.OVERVIEW_TREND_GRAPH) == zoomed
    screenshot("overview-zoom-kept")
    assert dash_duo.get_logs() == []
