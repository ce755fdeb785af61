"""Export contract: CSV bytes (precision, empty cells, ISO dates, formula escaping), files, columns, CLI."""

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics import export
from metrics.__main__ import main
from metrics.filters import Filters, Options

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"

INFLUENCERS = [
    {"influencer_id": "A", "name": '=HYPERLINK("http://x")'},
    {"influencer_id": "B", "name": "Zoë", "platform": "YouTube"},
]
POSTS = [
    {"influencer_id": "A", "date": "2025-04-01", "reach": 3_000, "likes": 200, "comments": 100},
    {"influencer_id": "B", "date": "2025-04-02", "reach": 1_000, "likes": 10, "comments": 0},
]
TRACKING = [
    {
        "influencer_id": "A",
        "campaign": "-Spring",
        "user_id": "u1",
        "date": "2025-04-01",
        "orders": 1,
        "revenue": 0.1,
    },
    {
        "influencer_id": "A",
        "campaign": "-Spring",
        "user_id": "u2",
        "date": "2025-04-03",
        "orders": 2,
        "revenue": 0.2,
    },
    {"influencer_id": "B", "campaign": "Summer", "user_id": "u3", "date": "2025-04-02"},
    {"user_id": "u4", "date": "2025-04-02", "orders": 1, "revenue": 99.0},
]
PAYOUTS = [
    {"influencer_id": "A", "basis": "post", "total_payout": 3.0},
    {"influencer_id": "B", "basis": "order", "total_payout": 7.0},
]


@pytest.fixture
def dataset(make_dataset):
    return make_dataset(influencers=INFLUENCERS, posts=POSTS, tracking=TRACKING, payouts=PAYOUTS)


def read_back(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def test_text_cells_that_look_like_formulas_are_escaped_numbers_never():
    frame = pd.DataFrame(
        {
            "text": pd.array(
                ["=SUM(A1)", "+91 98", "-Spring", "@home", "\tx", "plain", None], dtype="string"
            ),
            "number": [-5.0, -1.5, 0.0, 1.0, 2.0, 3.0, 4.0],
            "count": pd.array([-5, 1, 2, 3, 4, 5, None], dtype="Int64"),
        }
    )
    back = read_back(export.to_csv_bytes(frame))
    assert back["text"].tolist() == ["'=SUM(A1)", "'+91 98", "'-Spring", "'@home", "'\tx", "plain", ""]
    assert back["number"].tolist() == ["-5.0", "-1.5", "0.0", "1.0", "2.0", "3.0", "4.0"]
    assert back["count"].tolist() == ["-5", "1", "2", "3", "4", "5", ""]


def test_numbers_keep_full_precision_nan_is_empty_and_dates_are_iso():
    values = [0.1 + 0.2, 1 / 3, 1e-20, 123456789.123456789, np.nan]
    frame = pd.DataFrame(
        {"date": pd.to_datetime(["2025-04-01", None, "2025-12-31", "2025-01-02", "2025-01-03"]), "x": values}
    )
    data = export.to_csv_bytes(frame)
    back = pd.read_csv(io.BytesIO(data), dtype={"date": str}, keep_default_na=False)
    assert back["date"].tolist() == ["2025-04-01", "", "2025-12-31", "2025-01-02", "2025-01-03"]
    text = data.decode("utf-8").splitlines()
    assert text[0] == "date,x"
    assert text[-1] == "2025-01-03,"
    parsed = [float(line.split(",")[1]) for line in text[1:-1]]
    assert parsed == values[:-1]
    assert not data.startswith(b"\xef\xbb\xbf")


def test_build_tables_writes_the_contract_columns_in_order(dataset):
    tables = export.build_tables(dataset)
    names = [file_name.removesuffix(".csv") for file_name in tables]
    assert {"kpis", "campaigns", "influencers", "payouts", "trends", "data_quality"} <= set(names)
    assert names == [name for name in export.COLUMNS if name in names]
    assert "budget" not in names
    for file_name, frame in tables.items():
        contract = export.COLUMNS[file_name.removesuffix(".csv")]
        # Columns of features not built yet are left out; the rest keep the contract's order.
        assert list(frame.columns) == [c for c in contract if c in frame.columns], file_name
    assert list(tables["kpis.csv"].columns[:15]) == export.COLUMNS["kpis"][:15]
    assert list(tables["payouts.csv"].columns) == export.COLUMNS["payouts"]
    assert list(tables["trends.csv"].columns) == export.COLUMNS["trends"]


def test_exported_values_match_the_view(dataset):
    tables = export.build_tables(dataset, Filters.make(sources=["influencer"]), Options())
    kpis = tables["kpis.csv"].iloc[0]
    assert kpis["revenue"] == pytest.approx(0.3)
    assert kpis["spend"] == 10.0
    campaigns = read_back(export.to_csv_bytes(tables["campaigns.csv"]))
    # The campaign "-Spring" is text: escaped. Its ROAS 0.3 / 3 is a number: written as is.
    assert campaigns["campaign"].tolist() == ["'-Spring", "Summer"]
    assert float(campaigns.loc[0, "roas"]) == pytest.approx(0.1)
    influencers = read_back(export.to_csv_bytes(tables["influencers.csv"]))
    assert influencers["name"].tolist() == ['\'=HYPERLINK("http://x")', "Zoë"]


def test_write_all_writes_the_bytes_of_to_csv_bytes(dataset, tmp_path):
    tables = export.build_tables(dataset)
    written = export.write_all(tables, tmp_path / "out")
    assert [p.name for p in written] == list(tables)
    for path in written:
        assert path.read_bytes() == export.to_csv_bytes(tables[path.name])


def test_build_table_builds_one_file(dataset):
    from metrics.view import View

    view = View(dataset)
    assert export.build_table("campaigns", view).equals(export.build_tables(dataset)["campaigns.csv"])
    with pytest.raises(KeyError, match="unknown export file"):
        export.build_table("nope", view)


# --- command line -------------------------------------------------------------------------------------


def test_cli_refuses_out_equal_to_data(tmp_path, capsys):
    assert main(["export", "--data", str(tmp_path), "--out", str(tmp_path / ".." / tmp_path.name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--out" in err


@pytest.mark.parametrize(
    "bad",
    [
        ["--lookback", "-1"],
        ["--lookback", "thirty"],
        ["--model", "magic"],
        ["--start", "01/04/2025"],
        ["--start", "2025-05-01", "--end", "2025-04-01"],
        ["--markov-by", "colour"],
        ["--unknown"],
    ],
)
def test_cli_bad_option_exits_2_with_one_line(tmp_path, capsys, bad):
    assert main(["export", "--data", str(tmp_path / "in"), "--out", str(tmp_path / "out"), *bad]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("error: ")
    assert "Traceback" not in captured.err


def test_cli_missing_data_directory_exits_2(tmp_path, capsys):
    assert main(["export", "--data", str(tmp_path / "absent"), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_cli_exports_every_file_and_exits_0(dataset, write_csvs, tmp_path, capsys):
    data = write_csvs(dataset, tmp_path / "in")
    out = tmp_path / "out"
    code = main(
        ["export", "--data", str(data), "--out", str(out), "--source", "influencer", "--model", "last_touch"]
    )
    assert code == 0, capsys.readouterr().err
    summary = capsys.readouterr().out
    assert summary.count("\n") == 1 and "files" in summary
    expected = export.build_tables(dataset, Filters.make(sources=["influencer"]))
    for file_name in ["kpis.csv", "campaigns.csv", "influencers.csv", "payouts.csv", "trends.csv"]:
        assert (out / file_name).read_bytes() == export.to_csv_bytes(expected[file_name]), file_name


def test_cli_rejects_a_file_missing_a_required_column(dataset, write_csvs, tmp_path):
    data = write_csvs(dataset, tmp_path / "in")
    tracking = pd.read_csv(data / "tracking.csv").drop(columns=["revenue"])
    tracking.to_csv(data / "tracking.csv", index=False)
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "export", "--data", str(data), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "tracking" in result.stderr and "revenue" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_writes_the_insights_of_the_view(dataset, write_csvs, tmp_path):
    """
    insights.csv: kind, subject, metric, value, sentence, in the order shown.

    By hand: -Spring earns ₹0.3 on ₹3 (ROAS 0.1), Summer ₹0 on ₹7 (B's order-basis payout has no orders,
    so it follows B's touches). A is a Star (ROAS 0.1 and engagement 0.1, both above the medians 0.05 and
    0.055) ranking first on every score component (100/100); B is the underperformer with ₹7 spent. Both
    campaigns are too thin for incrementality.
    """
    data = write_csvs(dataset, tmp_path / "in")
    assert main(["export", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    content = (tmp_path / "out" / "insights.csv").read_bytes()
    assert content.startswith(b"kind,subject,metric,value,sentence\n")
    back = read_back(content)
    assert back["kind"].tolist() == [
        "top_roas_campaign",
        "scale_up_influencer",
        "review_influencer",
        "thin_data_campaigns",
        "lowest_roas_campaign",
    ]
    # text cells starting with "-" are escaped; numbers are plain, at full precision
    assert back["subject"].tolist() == ["'-Spring", "A", "B", "", "Summer"]
    assert back["metric"].tolist() == ["roas", "score", "spend", "campaigns", "roas"]
    values = [float(v) for v in back["value"]]
    assert values == pytest.approx([(0.1 + 0.2) / 3, 100.0, 7.0, 2.0, 0.0], rel=1e-12)
    assert back["sentence"][0].startswith("'-Spring earns the most per rupee: ₹0 in revenue on ₹3 spent")
    assert back["sentence"][2].startswith("Review Zoë: ₹7 spent for a ROAS of 0.00×")
    assert back["sentence"][3].endswith(": -Spring, Summer.")


def test_cli_insights_of_an_empty_view_is_one_friendly_row(dataset, write_csvs, tmp_path):
    data = write_csvs(dataset, tmp_path / "in")
    out = tmp_path / "out"
    assert main(["export", "--data", str(data), "--out", str(out), "--campaign", "Gone"]) == 0
    back = read_back((out / "insights.csv").read_bytes())
    assert back[["kind", "subject", "metric", "value"]].values.tolist() == [["no_data", "", "", ""]]
    assert back["sentence"][0].startswith("No data for these filters")


@pytest.mark.skipif(not (DEMO / "tracking.csv").exists(), reason="the demo dataset is not generated")
def test_cli_exports_the_demo_data(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "export", "--data", str(DEMO), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    kpis = pd.read_csv(tmp_path / "kpis.csv")
    payouts = pd.read_csv(DEMO / "payouts.csv")
    # Unfiltered, allocated spend is the total payout.
    assert kpis.loc[0, "spend"] == pytest.approx(payouts["total_payout"].sum(), rel=1e-6)
    assert kpis.loc[0, "revenue"] > 0
    # insights.csv from the tables the export built equals the file built on its own (the dashboard's way)
    from metrics import ingest
    from metrics.view import View

    alone = export.build_table("insights", View(ingest.read_dir(DEMO)))
    assert (tmp_path / "insights.csv").read_bytes() == export.to_csv_bytes(alone)
    assert 3 <= len(alone) <= 6


def test_view_arguments_parse_into_filters_options_and_budget():
    """add_view_arguments and view_from_args give the Filters, Options and budget the flags name."""
    import argparse

    from metrics.__main__ import add_view_arguments, view_from_args

    parser = argparse.ArgumentParser()
    add_view_arguments(parser)
    args = parser.parse_args(
        ["--start", "2025-01-02", "--campaign", "B", "--campaign", "A", "--model", "linear", "--budget", "10"]
    )
    filters, options, budget = view_from_args(args)
    assert filters == Filters.make(start="2025-01-02", campaigns=["A", "B"])
    assert options == Options(model="linear")
    assert budget == 10.0


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--start", "2025-02-01", "--end", "2025-01-01"], "--start 2025-02-01 is after --end 2025-01-01"),
        (["--budget", "-1"], "--budget must be >= 0"),
        (["--budget", "nan"], "--budget must be >= 0"),
    ],
)
def test_view_from_args_refuses_invalid_combinations(flags, message):
    """view_from_args raises a one-line UsageError naming the flag."""
    import argparse

    from metrics.__main__ import UsageError, add_view_arguments, view_from_args

    parser = argparse.ArgumentParser()
    add_view_arguments(parser)
    with pytest.raises(UsageError, match=message):
        view_from_args(parser.parse_args(flags))
