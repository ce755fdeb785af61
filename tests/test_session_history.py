"""Back/Forward and "Reset filters" in the plain update functions: what the controls and the tab become.

Uses the small dataset of tests/conftest.py (campaigns Spring and Summer, platforms Instagram and
YouTube, dates 2 to 5 Apr 2025).
"""

from __future__ import annotations

import pytest
from dash.exceptions import PreventUpdate

from callbacks import session, sidebar
from layouts import ids


@pytest.fixture
def loaded(upload_folder, small_csv_dir):
    """Return the DATASET_STORE value of the small dataset, as the uploads would build it."""
    return upload_folder(small_csv_dir)


def session_with(dataset_store: dict, model: str = "last_touch", **lists) -> dict:
    """Return the session store the sidebar would produce for ``lists`` and ``model``."""
    return session.update_session(
        dataset_store, None, None, model, *[lists.get(f) for f in sidebar.LIST_FILTERS]
    )


def test_popped_search_reads_only_a_string():
    """The store's search is used when it is a string, the empty one (the first view) included."""
    assert session.popped_search({"search": "", "time": 5}) == ""
    assert session.popped_search({"search": "?model=linear"}) == "?model=linear"
    for malformed in (None, [], {"time": 5}, {"search": None}, {"search": ["?a"]}):
        assert session.popped_search(malformed) is None


def test_back_restores_the_popped_filters_over_the_session(loaded):
    """The entry's filters win over the session's; values the data lacks are dropped; none named clears."""
    store = session_with(loaded, campaigns=["Spring"], platforms=["YouTube"])
    popped = "?campaign=Summer&campaign=Gone"
    assert sidebar.update_list_filter("campaigns", loaded, False, "", store, popped)[1] == ["Summer"]
    assert sidebar.update_list_filter("platforms", loaded, False, "", store, popped)[1] == []
    # Without a popped entry the session's values stay (a dataset change).
    assert sidebar.update_list_filter("platforms", loaded, False, "", store)[1] == ["YouTube"]


def test_back_restores_the_popped_dates(loaded):
    """The entry's dates are shown; an entry without dates shows the data's own range (2 to 5 Apr)."""
    store = session.update_session(loaded, "2025-04-03", "2025-04-04", "last_touch", *[None] * 7)
    assert sidebar.update_dates(loaded, False, "", store, "?end=2025-04-04")[2:] == (
        "2025-04-02",
        "2025-04-04",
    )
    assert sidebar.update_dates(loaded, False, "", store, "")[2:] == ("2025-04-02", "2025-04-05")
    assert sidebar.update_dates(loaded, False, "", store)[2:] == ("2025-04-03", "2025-04-04")


def test_model_follows_reset_back_and_page_load(loaded):
    """Reset and an entry without a model give last touch; an entry's model wins; otherwise unchanged."""
    page_load = {**loaded, "origin": session.PAGE_LOAD}
    assert sidebar.update_model(loaded, "?model=linear", reset=True) == "last_touch"
    assert sidebar.update_model(page_load, "?model=linear", reset=True) == "last_touch"
    assert sidebar.update_model(loaded, "", popped="?model=markov&tab=roi") == "markov"
    assert sidebar.update_model(loaded, "?model=linear", popped="") == "last_touch"
    assert sidebar.update_model(loaded, "", popped="?model=unknown") == "last_touch"
    assert sidebar.update_model(page_load, "?model=time_decay") == "time_decay"
    with pytest.raises(PreventUpdate):
        sidebar.update_model(loaded, "?model=linear")  # a dataset change keeps the model in use


def test_back_restores_the_popped_tab():
    """The entry's tab is opened; an entry naming none is the Overview; the tab shown already is kept."""
    assert session.restore_popped_tab({"search": "?tab=roi", "time": 1}, ids.TAB_OVERVIEW) == ids.TAB_ROI
    assert session.restore_popped_tab({"search": "?model=linear", "time": 2}, ids.TAB_ROI) == ids.TAB_OVERVIEW
    assert session.restore_popped_tab({"search": "", "time": 3}, ids.TAB_DATA) == ids.TAB_OVERVIEW
    for pop, active in (
        ({"search": "?tab=roi"}, ids.TAB_ROI),
        ({"search": ""}, ids.TAB_OVERVIEW),
        (None, ids.TAB_ROI),
    ):
        with pytest.raises(PreventUpdate):
            session.restore_popped_tab(pop, active)


def test_restored_view_mirrors_to_the_popped_query(loaded):
    """A view restored from an entry mirrors back to that entry's query, so nothing new is written."""
    popped = "?campaign=Summer&model=linear&tab=roi"
    lists = {
        field: sidebar.update_list_filter(field, loaded, False, "", None, popped)[1]
        for field in sidebar.LIST_FILTERS
    }
    model = sidebar.update_model(loaded, "", popped=popped)
    _, _, start, end = sidebar.update_dates(loaded, False, "", None, popped)
    store = session.update_session(loaded, start, end, model, *lists.values())
    tab = session.restore_popped_tab({"search": popped, "time": 1}, ids.TAB_OVERVIEW)
    assert session.update_url_query(store, tab) == popped
