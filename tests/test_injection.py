"""Untrusted content: names, captions, categories, campaigns and URLs holding markup stay text everywhere.

One uploaded dataset carries HTML/script and spreadsheet formulas in every text field users write; each
tab's callback output, the figures, the exports and the reports must show them as the literal text.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import dash_ag_grid as dag
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import dcc, html
from dash.development.base_component import Component

from callbacks import campaigns, data, influencers, overview, payouts, roi, session, sidebar, topbar
from figures.text import plain
from layouts.tabs import TABS
from metrics import export
from metrics.filters import LIST_FIELDS, Filters
from metrics.view import View
from reports import build_report

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = '"><b>x</b>'
LINK = '<a href="https://example.com">click</a>'
HOSTILE = (SCRIPT, IMG, BREAKOUT, LINK)
FORMULA = '=HYPERLINK("http://example.com","x")'

INFLUENCERS = [
    {"influencer_id": "A", "name": SCRIPT, "category": IMG, "platform": BREAKOUT, "follower_count": 50_000},
    {"influencer_id": "B", "name": IMG, "category": LINK, "platform": "YouTube", "follower_count": 5_000},
    {"influencer_id": "@B2", "name": FORMULA, "category": "Tech", "follower_count": 500},
]
POSTS = [
    {"influencer_id": "A", "date": "2025-04-02", "reach": 1_000, "likes": 50, "caption": SCRIPT, "url": IMG},
    {"influencer_id": "A", "date": "2025-04-03", "reach": 900, "likes": 9, "caption": BREAKOUT},
    {"influencer_id": "B", "date": "2025-04-03", "reach": 2_000, "likes": 100, "url": "javascript:alert(1)"},
    {"influencer_id": "B", "date": "2025-04-04", "reach": 100, "caption": LINK, "url": "data:text/html,x"},
    {"influencer_id": "@B2", "date": "2025-04-04", "reach": 100, "url": "vbscript:msgbox(1)"},
]
TRACKING = [
    {"influencer_id": "A", "campaign": SCRIPT, "user_id": "u1", "date": "2025-04-02", "product": IMG},
    {
        "influencer_id": "A",
        "campaign": SCRIPT,
        "user_id": "u1",
        "date": "2025-04-03",
        "orders": 1,
        "revenue": 1e3,
    },
    {
        "influencer_id": "B",
        "campaign": BREAKOUT,
        "user_id": "u2",
        "date": "2025-04-03",
        "orders": 2,
        "revenue": 3e3,
    },
    {
        "influencer_id": "@B2",
        "campaign": "-Sale",
        "user_id": "+u3",
        "date": "2025-04-04",
        "orders": 1,
        "revenue": 50.0,
    },
    {
        "influencer_id": None,
        "source": IMG,
        "user_id": "u4",
        "date": "2025-04-04",
        "orders": 1,
        "revenue": 70.0,
    },
]
PAYOUTS = [
    {"influencer_id": "A", "basis": "post", "total_payout": 500.0},
    {"influencer_id": "B", "basis": "order", "total_payout": 1_500.0},
    {"influencer_id": "@B2", "basis": "post", "total_payout": 100.0},
]


@pytest.fixture
def hostile(make_dataset):
    """Return the dataset with markup and formulas in names, categories, platforms, campaigns, captions, URLs."""
    return make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)


@pytest.fixture
def store(hostile, upload_folder, write_csvs, tmp_path):
    """
    Return the session store of the hostile dataset, uploaded as four CSVs; no filters, last touch.

    posts.csv gets one more row whose reach is markup, so the data-quality report quotes it.
    """
    folder = write_csvs(hostile, tmp_path / "csv")
    posts = folder / "posts.csv"
    header = posts.read_text(encoding="utf-8").splitlines()[0].split(",")
    row = {"influencer_id": "A", "platform": "YouTube", "date": "2025-04-05", "url": "", "caption": "c"}
    row |= {"reach": IMG, "likes": "1", "comments": "1"}
    with posts.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, header, restval="", lineterminator="\n").writerow(row)
    loaded = upload_folder(folder)
    return session.update_session(loaded, None, None, "last_touch", *[None] * len(sidebar.LIST_FILTERS))


def components(output: object) -> list[Component]:
    """
    Return every component in a callback output (tuples, lists and nested children).

    A figure sent to a graph declared in a layout counts as that graph, and column definitions sent to a
    grid as that grid, so they are checked like the components callbacks used to build.
    """
    found: list[Component] = []
    items = output if isinstance(output, (list, tuple)) else [output]
    for item in items:
        if isinstance(item, Component):
            found.extend(item._traverse())
            found.append(item)
        elif isinstance(item, go.Figure) or (isinstance(item, dict) and "data" in item and "layout" in item):
            found.append(dcc.Graph(figure=item))
        elif isinstance(item, list) and item and all(isinstance(c, dict) and "field" in c for c in item):
            found.append(dag.AgGrid(columnDefs=item))
        elif isinstance(item, (list, tuple)):
            found.extend(components(item))
    return found


def texts(found: list[Component]) -> str:
    """Return the text children of components (what React renders as text nodes), joined."""
    return "\n".join(
        str(c.children) for c in found if isinstance(getattr(c, "children", None), (str, int, float))
    )


def figure_json(found: list[Component]) -> str:
    graphs = [c.figure for c in found if isinstance(c, dcc.Graph) and getattr(c, "figure", None) is not None]
    return json.dumps([g.to_plotly_json() if isinstance(g, go.Figure) else g for g in graphs], default=str)


def tab_outputs(store: dict) -> list[Component]:
    outputs = [
        overview.update_overview(store),
        campaigns.update_campaigns(store),
        campaigns.update_campaign_trends(store),
        influencers.update_influencers(store, None),
        influencers.update_matrix(store, None),
        influencers.update_detail([{"influencer_id": "A"}], store, None),
        influencers.update_detail([{"influencer_id": "B"}], store, None),
        influencers.update_personas(store),
        payouts.update_payouts(store),
        payouts.update_spend_chart(store),
        payouts.update_budget(store, None, 0.5, 2.0, []),
        roi.update_roi_scatter(store, "influencer"),
        roi.update_attribution(store, "influencer_id", "linear"),
        roi.update_markov(store, "category"),
    ]
    outputs += [roi.update_roi(store, by) for by in ("campaign", "influencer", "platform", "category")]
    outputs += [roi.update_attribution(store, by, "linear") for by in ("campaign", "platform", "category")]
    outputs += [tab.layout() for tab in TABS]  # the graphs and grids the callbacks fill
    return components(outputs)


# ---- the dashboard --------------------------------------------------------------------------------------


def test_no_grid_column_or_component_renders_user_data_as_html(store):
    """No grid column renders HTML (markdown, code, a renderer), and no component injects raw markup."""
    found = tab_outputs(store)
    grids = [c for c in found if type(c).__name__ == "AgGrid"]
    assert len(grids) >= 4
    for grid in grids:
        assert not getattr(grid, "dangerously_allow_code", False)
        for column in grid.columnDefs or []:
            assert "cellRenderer" not in column and "cellRendererSelector" not in column, column
            assert column.get("cellDataType") != "html"
    assert not [c for c in found if isinstance(c, (dcc.Markdown, html.Iframe, html.Script))]
    assert not [c for c in found if getattr(c, "dangerously_allow_html", False)]


def test_grids_hold_the_literal_strings(store):
    """Grid rows carry the names, categories and campaigns as written (the grid shows them as text)."""
    _, grid_rows, _ = campaigns.update_campaigns(store)
    assert {SCRIPT, BREAKOUT} <= {row["campaign"] for row in grid_rows}
    _, rows, _ = influencers.update_influencers(store, None)
    assert {(r["influencer_id"], r["name"], r["category"]) for r in rows} >= {
        ("A", SCRIPT, IMG),
        ("B", IMG, LINK),
    }


def test_detail_panel_shows_captions_as_text_and_links_only_http_urls(store):
    """Captions are text children; IMG, javascript:, data: and vbscript: URLs are shown as text, not links."""
    found = components(
        [influencers.update_detail([{"influencer_id": i}], store, None) for i in ("A", "B", "@B2")]
    )
    shown = texts(found)
    for value in (
        SCRIPT,
        BREAKOUT,
        LINK,
        IMG,
        "javascript:alert(1)",
        "data:text/html,x",
        "vbscript:msgbox(1)",
    ):
        assert value in shown
    hrefs = [c.href for c in found if isinstance(c, html.A)]
    assert hrefs and all(href.startswith(("https://", "http://")) for href in hrefs)


def test_figures_show_markup_as_escaped_text(store):
    """Every figure places user text escaped for plotly: no tag, link or template field from the data."""
    dumped = figure_json(tab_outputs(store))
    assert dumped.count("&lt;script&gt;") > 0
    for value in HOSTILE:
        assert json.dumps(value)[1:-1] not in dumped, value
    for value in (SCRIPT, IMG, LINK):
        assert json.dumps(plain(value))[1:-1] in dumped, value


def test_campaign_names_cannot_inject_hover_template_fields(hostile):
    """A campaign name holding %{y} or <b> is escaped in subplot titles, legend names and hover templates."""
    from figures.campaigns import compare_trends, trends_by_campaign

    trends = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-04-01", "2025-04-02"]),
            "campaign": ["%{y}<b>", "B"],
            "revenue": [10.0, 5.0],
            "orders": [1.0, 1.0],
            "spend": [2.0, 0.0],
        }
    )
    small = trends_by_campaign(trends)
    assert [a.text for a in small.layout.annotations] == ["&#37;{y}&lt;b&gt;", "B"]
    assert small.data[0].hovertemplate.startswith("&#37;{y}&lt;b&gt;<br>")
    compared = compare_trends(trends, ["%{y}<b>"])
    assert compared.data[0].name == "&#37;{y}&lt;b&gt; — revenue"
    assert "%{y}" not in compared.data[0].hovertemplate


def test_dropdown_options_are_plain_strings(store):
    """Filter options carry the raw values as plain-string labels (a dropdown renders them as text)."""
    loaded = {"key": store["key"], "summary": store["summary"]}
    labels = {}
    for field in LIST_FIELDS:
        options, _ = sidebar.update_list_filter(field, loaded, False, "", None)
        assert all(isinstance(o["label"], str) for o in options), field
        if field != "tiers":  # tiers have fixed labels ("Micro (10k–100k)"), never data
            assert all(o["label"] == o["value"] for o in options), field
        labels[field] = {o["label"] for o in options}
    assert {SCRIPT, BREAKOUT} <= labels["campaigns"]
    assert IMG in labels["products"] and IMG in labels["sources"]
    assert {IMG, LINK} <= labels["categories"] and BREAKOUT in labels["platforms"]


def test_data_quality_table_and_top_bar_hold_text(store):
    """The data-quality grid rows and the top bar hold plain strings, with no component built from them."""
    rows, _ = data.update_quality(store)
    assert all(isinstance(v, (str, int, float, type(None))) for row in rows for v in row.values())
    assert (IMG, "reach") in {(row["value"], row["column"]) for row in rows}
    found = components(topbar.update_topbar(store))
    assert not [c for c in found if isinstance(c, (dcc.Markdown, html.Iframe, html.Script))]


# ---- exports and reports --------------------------------------------------------------------------------


def csv_cells(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_export_escapes_formula_text_ids_and_quality_values_never_numbers(hostile, tmp_path):
    """Text cells starting with = + - @ get a ' (ids, names, campaigns, data_quality values); numbers never do."""
    quality = pd.DataFrame(
        {
            "file": ["posts", "influencers"],
            "row": pd.array([3, 4], dtype="Int64"),
            "column": ["reach", "follower_count"],
            "value": ["-5", "=1+1"],
            "problem": ["negative number", "not a whole number"],
            "action": ["row dropped", "row dropped"],
        }
    )
    dataset = hostile.replace(quality=quality.astype({c: "string" for c in quality.columns if c != "row"}))
    tables = export.build_tables(dataset, budget=2_000.0)
    for file_name, frame in tables.items():
        cells = csv_cells(export.to_csv_bytes(frame))
        for column in frame.columns:
            written = [row[column] for row in cells]
            if pd.api.types.is_numeric_dtype(frame[column]):
                assert not any(cell.startswith("'") for cell in written), (file_name, column)
                continue
            for raw, cell in zip(frame[column].tolist(), written, strict=True):
                if isinstance(raw, str) and raw.startswith(export.FORMULA_PREFIXES):
                    assert cell == "'" + raw, (file_name, column)
                elif isinstance(raw, str):
                    assert cell == raw, (file_name, column)
    assert "'=1+1" in [row["value"] for row in csv_cells(export.to_csv_bytes(tables["data_quality.csv"]))]
    assert "'-5" in [row["value"] for row in csv_cells(export.to_csv_bytes(tables["data_quality.csv"]))]
    ids_written = {row["influencer_id"] for row in csv_cells(export.to_csv_bytes(tables["influencers.csv"]))}
    assert ids_written == {"A", "B", "'@B2"}
    campaigns_written = {row["campaign"] for row in csv_cells(export.to_csv_bytes(tables["campaigns.csv"]))}
    assert {"'-Sale", SCRIPT, BREAKOUT} <= campaigns_written
    numbers = csv_cells(export.to_csv_bytes(tables["budget.csv"]))
    assert all(
        not cell.startswith("'") for row in numbers for key, cell in row.items() if key != "influencer_id"
    )


def test_xlsx_report_stores_formula_text_and_markup_as_strings(hostile):
    """In the workbook every such cell is a string (quote-prefixed when it starts like a formula), no formula."""
    book = openpyxl.load_workbook(io.BytesIO(build_report(hostile, "xlsx", Filters())))
    strings = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    strings[cell.value] = cell
    for value in (SCRIPT, IMG, BREAKOUT, LINK):
        assert value in strings, value
    for value in (FORMULA, "@B2", "-Sale"):
        assert strings[value].data_type == "s" and strings[value].quotePrefix, value
    with zipfile.ZipFile(io.BytesIO(build_report(hostile, "xlsx", Filters()))) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet for sheet in sheets)


def test_pdf_report_prints_markup_as_text(hostile):
    """The PDF prints names, categories and campaigns as written (ReportLab markup escaped)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(build_report(hostile, "pdf", Filters())))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    flat = " ".join(text.split())
    for value in (SCRIPT, "<img src=x", '"><b>x</b>', FORMULA):
        assert value in flat, value


def test_view_tables_keep_the_hostile_strings_unchanged(hostile):
    """The metrics layer never alters text: escaping belongs to each output format alone."""
    view = View(hostile)
    table = export.build_table("influencers", view)
    assert table.set_index("influencer_id").loc["A", "name"] == SCRIPT
    assert table.set_index("influencer_id").loc["@B2", "name"] == FORMULA
