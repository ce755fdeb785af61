"""Column definitions of the dash-ag-grid tables: header, tooltip (the metric's formula) and cell format.

Cells are formatted in the browser by assets/dashAgGridFunctions.js, which follows metrics/formats.py,
so the grid keeps raw numbers and sorts and filters them as numbers. ``columns(names)`` picks each
column's kind from its name; a table passes the columns of its metrics frame.
"""

from __future__ import annotations

from collections.abc import Iterable

from metrics import formats, glossary

# The grid's formats per kind of column (metrics/formats.py says which column holds what).
MONEY = formats.RUPEE_COLUMNS
UNIT_COST = formats.UNIT_COST_COLUMNS | formats.PRECISE_COST_COLUMNS
RATIOS = formats.RATIO_COLUMNS
PERCENTS = formats.PERCENT_COLUMNS | formats.ROI_COLUMNS
COUNTS = formats.COUNT_COLUMNS | formats.FRACTIONAL_COUNT_COLUMNS | formats.LINE_COLUMNS
FRACTIONAL_COUNTS = formats.FRACTIONAL_COUNT_COLUMNS
PINNED = {"campaign", "influencer_id", "name", "file"}
# Sentences and free text: they wrap inside a bounded width (the row grows) instead of being cut.
LONG_TEXT = {"problem": 420, "action": 420, "note": 360, "value": 280}


def column(name: str) -> dict:
    """Return the AG Grid column definition of one metrics column."""
    definition: dict = {"field": name, "headerName": glossary.label(name)}
    tooltip = glossary.formula(name)
    if tooltip:
        definition["headerTooltip"] = tooltip
    if name in MONEY:
        definition["valueFormatter"] = {"function": "inr(params.value)"}
    elif name in UNIT_COST:
        definition["valueFormatter"] = {"function": "inr(params.value, 2)"}
    elif name in RATIOS:
        definition["valueFormatter"] = {"function": "ratio(params.value)"}
    elif name in PERCENTS:
        definition["valueFormatter"] = {"function": "percent(params.value)"}
    elif name in COUNTS:
        function = "count(params.value)" if name in FRACTIONAL_COUNTS else "number(params.value, 0)"
        definition["valueFormatter"] = {"function": function}
    else:
        definition["valueFormatter"] = {"function": "text(params.value)"}
        definition["filter"] = "agTextColumnFilter"
        if name in LONG_TEXT:
            definition.update(wrapText=True, autoHeight=True, maxWidth=LONG_TEXT[name])
        return _pin(name, definition)
    definition["type"] = "numericColumn"
    definition["filter"] = "agNumberColumnFilter"
    return _pin(name, definition)


def _pin(name: str, definition: dict) -> dict:
    if name in PINNED:
        definition["pinned"] = "left"
    return definition


def columns(names: Iterable[str]) -> list[dict]:
    """Return the column definitions of ``names``, in order."""
    return [column(name) for name in names]


DEFAULT_COLUMN = {
    "sortable": True,
    "resizable": True,
    "filter": True,
    "floatingFilter": False,
    # Columns are fitted to their cells and their header's longest word (assets/dashAgGridFunctions.js).
    "minWidth": 72,
    "wrapHeaderText": True,
    "autoHeaderHeight": True,
}
GRID_OPTIONS = {
    "pagination": True,
    "paginationPageSize": 20,
    "paginationPageSizeSelector": [20, 50, 100],
    "domLayout": "autoHeight",
    "tooltipShowDelay": 300,
    "enableCellTextSelection": True,
    "ensureDomOrder": True,
    "suppressFieldDotNotation": True,
    # Every column is drawn, so fitting them to their content measures all of them, not just those in view.
    "suppressColumnVirtualisation": True,
}
# Columns fit their content whenever the rows change or the grid is resized (assets/dashAgGridFunctions.js).
FIT_COLUMNS = {
    event: ["fitColumns(params)"] for event in ("firstDataRendered", "rowDataUpdated", "gridSizeChanged")
}
