"""The bad-input corpus (tests/bad_inputs) through the Data tab's upload, in a real browser.

Run with ``pytest --headless``. One browser session loads the valid dataset, then uploads defective files
onto it: a refused file must be named in the message with its column or problem, and leave the data in
use as it was; an accepted one must show its rows, the rows dropped, and the data-quality counts (report
summary and top-bar badge) the library computes for the same four files.

Every refused case goes through the browser, the 0-byte file (a data URL without payload) included. Of
the accepted cases, the browser takes one of each kind (an encoding, a cascade across files, quoted line
breaks, the 1 MB caption, a column-level finding, a delimiter, a future date, a header-only file, a
dropped payout); each takes a few seconds of callbacks, so all of them, with the exact report rows, go
through ``callbacks.data.update_uploads`` with data URLs instead (tests/test_bad_inputs.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from layouts import ids
from metrics import export, formats, ingest
from metrics.dataset import FILES
from metrics.view import View

try:
    from tests.bad_inputs import generate
except ImportError:  # tests/ itself on sys.path (pytest's default import mode)
    from bad_inputs import generate

pytestmark = pytest.mark.browser

ACCEPTED_IN_BROWSER = (
    "influencers_cp1252",
    "influencers_not_whole_number",
    "posts_quoted_newlines",
    "posts_huge_caption",
    "posts_mixed_date_orders",
    "tracking_semicolon_delimiter",
    "tracking_future_date",
    "payouts_header_only",
    "payouts_unknown_basis",
)

WIDE = (1440, 1000)
LOAD_TIMEOUT = 30
STEP_TIMEOUT = 15


def text_of(dash_duo, element_id: str) -> str:
    return dash_duo.find_element(f"#{element_id}").text


def wait_for_text(dash_duo, element_id: str, expected: str, timeout: float = STEP_TIMEOUT) -> str:
    """Wait until an element's text contains ``expected``; return the text (a clear failure otherwise)."""
    try:
        until(lambda: expected in text_of(dash_duo, element_id), timeout)
    except Exception as exc:
        raise AssertionError(
            f"#{element_id} never showed {expected!r}: {text_of(dash_duo, element_id)!r}"
        ) from exc
    return text_of(dash_duo, element_id)


def upload(dash_duo, name: str, path: Path) -> None:
    dash_duo.find_element(f"#{ids.UPLOAD[name]} input").send_keys(str(path))


def status_line(rows: int, filename: str, dropped: int, warnings: int) -> str:
    """Return a file's status line as the Data tab words it (callbacks/data.py ``file_status``)."""
    parts = (f"{formats.number(rows)} rows loaded from {filename}", f"{formats.number(dropped)} dropped")
    return " · ".join((*parts, f"{formats.number(warnings)} in the report"))


def expected_view(sources: dict[str, bytes], file: str, filename: str) -> dict:
    """Return what the Data tab must show for these four files: one file's status line and the report size."""
    dataset = ingest.read_files(sources)
    report = export.build_table("data_quality", View(dataset))
    parsed = ingest.parse_file(file, sources[file])
    rows = len(dataset.frame(file))
    warnings = int((report["file"] == file).sum())
    return {
        "status": status_line(rows, filename, parsed.rows_dropped, warnings),
        "loaded": f"{file}.csv: loaded {formats.number(rows)} rows from {filename}",
        "report_rows": len(report),
    }


def check_report_size(dash_duo, count: int) -> None:
    """The report summary and the top bar's badge both give the report's size (the badge hides at 0)."""

    def shown() -> tuple[str, str, bool]:
        badge = dash_duo.find_element(f"#{ids.QUALITY_BADGE}")
        hidden = "d-none" in badge.get_attribute("class")
        return text_of(dash_duo, ids.QUALITY_SUMMARY), badge.text.strip(), hidden

    def matches() -> bool:
        summary, badge, hidden = shown()
        if count == 0:
            return summary.startswith("No problems found") and hidden
        noun = "row" if count == 1 else "rows"
        return (
            summary.startswith(f"{formats.number(count)} {noun}: ") and badge == f"⚠ {formats.number(count)}"
        )

    try:
        until(matches, STEP_TIMEOUT)
    except Exception as exc:
        raise AssertionError(f"expected a report of {count} rows, the page shows {shown()}") from exc


def test_every_bad_file_is_refused_or_reported_and_earlier_data_kept(
    dash_duo, make_app, tmp_path, screenshot
):
    valid_dir, case_dir = tmp_path / "valid", tmp_path / "cases"
    valid_dir.mkdir()
    case_dir.mkdir()
    valid = generate.valid_files()
    for name, data in valid.items():
        (valid_dir / f"{name}.csv").write_bytes(data)
    # Each case uploads under its own name, so every message differs from the one before it.
    for case in generate.CASES:
        (case_dir / f"{case.name}.csv").write_bytes(case.content)

    dash_duo.start_server(make_app(AUTOLOAD_DEMO=False))
    dash_duo.driver.set_window_size(*WIDE)
    dash_duo.wait_for_contains_text(f"#{ids.KPI_ROW}", "No data loaded yet", timeout=LOAD_TIMEOUT)
    dash_duo.driver.find_element(By.XPATH, "//*[@role='tab' and normalize-space()='Data']").click()
    dash_duo.wait_for_element(f"#{ids.UPLOAD['influencers']} input", timeout=LOAD_TIMEOUT)

    def load_valid(name: str) -> None:
        upload(dash_duo, name, valid_dir / f"{name}.csv")
        count = generate.ROW_COUNTS[name]
        wait_for_text(dash_duo, ids.STATUS[name], status_line(count, f"{name}.csv", 0, 0), LOAD_TIMEOUT)

    # All four at once: uploads arriving together are applied by one callback.
    for name in FILES:
        upload(dash_duo, name, valid_dir / f"{name}.csv")
    for name in FILES:
        status = status_line(generate.ROW_COUNTS[name], f"{name}.csv", 0, 0)
        wait_for_text(dash_duo, ids.STATUS[name], status, LOAD_TIMEOUT)
    check_report_size(dash_duo, 0)

    changed = None  # the file an accepted case replaced, put back before a case on another file
    cases = [c for c in generate.CASES if c.rejected or c.name in ACCEPTED_IN_BROWSER]
    assert len(cases) == len(ACCEPTED_IN_BROWSER) + sum(1 for c in generate.CASES if c.rejected)
    for case in sorted(cases, key=lambda c: FILES.index(c.file)):
        filename = f"{case.name}.csv"
        if changed is not None and changed != case.file:
            load_valid(changed)
            changed = None
        status_before = text_of(dash_duo, ids.STATUS[case.file])
        upload(dash_duo, case.file, case_dir / filename)
        if case.rejected:
            # The library's own message for the same bytes and name (it quotes the file name when it is
            # about the file), so a refusal worded like the previous one is not mistaken for it.
            with pytest.raises(ingest.InputRejected) as refused:
                ingest.parse_file(case.file, case.content, filename=filename)
            message = wait_for_text(dash_duo, ids.UPLOAD_MESSAGE, f"{refused.value}.".replace("..", "."))
            assert message.startswith(f"{case.file}: "), (case.name, message)
            assert all(fragment in message for fragment in case.rejected), (case.name, message)
            assert "The data already loaded stays in use." in message, case.name
            assert text_of(dash_duo, ids.STATUS[case.file]) == status_before, case.name
            if case.name == "influencers_missing_column":
                screenshot("bad-upload-refused")
            continue
        expected = expected_view({**valid, case.file: case.content}, case.file, filename)
        wait_for_text(dash_duo, ids.UPLOAD_MESSAGE, expected["loaded"])
        wait_for_text(dash_duo, ids.STATUS[case.file], expected["status"])
        check_report_size(dash_duo, expected["report_rows"])
        if case.name == "payouts_unknown_basis":
            screenshot("bad-upload-reported")
        changed = case.file

    # Back on the valid files, the report is empty again: no finding outlives the file it was about.
    if changed is not None:
        load_valid(changed)
    check_report_size(dash_duo, 0)
    assert dash_duo.get_logs() == []
