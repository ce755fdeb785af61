"""The first-visit browser benchmark's report: medians against the size's budget, slowest callbacks named."""

from __future__ import annotations

from benchmarks.first_visit import BUDGETS, Visit, format_slowest, format_table, main


def samples() -> list[list[Visit]]:
    """Three runs of two tabs: ROI's first screens 0.4, 2.0 and 0.6 s; Payouts' 1.4, 1.6 and 1.7 s."""
    return [
        [
            Visit("ROI", 1.0, 0.4, [("roi.update_iroas", 0.9, False), ("roi.update_roi", 0.3, True)]),
            Visit("Payouts", 1.5, 1.4),
        ],
        [Visit("ROI", 3.0, 2.0), Visit("Payouts", 1.9, 1.6)],
        [Visit("ROI", 2.0, 0.6, [("roi.update_roi", 0.5, True)]), Visit("Payouts", 1.8, 1.7)],
    ]


def test_budgets_are_the_documented_ones():
    assert BUDGETS["S"] == 1.5 and BUDGETS["M"] == 3.0


def test_table_judges_the_median_first_screen_against_the_budget():
    """ROI's median first screen is 0.6 s (ok at S), Payouts' 1.6 s (over 1.5 s at S, within 3 s at M)."""
    small = format_table("S", samples()).splitlines()
    roi = next(line for line in small if line.startswith("ROI"))
    payouts = next(line for line in small if line.startswith("Payouts"))
    assert "0.60 s" in roi and "2.00 s" in roi and "0.40, 2.00, 0.60" in roi and roi.endswith("ok")
    assert "1.60 s" in payouts and "1.80 s" in payouts and payouts.endswith("OVER BUDGET")
    assert "<= 1.5 s" in payouts
    medium = format_table("M", samples())
    assert "OVER BUDGET" not in medium and "<= 3 s" in medium


def test_slowest_line_comes_from_the_median_run_and_marks_panels_below_the_window():
    """The median ROI run by its total (2.0 s) is the third: its one request is named, on screen."""
    lines = format_slowest(samples())
    assert lines[0] == "- ROI: 1 requests; slowest: roi.update_roi 0.50 s"
    assert lines[1] == "- Payouts: 0 requests; slowest: none"
    first = format_slowest([samples()[0]])[0]
    assert (
        first
        == "- ROI: 2 requests; slowest: roi.update_iroas 0.90 s (below the window), roi.update_roi 0.30 s"
    )


def test_repeat_below_one_is_refused(capsys):
    assert main(["--size", "S", "--repeat", "0"]) == 2
    assert "--repeat must be at least 1" in capsys.readouterr().err
