"""Render only the active tab: the other tabs' callbacks do not run while their components are absent."""

from __future__ import annotations

from dash import Dash, Input, Output
from dash.development.base_component import Component

from layouts import ids, tabs


def update_tab_content(active_tab: str | None) -> Component:
    """Return the body of the active tab (the Overview for an unknown tab id)."""
    return tabs.body(active_tab)


def register(app: Dash) -> None:
    """Register the tab renderer."""
    app.callback(Output(ids.TAB_CONTENT, "children"), Input(ids.TABS, "active_tab"))(update_tab_content)
