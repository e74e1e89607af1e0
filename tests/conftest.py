"""Shared fixtures: one reference cache for the whole session, so references are computed once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reference cache shared by every test (GRADER_TEST_CACHE keeps it across runs)."""
    kept = os.environ.get("GRADER_TEST_CACHE")
    return Path(kept) if kept else tmp_path_factory.mktemp("reference-cache")
