"""The benchmark suite (docs/benchmarks.md): harness behaviour and the measurements on the XS workload."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from dash import dcc, html

import benchmarks
from benchmarks import FAILED, Budget, Measurement, Sample, Unavailable, Workload
from benchmarks import measurements as bench
from benchmarks.__main__ import main as benchmarks_main
from metrics.filters import Filters
from metrics.view import prepare


@pytest.fixture(scope="module")
def xs_workload(tmp_path_factory) -> Workload:
    return benchmarks.ensure_workload("XS", tmp_path_factory.mktemp("workloads"))


# --- harness ---------------------------------------------------------------------------------------


def test_the_best_sample_keeps_its_own_detail(tmp_path):
    samples = iter([Sample(5.0, "warm-up"), Sample(3.0, "second"), Sample(4.0, "third")])
    [result] = benchmarks.run(
        [Measurement("row", lambda workload: next(samples))], Workload("XS", tmp_path), 2, {}
    )
    assert (result.value, result.samples, result.detail) == (3.0, [3.0, 4.0], "second")
    assert benchmarks.format_details([result]) == "- row: second"


def test_a_failing_measurement_is_reported_and_the_next_one_still_runs(tmp_path):
    def broken(workload: Workload) -> float:
        raise ValueError("boom\n   at line 3")

    taken = []
    results = benchmarks.run(
        [
            Measurement("broken", broken, budget=Budget(1.0)),
            Measurement("missing", lambda workload: (_ for _ in ()).throw(Unavailable("not built"))),
            Measurement("fine", lambda workload: 0.5, repeats=False),
        ],
        Workload("XS", tmp_path),
        3,
        {},
        on_result=lambda result: taken.append(result.name),
    )
    broken_row, missing_row, fine_row = results
    assert broken_row.failed and broken_row.note == "failed: ValueError: boom at line 3"
    assert not missing_row.failed and missing_row.note == "not available: not built"
    assert fine_row.value == 0.5 and not fine_row.failed
    assert taken == ["broken", "missing", "fine"]
    table = benchmarks.format_table(results).splitlines()
    assert table[2].split()[-1] == FAILED
    assert table[3].split()[-1] == "-"


def test_table_shows_milliseconds_and_sizes_readably(tmp_path):
    results = benchmarks.run(
        [
            Measurement("slow", lambda workload: 1234.4, unit="ms", budget=Budget(300), repeats=False),
            Measurement("fast", lambda workload: 19.64, unit="ms", budget=Budget(50), repeats=False),
        ],
        Workload("XS", tmp_path),
        1,
        {"slow": 617.2},
    )
    lines = benchmarks.format_table(results).splitlines()
    assert "1,234 ms" in lines[2] and "617 ms (previous result), x2.00" in lines[2]
    assert lines[2].rstrip().endswith("<= 300 ms  OVER BUDGET")
    assert "19.6 ms" in lines[3] and lines[3].rstrip().endswith("ok")


def test_load_average_is_described_for_readers():
    assert benchmarks.describe_load([3.1, 2.5, 2.0]).startswith("load average 3.1, 2.5, 2 (1, 5, 15 min) on ")
    assert benchmarks.describe_load(None) == "load average not reported by this system"


def test_command_exits_1_on_a_failed_row_and_records_load_and_details(tmp_path, monkeypatch, capsys):
    def broken(workload: Workload) -> float:
        raise RuntimeError("no data")

    monkeypatch.setattr(
        "benchmarks.__main__.MEASUREMENTS",
        [
            Measurement("detailed", lambda workload: Sample(2.0, "two things"), repeats=False),
            Measurement("broken", broken, repeats=False),
        ],
    )
    results = tmp_path / "results-XS.json"
    argv = ["--size", "XS", "--repeat", "1", "--workloads", str(tmp_path), "--results", str(results)]
    assert benchmarks_main(argv) == 1
    out = capsys.readouterr()
    assert "before: load average" in out.out and "after: load average" in out.out
    assert "- detailed: two things" in out.out
    assert "done: broken: failed: RuntimeError: no data" in out.err
    document = json.loads(results.read_text())
    assert set(document["machine"]["load_average"]) == {"start", "end"}
    detailed, failed = document["measurements"]
    assert (detailed["value"], detailed["detail"]) == (2.0, "two things")
    assert (failed["value"], failed["verdict"]) == (None, "failed: RuntimeError: no data")


# --- building blocks of the measurements--------------------------------------------------------------


def test_percentile_interpolates_like_numpy():
    assert bench.percentile([float(v) for v in range(1, 21)]) == pytest.approx(19.05)
    assert bench.percentile([10.0, 30.0], 50) == 20.0


def test_filter_combinations_are_repeatable_and_stay_inside_the_data():
    choices = {
        "campaigns": ["A", "B", "C"],
        "platforms": ["Instagram", "X"],
        "categories": ["Yoga"],
        "genders": [],
        "tiers": ["nano", "micro"],
        "products": ["P"],
        "sources": ["influencer"],
    }
    bounds = (dt.date(2025, 4, 1), dt.date(2025, 9, 30))
    drawn = [bench.filter_combination(index, choices, bounds) for index in range(300)]
    assert drawn == [bench.filter_combination(index, choices, bounds) for index in range(300)]
    for filters in drawn:
        assert filters.start is None or bounds[0] < filters.start <= bounds[1]
        assert filters.end is None or bounds[0] <= filters.end < bounds[1]
        assert filters.start is None or filters.end is None or filters.start < filters.end
        assert set(filters.campaigns) <= {"A", "B", "C"} and len(filters.campaigns) <= 2
        assert len(filters.platforms) <= 1 and filters.genders == ()
    with_campaigns = sum(bool(filters.campaigns) for filters in drawn)
    assert 110 <= with_campaigns <= 190  # drawn in half of the combinations
    assert len(set(drawn)) > 250


def test_filters_are_described_briefly():
    assert bench.describe_filters(Filters()) == "no filter"
    both = Filters.make(start="2025-05-01", end="2025-05-31", platforms=["X", "Instagram"], tiers=["nano"])
    assert bench.describe_filters(both) == "2025-05-01..2025-05-31, platform=Instagram|X, tier=nano"
    assert bench.describe_filters(Filters.make(end="2025-05-31")) == "until 2025-05-31"


def test_figure_sizes_are_the_json_dash_sends_for_every_graph():
    bar = {"data": [{"type": "bar", "y": [1, 2]}], "layout": {}}
    output = (
        html.Div([html.P("no figure"), dcc.Graph(id="trend", figure=bar)]),
        dcc.Graph(figure={"data": [], "layout": {}}),
        dcc.Graph(id="empty"),
    )
    # '{"data":[{"type":"bar","y":[1,2]}],"layout":{}}' is 47 characters, '{"data":[],"layout":{}}' 23.
    assert list(bench.figure_sizes(output)) == [("trend", 47), ("graph 2", 23)]


def test_store_driven_callbacks_are_found_and_others_left_out():
    updates = bench.store_updates()
    assert {"kpis.update_kpis", "campaigns.update_campaigns", "overview.update_overview"} <= set(updates)
    assert "session.update_session" not in updates  # takes the sidebar's values, not the store
    assert "session.update_url_query" not in updates


def test_a_fresh_copy_shares_the_data_but_starts_cold(xs_workload):
    dataset = bench.loaded_dataset(xs_workload)
    copy = bench.fresh_copy(dataset)
    assert copy.tracking is not dataset.tracking
    pd.testing.assert_frame_equal(copy.tracking, dataset.tracking)
    assert prepare(copy) is not prepare(dataset)


# --- measurements on XS ----------------------------------------------------------------------------


def test_dashboard_rows_time_new_and_repeated_filter_states(xs_workload, monkeypatch):
    monkeypatch.setattr(bench, "COMBINATIONS", 4)
    changed = bench.filter_change(xs_workload)
    again = bench.cache_hit(xs_workload)
    board = bench.dashboard(xs_workload)
    assert len(board.visited) == 5 and len(set(board.visited)) == 5  # a warm-up plus four
    assert "over 4 combinations" in changed.detail and "over 4 combinations" in again.detail
    assert 0 < again.value < changed.value  # a cache hit skips every computation
    later = bench.iroas_after_filter_change(xs_workload)
    assert later.value > 0 and "iROAS card after first paint over 4 combinations" in later.detail
    assert len(set(board.visited)) == 9  # its own four new combinations
    figure = bench.largest_figure(xs_workload)
    # The row names the callback whose figure was largest, whichever tab it belongs to.
    assert figure.value > 0 and re.match(r"^\w+\.update_\w+: graph \d+ of \d+ figures", figure.detail)


def test_first_view_rows_split_their_time_into_parts(xs_workload):
    first = bench.first_view(xs_workload)
    first_paint, later = first.detail.split("; ")
    kpi_row, tab = (float(part.split(" s")[0].split()[-1]) for part in first_paint.split(" + "))
    assert first.value == pytest.approx(kpi_row + tab, abs=1e-3)
    assert later.startswith("the iROAS card follows in ")
    uploaded = bench.upload_to_first_view(xs_workload)
    upload, view = (float(part.split(" s")[0].split()[-1]) for part in uploaded.detail.split(" + "))
    assert uploaded.value == pytest.approx(upload + view, abs=1e-3)


def test_memory_probe_reports_the_csv_size_and_the_added_rss(xs_workload, capsys):
    report = bench.resident_memory_probe(xs_workload.path)
    assert report["csv_bytes"] == sum(path.stat().st_size for path in xs_workload.files)
    assert report["peak_added_bytes"] >= report["added_bytes"]
    assert json.loads(capsys.readouterr().out) == report


def test_export_row_runs_the_command_and_fails_loudly_on_bad_input(xs_workload, tmp_path):
    sample = bench.export_command(xs_workload)
    assert sample.value > 0 and sample.detail.startswith("9 files written")
    inside = float(sample.detail.split("export() ")[1].split(" s")[0])
    assert 0 < inside < sample.value  # the command's own export time excludes start-up and ingest
    empty = Workload("XS", Path(tmp_path / "missing"))
    with pytest.raises(RuntimeError, match="exited with 2"):
        bench.export_command(empty)
