"""Shared fixtures: one reference cache for the whole session, so references are computed once.

Under `make test` (GRADER_TESTS_SKIP_NOTHING=1) a test that would be skipped fails instead, with the skip's
reason: make installs what the tests need (or stops first), so a skip there means a test CI runs did not.
Run by hand (`pytest`), a test whose tool is missing is skipped with its reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SKIP_NOTHING = os.environ.get("GRADER_TESTS_SKIP_NOTHING") == "1"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reference cache shared by every test (GRADER_TEST_CACHE keeps it across runs)."""
    kept = os.environ.get("GRADER_TEST_CACHE")
    return Path(kept) if kept else tmp_path_factory.mktemp("reference-cache")


def _no_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if SKIP_NOTHING and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under `make test`, which runs every test: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # a hook wrapper: a generator
    outcome = yield
    _no_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):  # a hook wrapper: a generator
    outcome = yield
    _no_skip(outcome.get_result())
