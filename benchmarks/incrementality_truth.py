"""Measure incremental revenue against the generator's causal record (docs/incrementality.md).

``python -m benchmarks.incrementality_truth --size S --seeds 7 1 2 3`` generates each workload with its
causal record (what the generator planted: coded conversions plus halo purchases minus the organic
purchases the codes replaced, docs/demo-data.md), estimates incremental revenue and iROAS overall and by
campaign with ``metrics.incrementality``, and prints the relative error of each against the truth and
how many campaign intervals cover the true iROAS (true incremental revenue / the campaign's spend).

``--estimator FILE`` measures another implementation of ``iroas_table(view, by)`` instead (for example
an earlier version of ``metrics/incrementality.py`` saved from git), so two definitions can be compared
on the same data.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from dataclasses import dataclass
from types import ModuleType

import pandas as pd

from data.generate import SIZES, generate
from metrics import incrementality
from metrics.dataset import Dataset
from metrics.view import View


@dataclass(frozen=True)
class Measured:
    """One workload's estimate against its truth."""

    seed: int
    true_total: float
    estimated_total: float
    campaigns: pd.DataFrame  # campaign, truth, estimate, error, iroas_true, iroas_low, iroas_high, covered

    @property
    def total_error(self) -> float:
        """Relative error of the overall incremental revenue."""
        return self.estimated_total / self.true_total - 1

    @property
    def covered(self) -> int:
        """Campaign intervals that contain the true iROAS."""
        return int(self.campaigns["covered"].sum())


def truth_by_campaign(causal: pd.DataFrame) -> pd.Series:
    """Return the planted incremental revenue per campaign."""
    return causal.groupby("campaign")["incremental_revenue"].sum()


def measure(size: str, seed: int, estimator: ModuleType = incrementality) -> Measured:
    """Estimate incrementality on one generated workload and compare it with its causal record."""
    frames = generate(size, seed, causal=True)
    causal = frames.pop("causal")
    view = View(Dataset(**frames))
    overall = estimator.iroas_table(view)
    by_campaign = estimator.iroas_table(view, "campaign").set_index("campaign")
    truth = truth_by_campaign(causal)
    table = pd.DataFrame(
        {"truth": truth, "estimate": by_campaign["incremental_revenue"].reindex(truth.index)}
    )
    table["error"] = table["estimate"] / table["truth"] - 1
    spend = by_campaign["spend"].reindex(truth.index)
    table["iroas_true"] = table["truth"] / spend
    table["iroas_low"] = by_campaign["iroas_low"].reindex(truth.index)
    table["iroas_high"] = by_campaign["iroas_high"].reindex(truth.index)
    table["covered"] = (table["iroas_low"] <= table["iroas_true"]) & (
        table["iroas_true"] <= table["iroas_high"]
    )
    return Measured(
        seed=seed,
        true_total=float(causal["incremental_revenue"].sum()),
        estimated_total=float(overall.loc[0, "incremental_revenue"]),
        campaigns=table.rename_axis("campaign").reset_index(),
    )


def load_estimator(path: str | None) -> ModuleType:
    """Return the estimator module at ``path`` (a file defining ``iroas_table``), or the product's."""
    if path is None:
        return incrementality
    spec = importlib.util.spec_from_file_location("measured_estimator", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def report(results: list[Measured]) -> str:
    """Return the measurements as Markdown tables: totals per seed, then campaigns per seed."""
    lines = [
        "| seed | true incremental revenue | estimated | error | campaign errors | intervals covering |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        errors = result.campaigns["error"]
        lines.append(
            f"| {result.seed} | {result.true_total:,.0f} | {result.estimated_total:,.0f} | "
            f"{result.total_error:+.1%} | {errors.min():+.0%} to {errors.max():+.0%} | "
            f"{result.covered} of {len(result.campaigns)} |"
        )
    campaigns = pd.concat([r.campaigns.assign(seed=r.seed) for r in results])
    pivot = campaigns.pivot(index="campaign", columns="seed", values="error")
    lines += ["", "| campaign | " + " | ".join(f"seed {seed}" for seed in pivot.columns) + " |"]
    lines.append("|---|" + "---|" * len(pivot.columns))
    for campaign, row in pivot.iterrows():
        lines.append(f"| {campaign} | " + " | ".join(f"{value:+.0%}" for value in row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure the estimator on each seed and print the tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.incrementality_truth", description=__doc__)
    parser.add_argument("--size", choices=list(SIZES), default="S", help="workload size (default S)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 1, 2, 3], help="generator seeds")
    parser.add_argument("--estimator", help="a file defining iroas_table(view, by) to measure instead")
    args = parser.parse_args(argv)
    estimator = load_estimator(args.estimator)
    name = args.estimator or "metrics/incrementality.py"
    print(f"{name}, size {args.size}\n")
    print(report([measure(args.size, seed, estimator) for seed in args.seeds]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
