"""The public cases' expected results, shipped in `grader/expected/` so that `grader check` needs no
reference solutions. `grader expected` rebuilds them; a test fails while they are stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from grader import exercises
from grader.cache import SHIPPED_DIR, ship, ship_versions
from grader.grading import DEFAULT_REFERENCE, Settings, cases_for, reference_results


def public_cases() -> list:
    """Every public case, in exercise order (public cases do not depend on the seed)."""
    settings = Settings(public_only=True)
    return [case for name in exercises.NAMES for case in cases_for(exercises.get(name), settings)]


def rebuild(reference_path: Path = DEFAULT_REFERENCE) -> list[Path]:
    """Recomputes every public case with the reference solutions and ships the results."""
    cases = public_cases()
    results = reference_results(cases, reference_path)
    shutil.rmtree(SHIPPED_DIR, ignore_errors=True)
    written = [ship(case, result) for case, result in zip(cases, results)]
    ship_versions()
    return written
