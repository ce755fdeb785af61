"""The top bar: which dataset is in use (kind, period, row counts, data-quality badge) and which model."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import flask
from dash import ALL, Dash, Input, Output, ctx, html
from dash.exceptions import PreventUpdate

from callbacks.session import SessionState, period_bounds
from layouts import ids
from metrics import formats
from metrics.filters import MODEL_LABELS
from store import datasets

KIND_COLOURS = {
    "demo": "info",
    "uploaded": "success",
    "server": "success",
    "mixed": "warning",
    "empty": "secondary",
}
ROW_NOUNS = {"influencers": "influencers", "posts": "posts", "tracking": "tracking", "payouts": "payouts"}


def format_period(first: dt.date, last: dt.date) -> str:
    """
    Return a date range as the top bar shows it.

    Examples
    --------
    >>> format_period(dt.date(2025, 4, 1), dt.date(2025, 9, 30))
    '1 Apr 2025 – 30 Sep 2025'
    """
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


BADGE_CLASS = "quality-badge py-0"


def update_topbar(store: dict | None) -> tuple[list, str, list, str, str]:
    """
    Return the top bar's dataset description, model label and data-quality badge.

    That is: the dataset slot's children (kind badge, period, row counts), the model slot's text, and the
    data-quality badge's children, class (hidden when the report is empty) and title.
    """
    state = SessionState.from_store(store)
    model = f"Model: {MODEL_LABELS[state.model]}"
    hidden = ([], f"{BADGE_CLASS} d-none", "")
    if state.expired or (state.key is not None and not datasets.exists(state.key)):
        return [dbc.Badge("Data expired", color="danger", className="dataset-kind")], model, *hidden
    summary = state.summary
    if state.key is None or not summary:
        return [dbc.Badge("No data loaded", color="secondary", className="dataset-kind")], model, *hidden
    children: list = [
        dbc.Badge(
            summary["label"], color=KIND_COLOURS.get(summary["kind"], "secondary"), className="dataset-kind"
        )
    ]
    bounds = period_bounds(summary)
    if bounds is not None:
        children.append(html.Span(format_period(*bounds), className="dataset-period"))
    counts = " · ".join(f"{formats.number(summary['rows'][name])} {noun}" for name, noun in ROW_NOUNS.items())
    children.append(
        html.Span(counts, className="dataset-rows d-none d-xl-inline", title="Rows loaded per file")
    )
    count = int(summary.get("quality_rows") or 0)
    if not count:
        return children, model, *hidden
    title = f"{formats.number(count)} rows in the data-quality report — open the Data tab"
    return children, model, ["⚠ ", formats.number(count)], BADGE_CLASS, title


USER_CLASS = "topbar-user text-light small"


def update_user(_pathname: str | None) -> tuple[str, str, str]:
    """
    Return the top bar's user slot: the signed-in user's name (``flask.g.user``), its class and title.

    Hidden when nobody is signed in (``AUTH_MODE=none``).
    """
    user = flask.g.get("user")
    if not user:
        return "", f"{USER_CLASS} d-none", ""
    return user, USER_CLASS, f"Signed in as {user}"


def go_to_data(*_clicks) -> str:
    """Switch to the Data tab when a "data-quality" badge or an "Open the Data tab" button is clicked."""
    if not any(item.get("value") for item in ctx.triggered):
        raise PreventUpdate  # a button appearing in a new panel is no click
    return ids.TAB_DATA


def register(app: Dash) -> None:
    """Register the top bar callbacks."""
    app.callback(
        Output(ids.TOPBAR_DATASET, "children"),
        Output(ids.TOPBAR_MODEL, "children"),
        Output(ids.QUALITY_BADGE, "children"),
        Output(ids.QUALITY_BADGE, "className"),
        Output(ids.QUALITY_BADGE, "title"),
        Input(ids.SESSION_STORE, "data"),
        prevent_initial_call=True,
    )(update_topbar)

    app.callback(
        Output(ids.TOPBAR_USER, "children"),
        Output(ids.TOPBAR_USER, "className"),
        Output(ids.TOPBAR_USER, "title"),
        Input(ids.URL, "pathname"),
    )(update_user)

    app.callback(
        Output(ids.TABS, "active_tab", allow_duplicate=True),
        Input(ids.QUALITY_BADGE, "n_clicks"),
        Input({"type": ids.GO_TO_DATA, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )(go_to_data)
