"""The grids at 1440 px: key columns are as wide as their content, a page survives a filter, ROI reads alike.

Columns fit their header and cells when rows arrive (assets/dashAgGridFunctions.js ``fitColumns``), long
text wraps, and what width is left is shared out, so no column is cut while space is left empty. ROI is
written one way (docs/metrics.md, Decisions, "How ROI is written") on the KPI card, in the grids and in
the campaign comparison. Run with ``pytest --headless``; screenshots land in tests/artifacts/h4-*.png.
"""

from __future__ import annotations

import contextlib

import pytest
from dash.testing.errors import TestingTimeoutError
from dash.testing.wait import until
from test_app_browser import LOAD_TIMEOUT, open_app, open_tab

from layouts import ids
from metrics import kpis, tables
from metrics.filters import Filters
from metrics.view import View

pytestmark = pytest.mark.browser

DESKTOP = (1440, 900)

# For each named column: its header and every cell drawn, whether the text is cut (wider or taller than its
# box), and the grid's free width: the part of the scrolling area no column covers.
MEASURE = """
var root = document.getElementById(arguments[0]), names = arguments[1];
var viewport = root.querySelector('.ag-center-cols-viewport');
var container = root.querySelector('.ag-center-cols-container');
function cut(el) {
    return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
}
var out = {free: viewport.clientWidth - container.scrollWidth, columns: {}};
names.forEach(function (name) {
    var header = root.querySelector('.ag-header-cell[col-id="' + name + '"]');
    var text = header && header.querySelector('.ag-header-cell-text');
    var cells = Array.from(root.querySelectorAll('.ag-row .ag-cell[col-id="' + name + '"]'));
    out.columns[name] = {
        header: text ? text.textContent : null,
        headerCut: text ? cut(text) : null,
        cells: cells.length,
        cutCells: cells.filter(function (cell) {
            return cut(cell.querySelector('.ag-cell-value') || cell);
        }).map(function (cell) { return cell.textContent; }),
        right: header ? header.getBoundingClientRect().right : null,
    };
});
out.right = viewport.getBoundingClientRect().right;
return out;
"""
# The text of one column's cell in the row whose ``key`` column reads ``value`` (a pinned key column sits
# in its own container: rows are matched by their row-index).
CELL = """
var root = document.getElementById(arguments[0]), key = arguments[2];
if (!root) { return null; }
var keyCell = Array.from(root.querySelectorAll('.ag-cell[col-id="' + arguments[1] + '"]')).filter(
    function (cell) { return cell.textContent.trim() === key; }
)[0];
if (!keyCell) { return null; }
var index = keyCell.closest('.ag-row').getAttribute('row-index');
var cell = root.querySelector('.ag-row[row-index="' + index + '"] .ag-cell[col-id="' + arguments[3] + '"]');
return cell ? cell.textContent.trim() : null;
"""
PAGE = """
var api = window.dash_ag_grid && dash_ag_grid.getApi(arguments[0]);
if (!api) { return null; }
var shown = [];
api.forEachNodeAfterFilterAndSort(function (node) { shown.push(node.data.influencer_id); });
var page = api.paginationGetCurrentPage(), size = api.paginationGetPageSize();
return {page: page, total: api.getDisplayedRowCount(), expected: shown.slice(page * size, (page + 1) * size)};
"""
PAGE_ROWS = """
var root = document.getElementById(arguments[0]);
return Array.from(root.querySelectorAll('.ag-pinned-left-cols-container .ag-row'))
    .sort(function (a, b) { return Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')); })
    .map(function (row) { return row.querySelector('.ag-cell[col-id="influencer_id"]').textContent.trim(); });
"""


def measure(dash_duo, grid_id: str, names: list[str]) -> dict:
    return dash_duo.driver.execute_script(MEASURE, grid_id, names)


def scroll_to(dash_duo, element_id: str) -> None:
    dash_duo.driver.execute_script(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'start'});", element_id
    )


def assert_fitted(state: dict, names: list[str], *, in_view: tuple[str, ...] = ()) -> None:
    """Every named column's header and cells are whole, and no width is left empty beside them."""
    for name in names:
        column = state["columns"][name]
        assert column["header"], f"{name}: no header drawn"
        assert column["headerCut"] is False, f"{name}: header {column['header']!r} is cut"
        assert column["cells"] > 0, f"{name}: no cells drawn"
        assert column["cutCells"] == [], f"{name}: cut cells {column['cutCells'][:3]}"
    assert state["free"] <= 1, f"{state['free']} px of the grid left empty"
    for name in in_view:  # reachable without scrolling sideways
        assert state["columns"][name]["right"] <= state["right"] + 1, f"{name} is off-screen"


def wait_fitted(dash_duo, grid_id: str, names: list[str], *, in_view: tuple[str, ...] = ()) -> dict:
    """Wait until the grid's columns have been fitted (after its rows are drawn), then check them."""
    dash_duo.wait_for_element(f"#{grid_id} .ag-row", timeout=LOAD_TIMEOUT)
    measured = [*names, *(name for name in in_view if name not in names)]
    with contextlib.suppress(TestingTimeoutError):  # the assertion below says what is wrong
        until(lambda: not _problems(measure(dash_duo, grid_id, measured), names, in_view), 10)
    state = measure(dash_duo, grid_id, measured)
    assert_fitted(state, names, in_view=in_view)
    return state


def _problems(state: dict, names: list[str], in_view: tuple[str, ...]) -> bool:
    try:
        assert_fitted(state, names, in_view=in_view)
    except AssertionError:
        return True
    return False


GRIDS = {
    "roi-returns": ("roi", ids.ROI_TABLE, ["campaign", "revenue", "spend", "roas", "roi", "cpa", "aov"], ()),
    "roi-attribution": (
        "roi",
        ids.ATTRIBUTION_TABLE,
        ["campaign", "last_touch", "position_based", "markov"],
        ("markov",),
    ),
    "influencers": (
        "influencers",
        ids.INFLUENCER_TABLE,
        ["influencer_id", "name", "score", "revenue", "roas"],
        ("revenue", "spend", "roas", "roi"),
    ),
    "campaigns": (
        "campaigns",
        ids.CAMPAIGN_TABLE,
        ["campaign", "revenue", "touched_users", "converting_users"],
        (),
    ),
    "payouts": (
        "payouts",
        ids.PAYOUT_TABLE,
        ["influencer_id", "rate", "total_payout", "computed_payout", "status", "note"],
        ("note",),
    ),
    "data-quality": ("data", ids.QUALITY_TABLE, ["file", "row", "column", "value", "problem", "action"], ()),
}


@pytest.mark.parametrize("name", list(GRIDS))
def test_key_columns_fit_their_content_at_1440_px(dash_duo, make_app, screenshot, name):
    """Named columns show their whole header and cells, with no empty strip beside them, at 1440 × 900."""
    tab, grid_id, columns, in_view = GRIDS[name]
    open_app(dash_duo, make_app(), f"/?tab={tab}")
    dash_duo.driver.set_window_size(*DESKTOP)
    wait_fitted(dash_duo, grid_id, columns, in_view=in_view)
    scroll_to(dash_duo, grid_id)
    screenshot(f"h4-{name}")
    assert dash_duo.get_logs() == []


def test_influencer_grid_keeps_its_page_across_a_filter_change(dash_duo, make_app, demo_dataset, screenshot):
    """Page 2 of the Influencers grid stays page 2, with the new rows 21–40, after a platform filter."""
    platform = "Instagram"
    count = int((demo_dataset.influencers["platform"] == platform).sum())
    assert 40 < count < len(demo_dataset.influencers)  # a filter that changes the rows and keeps a page 2

    open_app(dash_duo, make_app(), "/?tab=influencers")
    dash_duo.driver.set_window_size(*DESKTOP)
    dash_duo.wait_for_element(f"#{ids.INFLUENCER_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    until(
        lambda: (dash_duo.driver.execute_script(PAGE, ids.INFLUENCER_TABLE) or {}).get("total", 0) > count, 20
    )
    dash_duo.find_element(f"#{ids.INFLUENCER_TABLE} .ag-paging-button[aria-label='Next Page']").click()
    until(lambda: dash_duo.driver.execute_script(PAGE, ids.INFLUENCER_TABLE)["page"] == 1, LOAD_TIMEOUT)
    before = dash_duo.driver.execute_script(PAGE, ids.INFLUENCER_TABLE)

    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_PLATFORM}", value=platform)
    until(
        lambda: dash_duo.driver.execute_script(PAGE, ids.INFLUENCER_TABLE)["total"] < before["total"],
        LOAD_TIMEOUT,
    )

    after = dash_duo.driver.execute_script(PAGE, ids.INFLUENCER_TABLE)
    assert after["page"] == 1
    assert after["expected"] != before["expected"]  # new rows: the page, not the rows, was kept
    until(lambda: dash_duo.driver.execute_script(PAGE_ROWS, ids.INFLUENCER_TABLE) == after["expected"], 10)
    summary = dash_duo.find_element(f"#{ids.INFLUENCER_TABLE} .ag-paging-page-summary-panel").text
    assert summary.replace("\n", " ") == f"Page 2 of {-(-after['total'] // 20)}"
    scroll_to(dash_duo, ids.INFLUENCER_TABLE)
    screenshot("h4-influencers-page-kept")
    assert dash_duo.get_logs() == []


def test_roi_reads_the_same_on_the_card_in_the_grids_and_in_the_comparison(
    dash_duo, make_app, demo_dataset, screenshot
):
    """For one campaign the card, the Campaigns and ROI grids and the comparison write its ROI alike."""
    table = tables.campaign_table(View(demo_dataset)).set_index("campaign")
    campaign = str(table.index[0])  # the most revenue: compared by default
    alone = kpis.kpi_table(View(demo_dataset, Filters.make(campaigns=[campaign]))).iloc[0]
    # The card under the campaign's filter shows the same number as the campaign's row: the same text.
    assert alone["roi"] == pytest.approx(table.loc[campaign, "roi"], rel=1e-12)
    # Written as docs/metrics.md says: one decimal, no plus sign (Summer Shred: 306.3%).
    written = f"{table.loc[campaign, 'roi'] * 100:.1f}%"

    open_app(dash_duo, make_app(), "/?tab=campaigns")
    dash_duo.driver.set_window_size(*DESKTOP)
    dash_duo.wait_for_element(f"#{ids.CAMPAIGN_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    until(lambda: dash_duo.driver.execute_script(CELL, ids.CAMPAIGN_TABLE, "campaign", campaign, "roi"), 20)
    assert dash_duo.driver.execute_script(CELL, ids.CAMPAIGN_TABLE, "campaign", campaign, "roi") == written

    # The comparison opens on the two campaigns with the most revenue; its ROI row reads as the grid does.
    dash_duo.wait_for_contains_text(f"#{ids.CAMPAIGN_COMPARE_TABLE}", campaign, timeout=LOAD_TIMEOUT)

    def compared_roi() -> str | None:
        return dash_duo.driver.execute_script(
            """
            var table = document.querySelector('#' + arguments[0] + ' table');
            if (!table) { return null; }
            var heads = Array.from(table.querySelectorAll('thead th')).map(function (th) { return th.textContent.trim(); });
            var column = heads.indexOf(arguments[1]);
            var row = Array.from(table.querySelectorAll('tbody tr')).filter(function (tr) {
                return tr.querySelector('th').textContent.trim() === 'ROI';
            })[0];
            return column > 0 && row ? row.children[column].textContent.trim() : null;
            """,
            ids.CAMPAIGN_COMPARE_TABLE,
            campaign,
        )

    until(lambda: compared_roi() is not None, LOAD_TIMEOUT)
    assert compared_roi() == written
    dash_duo.driver.execute_script(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'center'});", ids.CAMPAIGN_COMPARE_TABLE
    )
    screenshot("h4-roi-comparison")

    open_tab(dash_duo, "ROI")
    until(
        lambda: dash_duo.driver.execute_script(CELL, ids.ROI_TABLE, "campaign", campaign, "roi"), LOAD_TIMEOUT
    )
    assert dash_duo.driver.execute_script(CELL, ids.ROI_TABLE, "campaign", campaign, "roi") == written

    # The card, with the sidebar filtered to the campaign.
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_CAMPAIGN}", value=campaign)
    dash_duo.wait_for_text_to_equal(f"#{ids.KPI_ROI}", written, timeout=LOAD_TIMEOUT)
    until(
        lambda: dash_duo.driver.execute_script(CELL, ids.ROI_TABLE, "campaign", campaign, "roi") == written,
        20,
    )
    dash_duo.driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
    dash_duo.find_element(f"#{ids.KPI_ROI}").click()  # closes the dropdown
    screenshot("h4-roi-card")
    assert dash_duo.get_logs() == []
