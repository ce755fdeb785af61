"""Fixtures of the browser tests: the demo data, an app factory with its own cache, library values.

Browser tests run a real headless Chromium (``pytest --headless``); Dash's test browser already passes
``--no-sandbox`` and lets headless Chromium download into ``dash_duo.download_path``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from metrics import ingest
from metrics.dataset import FILES
from store import datasets

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def pytest_setup_options():
    """
    Return the test browser's options: Chromium that prefers reduced motion.

    Bootstrap scrolls smoothly otherwise, and a click on an element being scrolled to lands on a moving
    target ("element click intercepted") on a slow machine.
    """
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.add_argument("--force-prefers-reduced-motion")
    return options


def pytest_configure(config):
    """
    Start the test servers' ports at ``DASH_TEST_PORT`` when set.

    Dash numbers its threaded test servers from one fixed port in every process, so two browser test
    runs at once on one machine would answer each other's requests.
    """
    from dash.testing.application_runners import BaseDashRunner

    if os.environ.get("DASH_TEST_PORT"):
        BaseDashRunner._next_port = int(os.environ["DASH_TEST_PORT"])


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """Return the bundled demo folder (generated with its documented command when not there yet)."""
    bundled = datasets.DEMO_DIR
    if all((bundled / f"{name}.csv").is_file() for name in FILES):
        return bundled
    from data import generate

    out = tmp_path_factory.mktemp("demo")
    generate.write(generate.generate("S", seed=7), out)
    return out


@pytest.fixture(autouse=True)
def use_demo_dir(demo_dir, monkeypatch):
    """Point the dashboard's demo at ``demo_dir``."""
    monkeypatch.setattr(datasets, "DEMO_DIR", demo_dir)


@pytest.fixture(scope="session")
def demo_dataset(demo_dir):
    """Return the demo as the CLI reads it (``ingest.read_dir``)."""
    return ingest.read_dir(demo_dir)


@pytest.fixture
def make_app(tmp_path):
    """Return a factory of apps with a fresh file cache (extra settings as keyword arguments)."""
    from app import create_app

    def factory(**settings):
        return create_app({"CACHE_DIR": str(tmp_path / "cache"), "TESTING": True, **settings})

    return factory


@pytest.fixture
def screenshot(dash_duo):
    """Return a function saving a full-width screenshot under tests/artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        dash_duo.driver.save_screenshot(str(path))
        return path

    return save


@pytest.fixture
def csv_copy(tmp_path, demo_dir):
    """Return a function copying a demo CSV (optionally edited) to a temporary file, for uploads."""

    def copy(name: str, edit=None) -> Path:
        target = tmp_path / "upload" / f"{name}.csv"
        target.parent.mkdir(exist_ok=True)
        shutil.copy(demo_dir / f"{name}.csv", target)
        if edit is not None:
            target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
        return target

    return copy
