"""The app's own pages pass its Content-Security-Policy in a real browser, signed in or not.

Run with ``pytest --headless``. A ``securitypolicyviolation`` listener is installed before any of the
page's own scripts run (Chrome DevTools ``Page.addScriptToEvaluateOnNewDocument``), and the browser's
console is read too: a blocked inline script, style, image or connection shows up in one or the other.
"""

from __future__ import annotations

import pytest
import requests
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from layouts import ids

pytestmark = pytest.mark.browser

WIDE = (1440, 1000)
LOAD_TIMEOUT = 30
TABS = (
    ("Overview", ids.OVERVIEW_TREND),
    ("Campaigns", ids.CAMPAIGN_BODY),
    ("ROI", ids.ROI_BODY),
    ("Influencers", ids.INFLUENCER_BODY),
    ("Payouts", ids.PAYOUT_BODY),
    ("Data", ids.QUALITY_TABLE),
)
LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
    window.__cspViolations.push(
        [event.violatedDirective, event.blockedURI, event.sourceFile, event.lineNumber, event.sample].join(" | ")
    );
});
"""


def _violations(dash_duo) -> list[str]:
    found = list(dash_duo.driver.execute_script("return window.__cspViolations || null;") or [])
    console = [
        entry["message"]
        for entry in dash_duo.driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Content-Security-Policy" in entry["message"]
    ]
    return found + console


def _open_tab(dash_duo, label: str) -> None:
    dash_duo.driver.find_element(By.XPATH, f"//*[@role='tab' and normalize-space()='{label}']").click()


def test_every_tab_renders_without_a_csp_violation(dash_duo, make_app, screenshot):
    """The demo page under the app's CSP: KPIs, charts, grids and every tab work; nothing is blocked."""
    app = make_app()
    dash_duo.start_server(app)
    headers = requests.get(dash_duo.server_url, timeout=30).headers
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert headers["X-Frame-Options"] == "DENY"

    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER})
    dash_duo.driver.set_window_size(*WIDE)
    dash_duo.wait_for_page(url=dash_duo.server_url)
    assert dash_duo.driver.execute_script("return Array.isArray(window.__cspViolations);")
    dash_duo.wait_for_contains_text(f"#{ids.TOPBAR_DATASET}", "Demo data", timeout=LOAD_TIMEOUT)
    until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg"), 30)
    for label, body_id in TABS:
        _open_tab(dash_duo, label)
        dash_duo.wait_for_element(f"#{body_id}", timeout=LOAD_TIMEOUT)
        if label in ("ROI", "Influencers"):  # WebGL scatters: drawn on a canvas once plotly's regl runs
            until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot canvas"), 30)
            screenshot(f"security-csp-{label.lower()}")
    _open_tab(dash_duo, "Campaigns")
    until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".ag-row"), 30)
    screenshot("security-csp-campaigns")
    assert _violations(dash_duo) == []
    # The listener does see a violation: an inline script injected now is blocked and reported.
    dash_duo.driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.__injected = 1;';"
        "document.head.appendChild(s);"
    )
    until(lambda: _violations(dash_duo), 10)
    assert dash_duo.driver.execute_script("return window.__injected === undefined;")


def test_the_signed_in_user_is_shown_in_the_top_bar(dash_duo, make_app, screenshot):
    """Behind the company's sign-in proxy (AUTH_MODE=proxy) the top bar names the user, CSP still clean."""
    app = make_app(AUTH_MODE="proxy", AUTH_PROXY_HEADER="X-Forwarded-User")
    app.server.wsgi_app = _with_header(app.server.wsgi_app, "HTTP_X_FORWARDED_USER", "asha@corp")
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER})
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(*WIDE)
    dash_duo.wait_for_text_to_equal(f"#{ids.TOPBAR_USER}", "asha@corp", timeout=LOAD_TIMEOUT)
    assert dash_duo.find_element(f"#{ids.TOPBAR_USER}").get_attribute("title") == "Signed in as asha@corp"
    screenshot("security-topbar-user")
    assert _violations(dash_duo) == []


def _with_header(wsgi_app, name: str, value: str):
    """Return ``wsgi_app`` behind a stand-in for the sign-in proxy: every request gets the header."""

    def proxied(environ, start_response):
        environ[name] = value
        return wsgi_app(environ, start_response)

    return proxied
