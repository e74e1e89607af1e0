"""The public cases' expected results, shipped in `grader/expected/` so that `grader check` needs no
reference solutions. `grader expected` rebuilds them; a test fails while they are stale.

Only what each exercise's check reads ships (its module's `SHIPPED`: field paths, each with why), since
the package and the learner bundle are read by learners: the rest of a reference result (the sixth
exercise's model description, which is that exercise's answer) stays with the instructor.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from grader import exercises
from grader.grading.cache import SHIPPED_DIR, ship, ship_versions
from grader.grading.references import reference_results
from grader.grading.settings import DEFAULT_REFERENCE, Settings, cases_for


def public_cases() -> list:
    """Every public case, in exercise order (public cases do not depend on the seed)."""
    settings = Settings(public_only=True)
    return [case for name in exercises.NAMES for case in cases_for(exercises.get(name), settings)]


def public_part(exercise: str, result: dict[str, Any]) -> dict[str, Any]:
    """The fields of a public case's reference `result` that ship: its exercise's `SHIPPED` paths."""
    kept: dict[str, Any] = {}
    for path in exercises.get(exercise).SHIPPED:
        *parents, last = path.split("/")
        source, target = result, kept
        for key in parents:
            source, target = source[key], target.setdefault(key, {})
        target[last] = source[last]
    return kept


def rebuild(reference_path: Path = DEFAULT_REFERENCE) -> list[Path]:
    """Recomputes every public case with the reference solutions and ships the results."""
    cases = public_cases()
    results = reference_results(cases, reference_path)
    shutil.rmtree(SHIPPED_DIR, ignore_errors=True)
    written = [ship(case, public_part(case.exercise, result)) for case, result in zip(cases, results)]
    ship_versions()
    return written
