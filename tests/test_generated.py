"""Generated, committed files match their single source of truth."""

from __future__ import annotations

import json

from grader import build, distribution, exercises
from grader.cache import SHIPPED_VERSIONS, shipped
from grader.expected import public_cases
from grader.grading import DEFAULT_REFERENCE, reference_results


def test_committed_learner_files_are_up_to_date() -> None:
    for path, text in build.outputs().items():
        assert path.read_text() == text, f"{path.name} is stale: run `python -m grader.build`"


def test_stubs_hold_no_solution_code() -> None:
    stubs = build.STUBS.read_text()
    assert "### BEGIN SOLUTION" not in stubs
    assert "model.fit(" not in stubs and "GradientTape()" not in stubs


def test_shipped_public_expectations_match_the_reference_solutions() -> None:
    cases = public_cases()
    fresh = reference_results(cases, DEFAULT_REFERENCE)
    for case, answer in zip(cases, fresh):
        stored = shipped(case)
        assert stored is not None, f"{case.test_name}: not shipped; run `grader expected`"
        exercises.get(case.exercise).check(case, stored, answer)


def test_the_shipped_results_say_they_come_from_the_pinned_tensorflow() -> None:
    pinned = [line.split(";")[0].split("==")[1] for line in distribution.requirements()
              if line.startswith("tensorflow")]
    assert json.loads(SHIPPED_VERSIONS.read_text())["TensorFlow"] in pinned, "run `grader expected`"
