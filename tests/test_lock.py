"""The lock files agree with pyproject.toml: every requirement pinned, inside its range, with hashes.

requirements/runtime.txt ([project].dependencies) and requirements/test.txt (plus the ``test`` extra) are
written by ``make lock`` (pip-compile --generate-hashes). ``make install``/``install-test`` and the Docker
image install from them with ``--require-hashes``; pyproject.toml keeps its ranges for people who install
the package into their own environment. Edit a range without running ``make lock`` and this fails.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCKS = {"runtime": ROOT / "requirements" / "runtime.txt", "test": ROOT / "requirements" / "test.txt"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def requirements(kind: str) -> list[Requirement]:
    """Return pyproject.toml's requirements of one lock: runtime, or runtime plus the test extra."""
    listed = list(PYPROJECT["project"]["dependencies"])
    if kind == "test":
        listed += PYPROJECT["project"]["optional-dependencies"]["test"]
    return [Requirement(text) for text in listed]


def parse_lock(text: str) -> dict[str, tuple[Version, int]]:
    """
    Return each pinned package of a pip-compile lock: (version, number of hashes).

    Examples
    --------
    >>> parse_lock("dash==4.4.1 \\\\\\n    --hash=sha256:aa \\\\\\n    --hash=sha256:bb\\n    # via x\\n")
    {'dash': (<Version('4.4.1')>, 2)}
    """
    pins: dict[str, tuple[Version, int]] = {}
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    for block in blocks:
        match = PIN.match(block)
        if match:
            pins[canonicalize_name(match.group(1))] = (Version(match.group(2)), block.count("--hash=sha256:"))
    return pins


def lock(kind: str) -> dict[str, tuple[Version, int]]:
    return parse_lock(LOCKS[kind].read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", sorted(LOCKS))
def test_every_pyproject_requirement_is_pinned_inside_its_range(kind):
    """No requirement of pyproject.toml is missing from the lock, and each pin satisfies its range."""
    pins = lock(kind)
    missing, outside = [], []
    for requirement in requirements(kind):
        name = canonicalize_name(requirement.name)
        if name not in pins:
            missing.append(str(requirement))
        elif not requirement.specifier.contains(pins[name][0], prereleases=True):
            outside.append(f"{requirement} (locked {pins[name][0]})")
    assert not missing, f"not in {LOCKS[kind].name} (run `make lock`): {missing}"
    assert not outside, f"locked outside pyproject.toml's range (run `make lock`): {outside}"


@pytest.mark.parametrize("kind", sorted(LOCKS))
def test_every_pin_has_a_hash(kind):
    """pip --require-hashes refuses a lock with an unhashed line, so every pin carries at least one."""
    pins = lock(kind)
    assert pins
    assert not [name for name, (_, hashes) in pins.items() if hashes == 0]


def test_runtime_lock_holds_no_test_tools_and_agrees_with_the_test_lock():
    """The image's lock has no test tools; a package in both locks has one version (tests run what ships)."""
    runtime, test = lock("runtime"), lock("test")
    test_only = {canonicalize_name(r.name) for r in requirements("test")} - {
        canonicalize_name(r.name) for r in requirements("runtime")
    }
    assert not test_only & set(runtime)
    assert set(runtime) <= set(test)
    assert {name: runtime[name][0] for name in runtime} == {name: test[name][0] for name in runtime}


def test_a_disagreement_is_caught():
    """The checks above fail for a lock missing a requirement or pinning outside its range."""
    good = "pandas==2.2.3 \\\n    --hash=sha256:aa\n"
    pins = parse_lock(good)
    assert Requirement("pandas>=2.2").specifier.contains(pins["pandas"][0])
    assert not Requirement("pandas>=2.3").specifier.contains(pins["pandas"][0])
    assert "numpy" not in pins
    assert parse_lock("pandas==2.2.3\n")["pandas"][1] == 0


def test_installs_use_the_locks_with_hashes():
    """make install/install-test and the image install from the locks; `make lock` regenerates both."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pip install .*--require-hashes -r \$\(LOCK_RUNTIME\)", makefile)
    assert re.search(r"pip install .*--require-hashes -r \$\(LOCK_TEST\)", makefile)
    assert "LOCK_RUNTIME := requirements/runtime.txt" in makefile
    assert "LOCK_TEST := requirements/test.txt" in makefile
    assert re.search(r"^lock:", makefile, re.M) and "--generate-hashes" in makefile
    # The project itself goes in without resolving anything (its dependencies came from the lock).
    assert makefile.count("--no-deps") >= 2
