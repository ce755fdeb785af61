"""The optimizer's total budget field in a real browser: a negative amount is flagged next to the field."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from layouts import ids
from tests.browser.test_app_browser import LOAD_TIMEOUT, open_app

pytestmark = pytest.mark.browser


def _type_total(dash_duo, text: str) -> None:
    field = dash_duo.wait_for_element(f"#{ids.BUDGET_TOTAL}", timeout=LOAD_TIMEOUT)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(text, Keys.ENTER)  # the field is debounced: Enter sends the value


def test_negative_total_is_flagged_and_clamp_message_uses_rupees(dash_duo, make_app, screenshot):
    """-5000 gets a red border and the reason under the field; ₹10 lakh below the bounds is written ₹10,00,000."""
    open_app(dash_duo, make_app(), "/?tab=payouts")
    _type_total(dash_duo, "-5000")
    until(lambda: "is-invalid" in dash_duo.find_element(f"#{ids.BUDGET_TOTAL}").get_attribute("class"), 20)
    feedback = dash_duo.find_element(f"#{ids.BUDGET_TOTAL_FEEDBACK}")
    until(lambda: feedback.is_displayed() and "₹0 or more" in feedback.text, 10)
    dash_duo.wait_for_contains_text(f"#{ids.BUDGET_EMPTY}", "₹0 or more", timeout=LOAD_TIMEOUT)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", feedback)
    screenshot("budget-total-negative")

    _type_total(dash_duo, "1000000")
    until(
        lambda: "is-invalid" not in dash_duo.find_element(f"#{ids.BUDGET_TOTAL}").get_attribute("class"), 20
    )
    assert not dash_duo.find_element(f"#{ids.BUDGET_TOTAL_FEEDBACK}").is_displayed()
    dash_duo.wait_for_contains_text(
        f"#{ids.BUDGET_MESSAGE}", "The budget ₹10,00,000 is", timeout=LOAD_TIMEOUT
    )
    assert "1,000,000" not in dash_duo.find_element(f"#{ids.BUDGET_MESSAGE}").text
    screenshot("budget-total-clamped")
    assert dash_duo.get_logs() == []
