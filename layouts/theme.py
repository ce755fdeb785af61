"""The light/dark theme: the top bar's switch, the charts' templates for the browser, the page's <head> script.

assets/theme.js does the switching in the browser (docs/user-guide.md, "Theme"): it sets Bootstrap's
``data-bs-theme`` and AG Grid's ``data-ag-theme-mode`` on <html> before the first paint (the stored choice,
else the system's), keeps the choice in local storage, and redraws every chart with the template of the
theme shown. It runs in <head>, not with the other assets at the end of <body>, hence :func:`index_string`.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from figures import template
from layouts import ids

SCRIPT = "theme.js"
# Dash adds every script in assets/ at the end of <body>; this one is in <head> instead.
ASSETS_IGNORE = r"^theme\.js$"
# Dash's default page, with the theme script before the stylesheets so the first paint is in the theme.
INDEX = """<!DOCTYPE html>
<html>
    <head>
        {%metas%}
        <title>{%title%}</title>
        <script src="SCRIPT_URL"></script>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def index_string(script_url: str) -> str:
    """Return the page template with the theme script at ``script_url`` in <head>."""
    return INDEX.replace("SCRIPT_URL", script_url)


def switch() -> html.Div:
    """Return the top bar's theme switch (checked: dark) and the store of the charts' two templates."""
    return html.Div(
        [
            # No value here: the browser sets it from the theme assets/theme.js applied before the first paint.
            dbc.Switch(
                id=ids.THEME_SWITCH,
                label=html.Span(
                    ["Dark", html.Span(" theme", className="visually-hidden")], className="small"
                ),
                class_name="theme-switch text-light mb-0",
            ),
            dcc.Store(id=ids.THEME_TEMPLATES, data=template.themes()),
        ],
        title="Switch between the light and the dark theme (kept in this browser)",
        className="d-flex align-items-center",
    )
