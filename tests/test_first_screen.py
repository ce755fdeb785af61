"""A tab's first screen first: the wiring that makes its other panels wait for it, and the matrix's estimates.

The order itself is observed in a real browser in tests/browser/test_first_screen_browser.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
from dash import no_update

from callbacks.common import after_first_screen, first_screen
from layouts import ids, tabs
from layouts.common import GRAPH_HIDDEN, HIDDEN
from metrics import ingest
from metrics.filters import Filters, Options
from store import datasets, results

# Per tab: the callback drawing its first screen (one of its outputs) and the panels that wait for it.
FIRST = {
    ids.TAB_CAMPAIGNS: (
        f"{ids.CAMPAIGNS_FIRST_SCREEN}.data",
        [f"{ids.CAMPAIGN_TREND_GRAPH}.figure", f"{ids.CAMPAIGN_COMPARE_GRAPH}.figure"],
    ),
    ids.TAB_ROI: (
        f"{ids.ROI_GRAPH}.figure",
        [
            f"{ids.ROI_SCATTER_GRAPH}.figure",
            f"{ids.IROAS_WRAP}.style",
            f"{ids.ATTRIBUTION_GRAPH}.figure",
            f"{ids.MARKOV_GRAPH}.figure",
        ],
    ),
    ids.TAB_INFLUENCERS: (
        f"{ids.INFLUENCER_MATRIX_GRAPH}.figure",
        [f"{ids.INFLUENCER_TABLE}.rowData", f"{ids.PERSONA_CHART}.figure"],
    ),
    ids.TAB_PAYOUTS: (
        f"{ids.PAYOUT_TABLE}.rowData",
        [f"{ids.PAYOUT_SPEND_GRAPH}.figure", f"{ids.BUDGET_TABLE}.rowData"],
    ),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from app import create_app

    return create_app({"CACHE_DIR": str(tmp_path_factory.mktemp("cache")), "TESTING": True})


@pytest.fixture(scope="module")
def demo_dataset():
    """Return the bundled demo data (300 influencers: enough exposures for bootstrap intervals)."""
    return ingest.read_dir(datasets.DEMO_DIR)


def entry_with(app, output: str) -> dict:
    """Return the callback map entry one of whose outputs is ``output`` (``id.property``)."""
    found = [entry for key, entry in app.callback_map.items() if output in key.strip(".").split("...")]
    assert len(found) == 1, output
    return found[0]


def store_ids(body) -> set[str]:
    """Return the ids of every component in a layout."""
    found, pending = set(), [body]
    while pending:
        component = pending.pop()
        if isinstance(component, (list, tuple)):
            pending.extend(component)
            continue
        if getattr(component, "id", None) is not None:
            found.add(component.id)
        children = getattr(component, "children", None)
        if children is not None and not isinstance(children, str):
            pending.append(children)
    return found


@pytest.mark.parametrize("tab_id", list(FIRST))
def test_other_panels_wait_for_the_first_screen(app, tab_id):
    """The first screen's callback outputs the tab's store; each other panel has it as its last input."""
    store = ids.FIRST_SCREEN[tab_id]
    assert store in store_ids(tabs.body(tab_id))
    first, later = FIRST[tab_id]
    writers = [key for key in app.callback_map if f"{store}.data" in key.strip(".").split("...")]
    assert writers == [key for key in app.callback_map if first in key.strip(".").split("...")]
    for output in later:
        entry = entry_with(app, output)
        assert entry["inputs"][-1] == {"id": store, "property": "data"}, output
        assert {"id": ids.SESSION_STORE, "property": "data"} in entry["inputs"], output


def test_tabs_without_a_first_screen_store_have_none():
    """Only the tabs listed in ids.FIRST_SCREEN carry a store (the others' panels are all quick)."""
    for tab in tabs.TABS:
        present = set(ids.FIRST_SCREEN.values()) & store_ids(tab.layout())
        assert present == ({ids.FIRST_SCREEN[tab.tab_id]} if tab.tab_id in ids.FIRST_SCREEN else set())


def test_first_screen_adds_an_output_it_never_writes():
    """The wrapped callback returns its own values, then no_update for the store."""
    wrapped = first_screen(lambda a, b: (a, b))
    assert wrapped(1, 2) == (1, 2, no_update)
    assert first_screen(lambda a: a)(3) == (3, no_update)
    assert first_screen(lambda rows: rows)([{"a": 1}]) == ([{"a": 1}], no_update)


def test_after_first_screen_ignores_the_store():
    """The store's value (the last argument) never reaches the panel's callback."""
    assert after_first_screen(lambda *args: args)(1, "state", {"anything": 1}) == (1, "state")


def test_waiting_panel_without_data_shows_its_note(app):
    """A registered waiting panel without a dataset answers as before: its note, nothing drawn."""
    iroas = entry_with(app, f"{ids.IROAS_WRAP}.style")["callback"].__wrapped__
    style, _, graph_style, _, _, _, _, note = iroas(None, None)
    assert style == HIDDEN and graph_style == GRAPH_HIDDEN
    assert "Data tab" in str(note)


def test_matrix_estimates_equal_the_scored_table_but_the_interval(app, demo_dataset):
    """The matrix's table equals the scored influencers column for column, the interval left empty."""
    with app.server.app_context():
        key = datasets.save(demo_dataset)
        for filters in (Filters(), Filters(platforms=("Instagram",))):
            full = results.scored_influencers(key, filters, Options())
            quick = results.scored_estimates(key, filters, Options())
            assert full["iroas_low"].notna().any()
            assert quick["iroas_low"].isna().all() and quick["iroas_high"].isna().all()
            interval = ["iroas_low", "iroas_high"]
            pd.testing.assert_frame_equal(full.drop(columns=interval), quick.drop(columns=interval))
