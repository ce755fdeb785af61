"""
The CLI's export files stay byte-identical to the ones the reference version wrote.

``tests/golden/exports.json`` holds the sha256 of every file ``python -m metrics export`` wrote, at the
reference version, for each case of :data:`CASES`: the bundled demo under several filter and model
combinations, and a seeded generated dataset (its input CSVs' hashes are recorded too, so a change of the
generator is told apart from a change of the export). The test re-exports each case in-process with the
current code and compares every file.

Regenerate the JSON only when an export change is intended (and documented in docs/export-contract.md),
from the root of the checkout whose output is the reference::

    python tests/test_golden_exports.py write tests/golden/exports.json

and check any checkout (e.g. against hashes taken on a larger generated dataset) from its root with::

    python tests/test_golden_exports.py write FILE.json --size M --generated-only   # at the reference
    python tests/test_golden_exports.py check FILE.json                            # at the candidate
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "exports.json"

GENERATED_SIZE = "S"
GENERATED_SEED = 11

# (case name, dataset, CLI flags after --data/--out). "demo" is data/demo; "generated" is the seeded
# generated dataset (GENERATED_SIZE, GENERATED_SEED unless the command line says otherwise).
CASES: list[tuple[str, str, list[str]]] = [
    ("demo-default", "demo", []),
    ("demo-markov-campaign", "demo", ["--model", "markov", "--markov-by", "campaign"]),
    ("demo-campaign-linear", "demo", ["--campaign", "Summer Shred", "--model", "linear"]),
    ("demo-one-month", "demo", ["--start", "2025-06-01", "--end", "2025-06-30"]),
    (
        "demo-instagram-micro-decay",
        "demo",
        ["--platform", "Instagram", "--tier", "micro", "--model", "time_decay", "--half-life", "3"],
    ),
    ("demo-budget", "demo", ["--budget", "2000000"]),
    ("generated-default", "generated", []),
    (
        "generated-markov-filtered",
        "generated",
        [
            "--model", "markov", "--markov-by", "campaign", "--platform", "YouTube",
            "--start", "2025-05-01", "--end", "2025-08-31", "--budget", "900000",
        ],
    ),
]  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(directory: Path) -> dict[str, str]:
    """Return {file name: sha256} of every file in ``directory`` (sorted by name)."""
    return {path.name: sha256(path) for path in sorted(directory.iterdir()) if path.is_file()}


def generate_dataset(out: Path, size: str, seed: int) -> dict[str, str]:
    """Write the seeded generated dataset to ``out``; return its input files' hashes."""
    from data.generate import generate, write

    write(generate(size, seed), out)
    return hashes(out)


def export_in_process(data: Path, out: Path, flags: list[str]) -> dict[str, str]:
    """Run ``python -m metrics export`` through its ``main()``; return the written files' hashes."""
    from metrics.__main__ import main

    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        status = main(["export", "--data", str(data), "--out", str(out), *flags])
    assert status == 0, f"export {flags} exited {status}: {stderr.getvalue()}"
    return hashes(out)


def mismatches(case: str, expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Describe every file that differs between two {file: sha256} maps of one case."""
    problems = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            problems.append(f"{case}: {name} is no longer written")
        elif name not in expected:
            problems.append(f"{case}: {name} is written but was not before")
        elif expected[name] != actual[name]:
            problems.append(f"{case}: {name} differs (sha256 {actual[name][:12]}, was {expected[name][:12]})")
    return problems


# --- the test ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, golden: dict) -> Path:
    data = tmp_path_factory.mktemp("golden-generated")
    inputs = generate_dataset(data, GENERATED_SIZE, GENERATED_SEED)
    problems = mismatches("generated inputs", golden["generated"]["inputs"], inputs)
    assert not problems, "data.generate no longer writes the same dataset:\n" + "\n".join(problems)
    return data


def test_every_case_has_golden_hashes(golden: dict) -> None:
    assert sorted(golden["cases"]) == sorted(name for name, _, _ in CASES)
    assert golden["generated"]["size"] == GENERATED_SIZE
    assert golden["generated"]["seed"] == GENERATED_SEED


@pytest.mark.parametrize(("case", "dataset", "flags"), CASES, ids=[name for name, _, _ in CASES])
def test_export_files_are_byte_identical(
    case: str, dataset: str, flags: list[str], golden: dict, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    data = ROOT / "data" / "demo" if dataset == "demo" else request.getfixturevalue("generated")
    expected = golden["cases"][case]["files"]
    actual = export_in_process(data, tmp_path / "out", flags)
    problems = mismatches(f"{case} ({' '.join(flags) or 'no flags'})", expected, actual)
    assert not problems, "export files changed:\n" + "\n".join(problems)


# --- writing and checking hashes from the command line (not collected by pytest) ---------------------


def _export_subprocess(root: Path, data: Path, out: Path, flags: list[str]) -> dict[str, str]:
    # A fresh interpreter in ``root`` so the checkout's own ``metrics`` package is the one imported.
    subprocess.run(
        [sys.executable, "-m", "metrics", "export", "--data", str(data), "--out", str(out), *flags],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return hashes(out)


def compute(root: Path, work: Path, size: str, seed: int, datasets: set[str]) -> dict:
    """Hash every case of ``datasets`` exported by the checkout at ``root``."""
    gen_dir = work / "generated"
    gen_dir.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "data.generate", "--size", size, "--seed", str(seed), "--out", str(gen_dir)],
        cwd=root,
        check=True,
        capture_output=True,
    )
    result = {
        "generated": {"size": size, "seed": seed, "inputs": hashes(gen_dir)},
        "cases": {},
    }
    for name, dataset, flags in CASES:
        if dataset not in datasets:
            continue
        data = root / "data" / "demo" if dataset == "demo" else gen_dir
        files = _export_subprocess(root, data, work / name, flags)
        result["cases"][name] = {"dataset": dataset, "flags": flags, "files": files}
    return result


def _main(argv: list[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description="Write or check the export hashes of this checkout.")
    parser.add_argument("action", choices=["write", "check"])
    parser.add_argument("json", type=Path)
    parser.add_argument("--size", default=GENERATED_SIZE)
    parser.add_argument("--seed", type=int, default=GENERATED_SEED)
    parser.add_argument("--generated-only", action="store_true", help="skip the demo cases")
    args = parser.parse_args(argv)
    root = Path.cwd()
    size, seed = args.size, args.seed
    datasets = {"generated"} if args.generated_only else {"demo", "generated"}
    if args.action == "check":
        # The JSON says which dataset it was taken on.
        expected = json.loads(args.json.read_text())
        size, seed = expected["generated"]["size"], expected["generated"]["seed"]
        datasets = {case["dataset"] for case in expected["cases"].values()}
    with tempfile.TemporaryDirectory() as work:
        result = compute(root, Path(work), size, seed, datasets)
    if args.action == "write":
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
        print(f"wrote {args.json}: {len(result['cases'])} cases")
        return 0
    problems = mismatches("generated inputs", expected["generated"]["inputs"], result["generated"]["inputs"])
    for name, case in expected["cases"].items():
        problems += mismatches(name, case["files"], result["cases"][name]["files"])
    print("\n".join(problems) or f"all {len(expected['cases'])} cases byte-identical")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(_main())
