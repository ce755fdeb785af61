"""The light/dark theme switch, answered in the browser by ``dash_clientside.theme.switch`` (assets/theme.js)."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State

from layouts import ids


def register(app: Dash) -> None:
    """
    Register the switch's callback.

    Its first call sets the switch to the theme shown (the stored choice, else the system's); a click stores
    the choice and redraws the page in it. The charts' templates come from the ``theme-templates`` store.
    """
    app.clientside_callback(
        ClientsideFunction("theme", "switch"),
        Output(ids.THEME_SWITCH, "value"),
        Input(ids.THEME_SWITCH, "value"),
        State(ids.THEME_TEMPLATES, "data"),
    )
