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
from data.generate import FILES
from layouts import ids
from layouts import roi as roi_layout
from metrics import attribution, scoring
from metrics.filters import Filters, Options
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


def test_each_run_replaces_only_its_own_sizes_section_of_results_md(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(
        "benchmarks.__main__.MEASUREMENTS",
        [Measurement("row", lambda workload: Sample(1.5, "made of two parts"), repeats=False)],
    )
    (tmp_path / "workloads").mkdir()
    for size in ("XS", "S"):
        (tmp_path / "workloads" / size).mkdir()  # any directory: the one row reads no file
        for name in FILES:
            (tmp_path / "workloads" / size / f"{name}.csv").write_text("x\n")

    def run(size: str) -> None:
        monkeypatch.setattr(
            "benchmarks.__main__.ensure_workload", lambda size, root: Workload(size, root / size)
        )
        argv = ["--size", size, "--repeat", "1", "--workloads", str(tmp_path / "workloads")]
        assert benchmarks_main([*argv, "--results", str(tmp_path / f"results-{size}.json")]) == 0
        capsys.readouterr()

    run("S")
    run("XS")
    text = (tmp_path / "results.md").read_text()
    assert text.startswith("# Benchmark results\n")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## XS", "## S"]  # in the order of the sizes, whichever ran first
    xs, s_section = text.split("## S\n")
    assert "--size XS --repeat 1" in xs and "--size S --repeat 1" in s_section
    assert re.search(r"^row +1\.500 s", s_section, re.MULTILINE) and "- row: made of two parts" in s_section
    machine = json.loads((tmp_path / "results-S.json").read_text())["machine"]
    assert f"Machine: {machine['cpu']}, {machine['cpus']} cores" in s_section
    assert f"pandas {pd.__version__}" in s_section and "Before the run: load average" in s_section
    # A second S run replaces the S section and leaves the XS one as it was.
    monkeypatch.setattr(
        "benchmarks.__main__.MEASUREMENTS", [Measurement("row", lambda workload: 2.25, repeats=False)]
    )
    run("S")
    again = (tmp_path / "results.md").read_text()
    assert again.split("## S\n")[0] == xs
    # The first S run's results file is the second one's baseline.
    assert re.search(r"^row +2\.250 s +1\.500 s \(previous result\), x1\.50", again, re.MULTILINE)
    assert again.count("## S\n") == 1


def test_markdown_sections_keep_the_size_order_and_the_preamble():
    text = benchmarks.replace_section("", "L", "## L\n\nl\n")
    text = benchmarks.replace_section(text, "XS", "## XS\n\nxs\n")
    text = benchmarks.replace_section(text.replace("Written by", "Edited. Written by"), "M", "## M\n\nm\n")
    lines = [line for line in text.splitlines() if line]
    assert lines[0] == "# Benchmark results" and lines[1].startswith("Edited. Written by")
    assert lines[2:] == ["## XS", "xs", "## M", "m", "## L", "l"]


def test_machine_is_described_with_cpu_memory_and_library_versions():
    import pyarrow

    machine = benchmarks.describe_machine()
    assert machine["cpus"] >= 1 and machine["cpu"]
    assert machine["pandas"] == pd.__version__ and machine["pyarrow"] == pyarrow.__version__
    assert machine["memory_bytes"] is None or machine["memory_bytes"] > 100_000_000


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


def test_tab_callbacks_are_found_with_the_inputs_the_tab_first_draws_with():
    from app import create_app

    found = bench.tab_callbacks(create_app({"CACHE_TYPE": "SimpleCache", "AUTOLOAD_DEMO": False}))
    assert list(found) == ["Overview", "Campaigns", "ROI", "Influencers", "Payouts", "Data"]
    names = {label: [callback.name for callback in callbacks] for label, callbacks in found.items()}
    # The insights panel sits on the Overview, so its callback is part of that tab's first view.
    assert names["Overview"] == ["overview.update_overview", "overview.update_insights"]
    # The campaign grid's iROAS columns wait for its rows (the store is only a State): not a store redraw.
    assert names["Campaigns"] == [
        "campaigns.update_campaigns",
        "campaigns.update_campaign_trends",
        "campaigns.update_comparison",
    ]
    every = [name for callbacks in names.values() for name in callbacks]
    assert "session.update_session" not in every and "kpis.update_kpis" not in every
    roi = {callback.name: callback for callback in found["ROI"]}
    # The "By" radio's default, and the grid's columns as the layout declares them (a State).
    declared = next(c for c in roi_layout.layout()._traverse() if getattr(c, "id", None) == ids.ROI_TABLE)
    assert roi["roi.update_roi"].arguments == (bench._STORE, "campaign", declared.columnDefs)
    comparison = found["Campaigns"][2]
    # Nothing picked yet, no overlay drawn, and the tab's first-screen store (never written) last.
    assert comparison.arguments == (bench._STORE, None, None, None)
    assert comparison.function.__name__ == "update_comparison"


def test_a_tab_callback_puts_the_store_where_the_session_store_goes():
    seen = []
    callback = bench.TabCallback("m.f", lambda *args: seen.append(args) or "drawn", (None, bench._STORE, 2))
    assert callback({"key": "k"}) == "drawn"
    assert seen == [(None, {"key": "k"}, 2)]


def test_latency_pass_sums_parts_and_takes_the_visible_tab_as_first_paint():
    latencies = bench.LatencyPass(
        combinations=[Filters(), Filters.make(platforms=["X"])],
        visible=["Overview", "Campaigns"],
        seconds=[
            {"money cards": 0.010, "Overview": 0.020, "Campaigns": 0.040, "iROAS card": 0.005},
            {"money cards": 0.012, "Campaigns": 0.050, "Overview": 0.001, "iROAS card": 0.030},
        ],
    )
    assert latencies.milliseconds() == pytest.approx([75.0, 93.0])
    assert latencies.first_paint() == pytest.approx([30.0, 62.0])  # money cards + the visible tab
    assert latencies.milliseconds(["iROAS card"]) == pytest.approx([5.0, 30.0])


def test_a_fresh_copy_shares_the_data_but_starts_cold(xs_workload):
    dataset = bench.loaded_dataset(xs_workload)
    copy = bench.fresh_copy(dataset)
    assert copy.tracking is not dataset.tracking
    pd.testing.assert_frame_equal(copy.tracking, dataset.tracking)
    assert prepare(copy) is not prepare(dataset)


# --- measurements on XS ----------------------------------------------------------------------------


def test_dashboard_rows_read_one_pass_of_new_and_one_of_repeated_filter_states(xs_workload, monkeypatch):
    monkeypatch.setattr(bench, "COMBINATIONS", 4)
    monkeypatch.setattr(bench, "_passes", {})
    cold = bench.cold_pass(xs_workload)
    board = bench.dashboard(xs_workload)
    assert len(board.visited) == 5 and len(set(board.visited)) == 5  # a warm-up plus four
    assert cold.visible == ["Overview", "Campaigns", "Overview", "Campaigns"]
    assert all(
        list(timing)
        == [
            "money cards",
            tab,
            *[t for t in ("Overview", "Campaigns") if t != tab],
            "insights panel",
            "iROAS card",
        ]
        for timing, tab in zip(cold.seconds, cold.visible, strict=True)
    )
    totals = cold.milliseconds()
    p50, p95 = bench.filter_change_p50(xs_workload), bench.filter_change_p95(xs_workload)
    assert (p50.value, p95.value) == (bench.percentile(totals, 50), bench.percentile(totals, 95))
    assert p50.detail.startswith("over 4 new combinations; median of each part: money cards ")
    first = bench.first_paint_p95(xs_workload)
    assert first.value == bench.percentile(cold.first_paint(), 95) and first.value < p95.value
    assert "Overview visible p95" in first.detail and "Campaigns visible p95" in first.detail
    later = bench.iroas_after_filter_change(xs_workload)
    assert later.value == bench.percentile(cold.milliseconds(["iROAS card"]))
    # The insights panel quotes bootstrap intervals: timed on its own, after the tabs, not in the first paint.
    insights = bench.insights_after_filter_change(xs_workload)
    assert insights.value == bench.percentile(cold.milliseconds(["insights panel"])) and insights.value > 0
    assert [update.name for update in board.insights_panel] == ["overview.update_insights"]
    assert bench.cold_pass(xs_workload) is cold and len(board.visited) == 5  # rows share the pass
    hit = bench.cache_hit_p50(xs_workload)
    warm = bench.warm_pass(xs_workload)
    assert warm.combinations == cold.combinations and len(board.visited) == 5  # the same four again
    assert 0 < hit.value < p50.value  # a cache hit skips every computation
    assert bench.cache_hit_p95(xs_workload).value == bench.percentile(warm.milliseconds(), 95)


def test_figure_rows_give_each_tabs_figures_and_the_largest(xs_workload, monkeypatch):
    monkeypatch.setattr(bench, "_figures", {})
    by_tab = bench.tab_figures(xs_workload)
    assert set(by_tab) == {"Overview", "Campaigns", "ROI", "Influencers", "Payouts", "Data"}
    assert by_tab["Data"] == [] and len(by_tab["Overview"]) == 3  # trend, top campaigns, top influencers
    overview = bench.tab_figure_json("Overview")(xs_workload)
    assert overview.value == sum(size for _, size in by_tab["Overview"]) / 1000
    assert overview.detail.startswith("3 figures; largest overview.update_overview: graph ")
    assert bench.tab_figure_json("Data")(xs_workload) == Sample(0.0, "no figure on this tab")
    every = [size for sizes in by_tab.values() for size in sizes]
    largest = bench.largest_figure(xs_workload)
    assert largest.value == max(size for _, size in every) / 1000
    assert re.match(rf"^\w+ tab, \w+\.update_\w+: graph \d+ of {len(every)} figures", largest.detail)
    with pytest.raises(Unavailable, match="no Reports tab"):
        bench.tab_figure_json("Reports")(xs_workload)


def test_first_view_rows_split_their_time_into_parts(xs_workload):
    first = bench.first_view(xs_workload)
    first_paint, later = first.detail.split("; ")
    kpi_row, tab = (float(part.split(" s")[0].split()[-1]) for part in first_paint.split(" + "))
    assert first.value == pytest.approx(kpi_row + tab, abs=1e-3)
    assert later.startswith("the insights panel and the iROAS card follow in ")
    uploaded = bench.upload_to_first_view(xs_workload)
    upload, view = (float(part.split(" s")[0].split()[-1]) for part in uploaded.detail.split(" + "))
    assert uploaded.value == pytest.approx(upload + view, abs=1e-3)


def test_memory_probe_reports_the_csv_size_and_the_added_rss(xs_workload, capsys):
    report = bench.resident_memory_probe(xs_workload.path)
    assert report["csv_bytes"] == sum(path.stat().st_size for path in xs_workload.files)
    assert report["peak_added_bytes"] >= report["added_bytes"]
    assert report["peak_bytes"] == report["before_bytes"] + report["peak_added_bytes"]
    assert json.loads(capsys.readouterr().out) == report


def test_memory_rows_divide_the_kept_and_the_peak_rss_by_the_csv_size(monkeypatch, tmp_path):
    workload = Workload("XS", tmp_path)
    report = {
        "csv_bytes": 2e6,
        "before_bytes": 150e6,
        "added_bytes": 6e6,
        "peak_added_bytes": 20e6,
        "peak_bytes": 170e6,
    }
    monkeypatch.setattr(bench, "_memory", {tmp_path: report})  # one probe serves both rows
    assert bench.resident_memory(workload) == Sample(3.0, "+6 MB RSS kept for 2.0 MB of CSV")
    peak = bench.peak_memory(workload)
    assert peak.value == 10.0
    assert (
        peak.detail
        == "peak +20 MB above the 150 MB after the imports (process peak 170 MB) for 2.0 MB of CSV"
    )


def test_attribution_scoring_and_budget_rows_measure_what_they_name(xs_workload):
    dataset = bench.loaded_dataset(xs_workload)
    conversions = int((dataset.tracking["orders"] > 0).sum())
    last = bench.attribution_model("last_touch")(xs_workload)
    # Last touch credits exactly one touch, the conversion itself, per conversion with a touch.
    credited = attribution.credit(dataset.tracking, Options(), Filters())
    assert last.detail == f"{len(credited):,} credited touches of {len(credited):,} conversions"
    assert 0 < len(credited) <= conversions
    markov = bench.attribution_model("markov")(xs_workload)
    assert markov.value > 0 and " credited touches of " in markov.detail
    prepared = bench.prepared_view(xs_workload)
    scored = scoring.score_influencers(prepared.influencer_table)
    sample = bench.scoring(xs_workload)
    assert sample.detail.startswith(
        f"{int(scored['score'].notna().sum())} of {len(scored)} influencers scored"
    )
    plan = bench.budget_optimizer(xs_workload)
    assert plan.value > 0 and re.match(r"^\d+ influencers in the plan, b = 0\.\d{3}", plan.detail)


def test_export_row_runs_the_command_and_fails_loudly_on_bad_input(xs_workload, tmp_path):
    sample = bench.export_command(xs_workload)
    from metrics.export import BUILDERS

    # Without --budget the command writes one file per builder (budget.csv and budget_fit.csv need it).
    assert sample.value > 0 and sample.detail.startswith(f"{len(BUILDERS)} files written")
    inside = float(sample.detail.split("export() ")[1].split(" s")[0])
    assert 0 < inside < sample.value  # the command's own export time excludes start-up and ingest
    empty = Workload("XS", Path(tmp_path / "missing"))
    with pytest.raises(RuntimeError, match="exited with 2"):
        bench.export_command(empty)
